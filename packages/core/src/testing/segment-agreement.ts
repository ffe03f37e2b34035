// One property for every adapter's segment tests: segments counted and listed over a store give
// exactly the memory adapter's answers, on random contacts and random queries.
import fc from "fast-check";
import { expect } from "vitest";
import type { StoredRecord } from "../storage/index.js";
import type { Fixture } from "./crm-fixture.js";
import { contactArb, queryArb } from "./segment-arbitraries.js";

/** Every member of a segment query, page by page (pages of 9, so that cursors are exercised). */
export async function allMembers(fixture: Fixture, query: unknown): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { records: StoredRecord[]; cursor: string | null } =
      await fixture.crm.segments.members({ query } as never, { limit: 9, cursor });
    ids.push(...page.records.map((record) => record.id));
    cursor = page.cursor;
  } while (cursor !== null);
  return ids;
}

/**
 * Writes the same random contacts to both workspaces and checks that random segment queries count
 * the same members and list them in the same order (queries on the owner's team are left out:
 * the contacts have no owners).
 */
export async function segmentsAgree(
  tested: Fixture,
  inMemory: Fixture,
  numRuns: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(contactArb, { maxLength: 40, selector: (record) => record.id }),
      fc.array(queryArb, { minLength: 1, maxLength: 4 }),
      async (records, queries) => {
        const stored = records.map((record, i) => ({
          ...record,
          ownerId: undefined,
          ...(typeof record.email === "string" ? { email: `${i}${record.email}` } : {}),
        }));
        for (const { storage } of [tested, inMemory]) {
          await storage.clear("contacts");
          await storage.write(
            stored.map((record) => ({ type: "put" as const, collection: "contacts", record })),
          );
        }
        for (const query of queries.filter((q) => !JSON.stringify(q).includes("teamId"))) {
          const [a, b] = await Promise.all([
            tested.crm.segments.count({ query }),
            inMemory.crm.segments.count({ query }),
          ]);
          expect(a.count).toBe(b.count);
          expect(await allMembers(tested, query)).toEqual(await allMembers(inMemory, query));
        }
      },
    ),
    { numRuns },
  );
}
