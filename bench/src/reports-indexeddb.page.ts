// Runs inside Chromium: the report set over 100,000 deals and 500,000 stage-history entries in
// IndexedDB, against streaming the same records bare.
import { createCrm, createTestEnvironment, crmStorageSchema } from "@crmkit/core";
import { deleteIndexedDbStorage, openIndexedDbStorage } from "@crmkit/storage-indexeddb";
import { type BenchResult, durationResult } from "./harness.js";
import { seedReportData, timeReportSet } from "./report-data.js";

const deals = 100_000;

async function benchmarks(): Promise<BenchResult[]> {
  const name = "crmkit-bench-reports";
  await deleteIndexedDbStorage(name);
  const storage = await openIndexedDbStorage({ name, schema: crmStorageSchema });
  const crm = await createCrm({
    storage,
    environment: createTestEnvironment({ now: "2026-01-15T09:00:00Z" }),
  });
  await seedReportData(crm, storage, deals);
  const { measured, stays } = await timeReportSet(crm, storage, deals, 3);
  await storage.close();
  await deleteIndexedDbStorage(name);
  return durationResult(
    "reports-indexeddb.full-set-100k-deals",
    "reports-indexeddb.scan-deals-stages",
    measured,
    `${deals.toLocaleString("en-US")} deals and ${stays.toLocaleString("en-US")} stage-history entries in IndexedDB (Chromium), 200 reps: load once, then the six reports; baseline: streaming every deal and stay once; medians of 3 alternated runs`,
  );
}

(globalThis as { runReportBenchmarks?: () => Promise<BenchResult[]> }).runReportBenchmarks =
  benchmarks;
