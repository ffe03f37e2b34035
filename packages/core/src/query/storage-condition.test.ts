import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesCondition, type StoredRecord } from "../storage/index.js";
import { compileQuery, type EvaluationContext } from "./compile.js";
import type { Getter, ResolvedQuery } from "./resolved.js";
import { toStorageCondition } from "./storage-condition.js";

const scalar = fc.oneof(
  fc.constantFrom("", "a", "A", "fr", "FR", "1", "é", "\u{1F600}"),
  fc.integer({ min: -3, max: 3 }),
  fc.boolean(),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.subarray(["gold", "silver", "fr"]) },
  { weight: 1, arbitrary: fc.record({ global: scalar }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 2 }) },
);
const record = fc
  .record({ status: value, tags: value, scores: value, rank: value }, { requiredKeys: [] })
  .map((fields) => ({ id: "r", revision: 1, ...fields }) as StoredRecord);
const getter: fc.Arbitrary<Getter> = fc
  .tuple(
    fc.constantFrom(["status"], ["tags"], ["rank"], ["scores", "global"], ["missing", "x"]),
    fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
  )
  .map(([path, fallback]) => ({
    source: "self" as const,
    path,
    ...(fallback === undefined ? {} : { fallback }),
  }));
const leaf: fc.Arbitrary<ResolvedQuery> = fc.oneof(
  fc.boolean().map((v) => ({ k: "const" as const, value: v })),
  fc.tuple(getter, scalar).map(([get, v]) => ({ k: "eq" as const, get, value: v })),
  fc
    .tuple(getter, fc.array(scalar, { maxLength: 6 }))
    .map(([get, values]) => ({ k: "in" as const, get, values })),
  fc
    .tuple(
      getter,
      fc.constantFrom("number" as const, "string" as const),
      fc.option(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom("", "b", "é"))),
      fc.option(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom("", "b", "é"))),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([get, kind, lower, upper, lowerInclusive, upperInclusive]) => ({
      k: "range" as const,
      get,
      kind,
      ...(lower === null ? {} : { lower }),
      ...(upper === null ? {} : { upper }),
      lowerInclusive,
      upperInclusive,
      relative: false,
    })),
  getter.map((get) => ({ k: "empty" as const, get })),
  fc
    .tuple(getter, fc.constantFrom("any" as const, "all" as const), fc.subarray(["gold", "fr"]))
    .map(([get, mode, tags]) => ({ k: "tags" as const, get, mode, tags })),
  fc.tuple(getter, fc.constantFrom("a", "fr")).map(([get, text]) => ({
    k: "text" as const,
    get,
    mode: "contains" as const,
    value: text,
    ignoreCase: true,
  })),
);
const query: fc.Arbitrary<ResolvedQuery> = fc.letrec<{ node: ResolvedQuery }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("node"), { minLength: 1, maxLength: 3 }).map((of) => ({ k: "and" as const, of })),
    fc.array(tie("node"), { minLength: 1, maxLength: 3 }).map((of) => ({ k: "or" as const, of })),
    tie("node").map((of) => ({ k: "not" as const, of })),
  ),
})).node;
const context: EvaluationContext = { account: () => null, teamOf: () => undefined };

describe("a resolved query as a storage condition", () => {
  it("holds exactly when the compiled query does, or for a superset of its members", () => {
    fc.assert(
      fc.property(query, fc.array(record, { minLength: 1, maxLength: 8 }), (q, records) => {
        const handed = toStorageCondition(q);
        const predicate = compileQuery(q);
        for (const r of records) {
          const member = predicate(r, context);
          if (handed === null) continue;
          const held = matchesCondition(r, handed.condition);
          if (handed.exact) expect(held).toBe(member);
          else if (member) expect(held).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("hands over nothing for a lone text clause, and the rest of a conjunction with one", () => {
    const get: Getter = { source: "self", path: ["status"] };
    const text: ResolvedQuery = { k: "text", get, mode: "contains", value: "a", ignoreCase: true };
    expect(toStorageCondition(text)).toBeNull();
    expect(toStorageCondition({ k: "and", of: [text, { k: "eq", get, value: "lead" }] })).toEqual({
      condition: { and: [{ path: ["status"], eq: "lead" }] },
      exact: false,
    });
  });
});
