import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareKeys, extractIndexKeys, keyInRange, listingKey, normalizeRange } from "./keys.js";
import { createSchemaCatalog } from "./schema.js";

const catalog = createSchemaCatalog({
  version: 1,
  collections: [
    {
      name: "contacts",
      indexes: [
        { name: "tags", path: "tags", multiEntry: true },
        { name: "score", path: "scores.global" },
        { name: "raw", path: "tags" },
      ],
    },
  ],
});
const contacts = catalog.collection("contacts");
const index = (name: string) => catalog.index(contacts, name);

describe("compareKeys", () => {
  it("orders numbers before strings, numbers numerically and strings by code unit", () => {
    const keys = ["b", 10, "B", -1, "é", "", 2.5, "a"];
    expect([...keys].sort(compareKeys)).toEqual([-1, 2.5, 10, "", "B", "a", "b", "é"]);
  });

  it("is a total order (antisymmetric and transitive)", () => {
    const key = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string());
    fc.assert(
      fc.property(key, key, key, (a, b, c) => {
        expect(Math.sign(compareKeys(a, b))).toBe(-Math.sign(compareKeys(b, a)) || 0);
        if (compareKeys(a, b) <= 0 && compareKeys(b, c) <= 0)
          expect(compareKeys(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe("extractIndexKeys", () => {
  it("indexes strings and finite numbers only, following the dotted path", () => {
    expect(extractIndexKeys({ scores: { global: 42 } }, index("score"))).toEqual([42]);
    expect(extractIndexKeys({ scores: { global: -0 } }, index("score"))).toEqual([0]);
    for (const value of [true, null, Number.NaN, Number.POSITIVE_INFINITY, { a: 1 }, [1]]) {
      expect(extractIndexKeys({ scores: { global: value } }, index("score"))).toEqual([]);
    }
    expect(extractIndexKeys({ scores: [{ global: 1 }] }, index("score"))).toEqual([]);
    expect(extractIndexKeys({}, index("score"))).toEqual([]);
  });

  it("gives one sorted, distinct key per valid element of a multi-entry array", () => {
    expect(
      extractIndexKeys({ tags: ["b", 3, "a", "b", true, null, ["x"], 3] }, index("tags")),
    ).toEqual([3, "a", "b"]);
    expect(extractIndexKeys({ tags: "solo" }, index("tags"))).toEqual(["solo"]);
    // Without multiEntry an array is not a key.
    expect(extractIndexKeys({ tags: ["a"] }, index("raw"))).toEqual([]);
  });
});

describe("normalizeRange", () => {
  it("rejects ranges that mix types, repeat a side or combine eq with bounds, naming the field", () => {
    const bad: [unknown, string][] = [
      [{ gt: 1, lt: "z" }, "lt"],
      [{ eq: 1, gt: 0 }, "eq"],
      [{ gt: 1, gte: 2 }, "gt"],
      [{ lt: 1, lte: 2 }, "lt"],
      [{ gte: Number.NaN }, "gte"],
      [{ gte: true }, "gte"],
      [{ near: 1 }, "near"],
    ];
    for (const [range, field] of bad) {
      expect(() => normalizeRange(range as never)).toThrowError(
        expect.objectContaining({
          code: "VALIDATION_FAILED",
          details: expect.objectContaining({ path: ["where", field] }),
        }),
      );
    }
  });

  it("matches only keys of the bounds' type", () => {
    expect(keyInRange(5, normalizeRange({ gte: 1 }))).toBe(true);
    expect(keyInRange("5", normalizeRange({ gte: 1 }))).toBe(false);
    expect(keyInRange(5, normalizeRange({ lt: "z" }))).toBe(false);
    expect(keyInRange(5, normalizeRange(undefined))).toBe(true);
    expect(keyInRange("x", normalizeRange(undefined))).toBe(true);
  });

  it("marks ranges that no key can satisfy as empty", () => {
    expect(normalizeRange({ gt: 5, lt: 5 }).empty).toBe(true);
    expect(normalizeRange({ gte: 5, lte: 5 }).empty).toBe(false);
    expect(normalizeRange({ gte: 9, lte: 1 }).empty).toBe(true);
    expect(keyInRange(5, normalizeRange({ gt: 5, lt: 5 }))).toBe(false);
  });

  it("agrees with a plain comparison of bounds on random keys", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: -5, max: 5 }),
        fc.boolean(),
        fc.boolean(),
        (key, low, high, openLow, openHigh) => {
          const range = normalizeRange({
            ...(openLow ? { gt: low } : { gte: low }),
            ...(openHigh ? { lt: high } : { lte: high }),
          });
          const expected =
            (openLow ? key > low : key >= low) && (openHigh ? key < high : key <= high);
          expect(keyInRange(key, range)).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("listingKey", () => {
  it("lists a multi-entry record at its first matching key in query order", () => {
    const range = normalizeRange({ gte: "b" });
    expect(listingKey(["a", "b", "c"], range, "asc")).toBe("b");
    expect(listingKey(["a", "b", "c"], range, "desc")).toBe("c");
    expect(listingKey(["a"], range, "asc")).toBeUndefined();
  });
});
