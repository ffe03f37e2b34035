import { defineStorageSchema, type ScanOptions, scanByPages } from "@crmkit/core/storage";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openMemoryStorage } from "./memory-storage.js";

const schema = defineStorageSchema({
  version: 1,
  collections: [
    {
      name: "contacts",
      indexes: [
        { name: "score", path: "score" },
        { name: "tags", path: "tags", multiEntry: true },
      ],
    },
  ],
});

const record = fc.record({
  id: fc.string({ minLength: 1, maxLength: 3 }),
  score: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom("a", "b", "c")),
  tags: fc.uniqueArray(fc.constantFrom("x", "y", "z", 1, 2), { maxLength: 3 }),
});
const bound = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom("a", "b", "c"));
const options = fc.record(
  {
    index: fc.constantFrom("score", "tags"),
    where: fc.oneof(
      fc.record({ eq: bound }),
      fc.record({ gte: bound, lt: bound }, { requiredKeys: [] }),
      fc.record({ gt: bound, lte: bound }, { requiredKeys: [] }),
    ),
    order: fc.constantFrom("asc", "desc"),
  },
  { requiredKeys: [] },
);

describe("the memory adapter's scan", () => {
  it("streams the same records, in the same order, as paging with query cursors", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { maxLength: 80 }),
        options,
        fc.integer({ min: 1, max: 9 }),
        async (records, chosen, batchSize) => {
          const store = await openMemoryStorage({ schema });
          const unique = [...new Map(records.map((r) => [r.id, r])).values()];
          if (unique.length > 0)
            await store.write(
              unique.map((r) => ({ type: "put", collection: "contacts", record: r })),
            );
          const scan = { collection: "contacts", batchSize, ...chosen } as ScanOptions;
          const ours: string[][] = [];
          const paged: string[][] = [];
          let failure: unknown;
          let reference: unknown;
          try {
            for await (const batch of store.scan(scan)) ours.push(batch.map((r) => r.id));
          } catch (error) {
            failure = error;
          }
          try {
            for await (const batch of scanByPages(store, scan)) paged.push(batch.map((r) => r.id));
          } catch (error) {
            reference = error;
          }
          expect(failure === undefined).toBe(reference === undefined);
          expect(ours).toEqual(paged);
        },
      ),
      { numRuns: 300 },
    );
  });
});
