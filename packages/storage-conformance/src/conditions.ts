import {
  type KeyRange,
  matchesCondition,
  type RecordCondition,
  type StorageAdapter,
  type StoredRecord,
} from "@crmkit/core/storage";
import fc from "fast-check";
import { expect } from "vitest";
import type { ConformanceCase } from "./case.js";

// Values chosen to meet every trap of a translation to another engine: numbers and their string
// twins, booleans, null, empty strings and arrays, nested objects and arrays in the path, strings
// whose UTF-16 order differs from their code-point order, and case twins.
const strings = ["", "a", "A", "b", "fr", "FR", "1", "é", "\uFFFD", "\u{1F600}", "gold", "z"];
const scalar = fc.oneof(
  fc.constantFrom(...strings),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -0, 1e21),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.subarray(["gold", "silver", "fr", "FR", "é"]) },
  { weight: 1, arbitrary: fc.record({ global: scalar, x: scalar }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 2 }) },
);
const record = fc.record(
  { status: value, scores: value, tags: value, rank: value, note: value },
  { requiredKeys: [] },
);
const path = fc.constantFrom(
  ["status"],
  ["tags"],
  ["rank"],
  ["note"],
  ["scores"],
  ["scores", "global"],
  ["scores", "x"],
  ["missing"],
  ["status", "deeper"],
  ["tags", "0"],
  ["scores", "1"],
);
const field: fc.Arbitrary<RecordCondition> = fc
  .tuple(
    path,
    fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
    fc.oneof(
      scalar.map((eq) => ({ eq })),
      fc.array(scalar, { maxLength: 3 }).map((values) => ({ in: values })),
      fc
        .constantFrom("number" as const, "string" as const)
        .chain((type) => {
          const bound =
            type === "number" ? fc.integer({ min: -3, max: 3 }) : fc.constantFrom(...strings);
          return fc.record(
            { type: fc.constant(type), gt: bound, gte: bound, lt: bound, lte: bound },
            { requiredKeys: ["type"] },
          );
        })
        .map((range) => ({ range })),
      fc.constant({ empty: true as const }),
      fc.subarray(["gold", "silver", "FR", "é"]).map((hasAny) => ({ hasAny })),
      fc.subarray(["gold", "silver", "FR", "é"]).map((hasAll) => ({ hasAll })),
    ),
  )
  .map(([steps, fallback, test]) => ({
    path: steps,
    ...(fallback === undefined ? {} : { fallback }),
    ...test,
  }));
const condition: fc.Arbitrary<RecordCondition> = fc.letrec<{ node: RecordCondition }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    field,
    fc.array(tie("node"), { maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie("node"), { maxLength: 3 }).map((or) => ({ or })),
    tie("node").map((not) => ({ not })),
  ),
})).node;
const selection = fc.constantFrom<{ index?: string; where?: KeyRange }>(
  {},
  { index: "status", where: { gte: "" } },
  { index: "tags", where: { eq: "gold" } },
  { index: "rank", where: { lt: 2 } },
);

async function pagesMatching(
  store: StorageAdapter,
  chosen: { index?: string; where?: KeyRange },
  where: RecordCondition,
  limit: number,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { records: StoredRecord[]; cursor: string | null } = await store.queryMatching!(
      { collection: "contacts", ...chosen, limit, cursor },
      where,
    );
    expect(page.records.length).toBeLessThanOrEqual(limit);
    if (page.cursor !== null) expect(page.records.length).toBe(limit);
    ids.push(...page.records.map((r) => r.id));
    cursor = page.cursor;
  } while (cursor !== null);
  return ids;
}

/**
 * For adapters that evaluate conditions natively: `countMatching` and `queryMatching` agree with
 * `matchesCondition` over random records and random conditions, with and without an index.
 */
export const conditionsCase: ConformanceCase = {
  id: "native-conditions",
  title: "evaluates record conditions natively exactly as matchesCondition does (property test)",
  async run({ open, propertyRuns }) {
    const store = await open();
    if (store.countMatching === undefined || store.queryMatching === undefined) {
      expect(store.countMatching).toBeUndefined();
      expect(store.queryMatching).toBeUndefined();
      return;
    }
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { maxLength: 12 }),
        fc.array(fc.tuple(condition, selection, fc.integer({ min: 1, max: 4 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (fields, checks) => {
          await store.clear();
          const records = fields.map((f, i) => ({ id: `r${i}`, ...f }));
          if (records.length > 0)
            await store.write(
              records.map((r) => ({ type: "put" as const, collection: "contacts", record: r })),
            );
          for (const [where, chosen, limit] of checks) {
            const selected: string[] = [];
            let cursor: string | null = null;
            do {
              const page: { records: StoredRecord[]; cursor: string | null } = await store.query({
                collection: "contacts",
                ...chosen,
                limit: 50,
                cursor,
              });
              selected.push(
                ...page.records.filter((r) => matchesCondition(r, where)).map((r) => r.id),
              );
              cursor = page.cursor;
            } while (cursor !== null);
            expect(await store.countMatching!({ collection: "contacts", ...chosen }, where)).toBe(
              selected.length,
            );
            expect(await pagesMatching(store, chosen, where, limit)).toEqual(selected);
          }
        },
      ),
      { numRuns: propertyRuns },
    );
  },
};
