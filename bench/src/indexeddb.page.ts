// Runs inside Chromium (bundled by esbuild, driven by chromium.ts). The raw idb baselines use the
// same records, the same indexes and one transaction, as a careful hand-written loop would.
import { seededRandom } from "@crmkit/core";
import { defineStorageSchema, type StoredRecord } from "@crmkit/core/storage";
import {
  deleteIndexedDbStorage,
  type IndexedDbStorage,
  openIndexedDbStorage,
} from "@crmkit/storage-indexeddb";
import { deleteDB, type IDBPDatabase, openDB } from "idb";
import {
  type BenchResult,
  compareDurations,
  durationResult,
  makeBenchContacts,
} from "./harness.js";

const schema = defineStorageSchema({
  version: 1,
  collections: [
    {
      name: "contacts",
      indexes: [
        { name: "email", path: "email", unique: true },
        { name: "status", path: "status" },
        { name: "createdAt", path: "createdAt" },
      ],
    },
  ],
});

async function openRaw(name: string): Promise<IDBPDatabase> {
  return openDB(name, 1, {
    upgrade(db) {
      const store = db.createObjectStore("contacts", { keyPath: "id" });
      store.createIndex("email", "email", { unique: true });
      store.createIndex("status", ["status", "id"]);
      store.createIndex("createdAt", ["createdAt", "id"]);
    },
  });
}

async function benchmarks(): Promise<BenchResult[]> {
  const count = 100_000;
  const records = makeBenchContacts(count, seededRandom(1));
  const bytes = Math.round(
    records.reduce((sum, record) => sum + JSON.stringify(record).length, 0) / count,
  );
  const results: BenchResult[] = [];
  let ours: IndexedDbStorage | undefined;
  let raw: IDBPDatabase | undefined;
  const reset = async () => {
    await ours?.close();
    raw?.close();
    await deleteIndexedDbStorage("bench-crmkit");
    await deleteDB("bench-raw");
    ours = await openIndexedDbStorage({ name: "bench-crmkit", schema });
    raw = await openRaw("bench-raw");
  };
  const rawPutLoop = async () => {
    const transaction = raw!.transaction("contacts", "readwrite");
    for (const record of records) transaction.store.put(record);
    await transaction.done;
  };

  const creates = await compareDurations(
    3,
    async () => {
      await ours!.write(
        records.map((record) => ({
          type: "put",
          collection: "contacts",
          record,
          expectedRevision: 0,
        })),
      );
    },
    rawPutLoop,
    reset,
  );
  const note = `100,000 records of ~${bytes} B JSON with 3 indexes (one unique), one write / one transaction`;
  results.push(
    ...durationResult(
      "storage-indexeddb.bulk-write-100k",
      "storage-indexeddb.baseline.idb-put-loop-100k",
      creates,
      `${note}; creates (expectedRevision 0)`,
    ),
  );

  const upserts = await compareDurations(
    3,
    async () => {
      await ours!.write(records.map((record) => ({ type: "put", collection: "contacts", record })));
    },
    rawPutLoop,
    reset,
  );
  results.push(
    ...durationResult(
      "storage-indexeddb.bulk-upsert-100k",
      "storage-indexeddb.baseline.idb-put-loop-100k-upsert",
      upserts,
      `${note}; upserts (no expected revision: each record's revision is read first)`,
    ),
  );

  // Reads: both stores hold the same 100,000 records; page through an index 1,000 at a time.
  await reset();
  await ours!.write(
    records.map((record) => ({ type: "put", collection: "contacts", record, expectedRevision: 0 })),
  );
  await rawPutLoop();
  let seen = 0;
  const reads = await compareDurations(
    3,
    async () => {
      let cursor: string | null = null;
      seen = 0;
      do {
        const page: { records: StoredRecord[]; cursor: string | null } = await ours!.query({
          collection: "contacts",
          index: "createdAt",
          limit: 1000,
          cursor,
        });
        seen += page.records.length;
        cursor = page.cursor;
      } while (cursor !== null);
      if (seen !== count) throw new Error(`paged read saw ${seen} records`);
    },
    async () => {
      let after: IDBValidKey | undefined;
      let total = 0;
      for (;;) {
        const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
        const page = (await raw!.getAllFromIndex("contacts", "createdAt", range, 1000)) as {
          id: string;
          createdAt: string;
        }[];
        total += page.length;
        if (page.length < 1000) break;
        const last = page[page.length - 1]!;
        after = [last.createdAt, last.id];
      }
      if (total !== count) throw new Error(`raw paged read saw ${total} records`);
    },
  );
  results.push(
    ...durationResult(
      "storage-indexeddb.paged-index-read-100k",
      "storage-indexeddb.baseline.idb-getall-paging-100k",
      reads,
      "100,000 records read through a non-unique index in pages of 1,000, following cursors; baseline: getAll on a raw [key, id] index with a key-range continuation",
    ),
  );
  await ours?.close();
  raw?.close();
  await deleteIndexedDbStorage("bench-crmkit");
  await deleteDB("bench-raw");
  return results;
}

(globalThis as { runBenchmarks?: () => Promise<BenchResult[]> }).runBenchmarks = benchmarks;
