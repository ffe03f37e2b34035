import { compareEntries, compareKeys, type IndexKey } from "@crmkit/core/storage";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Entry, type Seek, SortedEntries } from "./sorted-entries.js";

const key = fc.oneof(
  fc.integer({ min: -400, max: 400 }),
  fc.constantFrom("", "a", "b", "ab", "é", "Z"),
);
const id = fc.constantFrom("1", "2", "3", "10", "a");
const action = fc.record({ insert: fc.boolean(), key, id });
const seek = fc.record({ key, id: fc.option(id, { nil: null }), after: fc.boolean() });

type Place = Pick<Entry, "key" | "id">;
const byEntry = (a: Place, b: Place): number => compareEntries(a.key, a.id, b.key, b.id);

/** Reference: whether an entry lies at or after a place (ascending iteration from it yields it). */
function atOrAfter(entry: Place, place: Seek): boolean {
  const keyOrder = compareKeys(entry.key, place.key);
  if (keyOrder !== 0) return keyOrder > 0;
  if (place.id === null || entry.id === place.id) return !place.after;
  return entry.id > place.id;
}

describe("SortedEntries", () => {
  it("keeps entries sorted and unique, like a sorted array, through inserts and deletes", () => {
    fc.assert(
      fc.property(
        fc.array(action, { maxLength: 3000, size: "max" }),
        fc.array(seek, { maxLength: 10 }),
        fc.boolean(),
        (drawn, seeks, growing) => {
          // Half the runs insert in growing order, through the append fast path.
          const actions = growing
            ? [...drawn].sort((a, b) => byEntry({ key: a.key, id: a.id }, { key: b.key, id: b.id }))
            : drawn;
          const sorted = new SortedEntries<string>();
          const reference = new Map<string, Entry<string>>();
          for (const { insert, key: k, id: i } of actions) {
            const name = `${typeof k}:${k}/${i}`;
            if (insert) {
              sorted.insert(k, i, name);
              reference.set(name, { key: k, id: i, value: name });
            } else {
              expect(sorted.delete(k, i)).toBe(reference.delete(name));
            }
          }
          const expected = [...reference.values()].sort(byEntry);
          expect(sorted.size).toBe(expected.length);
          expect([...sorted.ascending()]).toEqual(expected);
          expect([...sorted.descending()]).toEqual([...expected].reverse());
          for (const place of seeks) {
            const holders = expected.filter((entry) => entry.key === place.key);
            const other = holders.find((entry) => entry.id !== (place.id ?? ""))?.id ?? null;
            expect(sorted.holderOtherThan(place.key, place.id ?? "")).toBe(other);
            expect([...sorted.ascending(place)]).toEqual(
              expected.filter((entry) => atOrAfter(entry, place)),
            );
            expect(sorted.rank(place)).toBe(
              expected.filter((entry) => !atOrAfter(entry, place)).length,
            );
            expect([...sorted.descending(place)]).toEqual(
              expected.filter((entry) => !atOrAfter(entry, place)).reverse(),
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("splits into chunks and still iterates in order across them", () => {
    const sorted = new SortedEntries<undefined>();
    const keys: IndexKey[] = [];
    for (let i = 0; i < 5000; i++) keys.push((i * 7919) % 5000);
    for (const k of keys) sorted.insert(k, "x", undefined);
    expect([...sorted.ascending()].map((entry) => entry.key)).toEqual(
      [...keys].sort((a, b) => Number(a) - Number(b)),
    );
    expect(
      [...sorted.descending({ key: 100, id: null, after: false })].map((entry) => entry.key),
    ).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));
    for (let i = 0; i < 5000; i += 2) sorted.delete(i, "x");
    expect(sorted.size).toBe(2500);
    expect(sorted.holderOtherThan(3, "y")).toBe("x");
    expect(sorted.holderOtherThan(3, "x")).toBeNull();
    expect(sorted.holderOtherThan(4, "y")).toBeNull();
  });
});
