import { seededRandom } from "@crmkit/core";
import { copyJson, defineStorageSchema, type StorageAdapter } from "@crmkit/core/storage";
import { openMemoryStorage } from "@crmkit/storage-memory";
import {
  type BenchContact,
  type BenchResult,
  compareDurations,
  makeBenchContacts,
  throughputResult,
} from "./harness.js";

const schema = defineStorageSchema({
  version: 1,
  collections: [
    {
      name: "contacts",
      indexes: [
        { name: "email", path: "email", unique: true },
        { name: "status", path: "status" },
        { name: "tags", path: "tags", multiEntry: true },
      ],
    },
  ],
});

// Baselines copy with the adapter's own routine, so the ratios show what the adapter adds on top
// of a plain Map (validation, revisions, index maintenance), not the cost of copying.
const copy = copyJson;
/** The baseline's copy of a record: `copyJson` returns the shape it was given. */
const copyContact = (record: BenchContact) => copyJson(record) as BenchContact;

/**
 * The memory adapter against a plain Map doing the least the contract requires (a copy in; reads
 * may share frozen records), and index queries against the scan-filter-sort of a store without indexes.
 */
export async function memoryBenchmarks(): Promise<BenchResult[]> {
  const count = 100_000;
  const records = makeBenchContacts(count, seededRandom(1));
  const results: BenchResult[] = [];
  let store: StorageAdapter = await openMemoryStorage({ schema });
  let map = new Map<string, BenchContact>();

  const puts = await compareDurations(
    3,
    async () => {
      for (let i = 0; i < count; i += 1000) {
        await store.write(
          records
            .slice(i, i + 1000)
            .map((record) => ({ type: "put", collection: "contacts", record })),
        );
      }
    },
    () => {
      for (const record of records) map.set(record.id, copyContact(record));
    },
    // Reset only the side about to run, so both hold all records once their last run is over.
    async (which) => {
      if (which === "candidate") store = await openMemoryStorage({ schema });
      else map = new Map();
    },
  );
  const stored = await store.count({ collection: "contacts" });
  if (stored !== count || map.size !== count)
    throw new Error(`expected ${count} records, store has ${stored}, map ${map.size}`);
  results.push(
    ...throughputResult(
      "storage-memory.put",
      "storage-memory.baseline.map-put",
      count,
      puts,
      "100,000 records of ~300 B with 3 indexes (one unique, one multi-entry), in batches of 1,000; baseline: Map.set of a deep copy (no validation, revisions or indexes)",
    ),
  );

  const random = seededRandom(2);
  const ids = Array.from({ length: count }, () => records[Math.floor(random() * count)]!.id);
  const gets = await compareDurations(
    5,
    async () => {
      for (const id of ids) await store.get("contacts", id);
    },
    async () => {
      for (const id of ids) await Promise.resolve(map.get(id));
    },
  );
  results.push(
    ...throughputResult(
      "storage-memory.get",
      "storage-memory.baseline.map-get",
      count,
      gets,
      "100,000 random reads; baseline: Map.get, awaited like the adapter's (the contract lets a read share a frozen record, so no copy is owed)",
    ),
  );

  const queries = 1000;
  const statuses = ["customer", "prospect", "supplier", "competitor"];
  const indexQueries = await compareDurations(
    3,
    async () => {
      for (let i = 0; i < queries; i++) {
        await store.query({
          collection: "contacts",
          index: "tags",
          where: { eq: i % 2 ? "gold" : "partner" },
          limit: 50,
        });
        await store.count({
          collection: "contacts",
          index: "status",
          where: { eq: statuses[i % 4]! },
        });
      }
    },
    () => {
      const all = [...map.values()];
      for (let i = 0; i < queries / 100; i++) {
        const tag = i % 2 ? "gold" : "partner";
        all
          .filter((r) => r.tags.includes(tag))
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .slice(0, 50)
          .map(copy);
        all.filter((r) => r.status === statuses[i % 4]).length;
      }
    },
  );
  // The baseline ran 100 times fewer queries (a full scan is that slow); scale it back.
  results.push(
    ...throughputResult(
      "storage-memory.index-query",
      "storage-memory.baseline.scan-filter",
      queries,
      { candidate: indexQueries.candidate, baseline: indexQueries.baseline * 100 },
      "a first page of 50 from a multi-entry tag index plus a count on the status index, over 100,000 records; baseline: filter + sort over all records",
    ),
  );
  results.push(...(await scanMillion()));
  return results;
}

/** Scanning a million records against iterating the same records in a plain array. */
async function scanMillion(): Promise<BenchResult[]> {
  const count = 1_000_000;
  const records = makeBenchContacts(count, seededRandom(3));
  const store = await openMemoryStorage({ schema });
  for (let i = 0; i < count; i += 5_000)
    await store.write(
      records
        .slice(i, i + 5_000)
        .map((record) => ({ type: "put", collection: "contacts", record })),
    );
  const array = records.map(copyContact);
  let seen = 0;
  const measured = await compareDurations(
    5,
    async () => {
      let n = 0;
      for await (const batch of store.scan({ collection: "contacts", batchSize: 1_000 }))
        for (const record of batch) if (record.status === "customer") n++;
      seen = n;
    },
    async () => {
      let n = 0;
      for (let i = 0; i < array.length; i += 1_000) {
        const batch = array.slice(i, i + 1_000);
        await Promise.resolve();
        for (const record of batch) if (record.status === "customer") n++;
      }
      if (n !== seen && seen !== 0) throw new Error(`scan saw ${seen}, the array ${n}`);
    },
  );
  return throughputResult(
    "storage-memory.scan-1m",
    "storage-memory.baseline.array-1m",
    count,
    measured,
    "a full scan of 1,000,000 records of ~300 B in batches of 1,000, counting one status; baseline: the same records in a plain array, sliced into the same batches, one await per batch",
  );
}
