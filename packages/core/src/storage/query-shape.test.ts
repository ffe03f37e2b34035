import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { queryOptionsSchema, queryWellFormed } from "./query-shape.js";

describe("the quick shape check of query options", () => {
  it("accepts exactly the options the schema accepts", () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.constantFrom(0, 1, 2, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53),
      fc.constantFrom("", "a", "asc", "desc", "contacts"),
      fc.constant([]),
      fc.constant({}),
    );
    const range = fc.oneof(
      value,
      fc.record(
        { eq: value, gt: value, gte: value, lt: value, lte: value, between: value },
        { requiredKeys: [] },
      ),
    );
    // Well-formed options, so that acceptance is tested as much as refusal.
    const key = fc.oneof(fc.string({ maxLength: 3 }), fc.integer());
    const valid = fc.record(
      {
        collection: fc.constant("contacts"),
        index: fc.string({ maxLength: 3 }),
        where: fc.record({ eq: key, gt: key, gte: key, lt: key, lte: key }, { requiredKeys: [] }),
        order: fc.constantFrom("asc", "desc"),
        limit: fc.integer({ min: 1, max: 1_000 }),
        cursor: fc.oneof(fc.constant(null), fc.string({ maxLength: 3 })),
      },
      { requiredKeys: ["collection"] },
    );
    const options = fc.oneof(
      valid,
      valid,
      value,
      fc.record(
        {
          collection: fc.oneof(fc.constant("contacts"), value),
          index: value,
          where: range,
          order: value,
          limit: value,
          cursor: value,
          batchSize: value,
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(options, (candidate) => {
        expect(queryWellFormed(candidate)).toBe(queryOptionsSchema.safeParse(candidate).success);
      }),
      { numRuns: 3_000 },
    );
  });
});
