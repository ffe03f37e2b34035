// Runs inside Chromium: a segment count over 100,000 contacts in IndexedDB, through an index and
// by scanning.
import { createCrm, createTestEnvironment, crmStorageSchema, q } from "@crmkit/core";
import { deleteIndexedDbStorage, openIndexedDbStorage } from "@crmkit/storage-indexeddb";
import { type BenchResult, compareDurations, durationResult } from "./harness.js";
import { seedSegmentWorkspace } from "./segment-data.js";

async function benchmarks(): Promise<BenchResult[]> {
  const name = "crmkit-bench-segments";
  await deleteIndexedDbStorage(name);
  const storage = await openIndexedDbStorage({ name, schema: crmStorageSchema });
  const crm = await createCrm({
    storage,
    environment: createTestEnvironment({ now: Date.parse("2026-11-01T00:00:00Z") }),
  });
  await seedSegmentWorkspace(crm, storage, 100_000);
  const query = q.and(q.field("territory").eq("T7"), q.score("global").gte(50), q.hasTag("gold"));
  let pushed = { count: 0, examined: 0 };
  let scanned = { count: 0, examined: 0 };
  const measured = await compareDurations(
    5,
    async () => {
      pushed = await crm.segments.count({ query });
    },
    async () => {
      scanned = await crm.segments.count({ query }, { pushdown: false });
    },
  );
  await storage.close();
  await deleteIndexedDbStorage(name);
  if (pushed.count !== scanned.count) throw new Error("pushdown changed the result");
  const note = `territory = T7, score ≥ 50, has gold over 100,000 contacts: ${pushed.count} members; examined ${pushed.examined.toLocaleString("en-US")} with the index vs ${scanned.examined.toLocaleString("en-US")} scanning`;
  return durationResult(
    "segments.indexeddb-index-count-100k",
    "segments.indexeddb-scan-count-100k",
    measured,
    note,
  );
}

(globalThis as { runSegmentBenchmarks?: () => Promise<BenchResult[]> }).runSegmentBenchmarks =
  benchmarks;
