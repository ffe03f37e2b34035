// Segments over IndexedDB in real Chromium give exactly the memory adapter's answers.
import { crmStorageSchema } from "@crmkit/core";
import type { StoredRecord } from "@crmkit/core/storage";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Core's test fixtures, by path: they are not part of its published surface.
import { defineTaxonomy, type Fixture, memoryCrm } from "../../core/src/testing/crm-fixture.js";
import { contactArb, queryArb } from "../../core/src/testing/segment-arbitraries.js";
import { deleteIndexedDbStorage, type IndexedDbStorage, openIndexedDbStorage } from "./index.js";

const name = "crmkit-segments-test";
let idb: IndexedDbStorage;
let onIdb: Fixture;
let inMemory: Fixture;

beforeAll(async () => {
  await deleteIndexedDbStorage(name);
  idb = await openIndexedDbStorage({ name, schema: crmStorageSchema });
  onIdb = await memoryCrm({ storage: idb, timezone: "Europe/Paris" });
  inMemory = await memoryCrm({ timezone: "Europe/Paris" });
  for (const { crm } of [onIdb, inMemory]) {
    await defineTaxonomy(crm);
    await crm.segments.create({
      id: "french",
      name: "French",
      query: { op: "eq", field: "country", value: "FR" },
    });
  }
});

afterAll(async () => {
  await idb.close();
  await deleteIndexedDbStorage(name);
});

async function allMembers(
  fixture: Fixture,
  query: Parameters<Fixture["crm"]["segments"]["count"]>[0],
) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { records: StoredRecord[]; cursor: string | null } =
      await fixture.crm.segments.members(query, { limit: 9, cursor });
    ids.push(...page.records.map((record) => record.id));
    cursor = page.cursor;
  } while (cursor !== null);
  return ids;
}

describe("segments on IndexedDB", () => {
  it("count and list the same members as on the memory adapter, in the same order", async () => {
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
          for (const { storage } of [onIdb, inMemory]) {
            await storage.clear("contacts");
            await storage.write(
              stored.map((record) => ({ type: "put" as const, collection: "contacts", record })),
            );
          }
          for (const query of queries.filter((q) => !JSON.stringify(q).includes("teamId"))) {
            const [a, b] = await Promise.all([
              onIdb.crm.segments.count({ query }),
              inMemory.crm.segments.count({ query }),
            ]);
            expect(a).toEqual(b);
            expect(await allMembers(onIdb, { query })).toEqual(
              await allMembers(inMemory, { query }),
            );
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
