// The report set over 1,000,000 deals and 5,000,000 stage-history entries in the memory store:
// loading the data once and computing every report, against streaming the same records bare.
import { createCrm, createTestEnvironment, crmStorageSchema } from "@crmkit/core";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { type BenchResult, durationResult } from "./harness.js";
import { seedReportData, timeReportSet } from "./report-data.js";

const deals = 1_000_000;

export async function reportBenchmarks(): Promise<BenchResult[]> {
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({
    storage,
    environment: createTestEnvironment({ now: "2026-01-15T09:00:00Z" }),
  });
  await seedReportData(crm, storage, deals);
  const { measured, stays } = await timeReportSet(crm, storage, deals, 2);
  return durationResult(
    "reports.full-set-1m-deals",
    "reports.scan-deals-stages",
    measured,
    `${deals.toLocaleString("en-US")} deals and ${stays.toLocaleString("en-US")} stage-history entries in the memory store, 200 reps: load once, then funnel by rep, performance by product, pipeline by team, a quarter's forecast, adoption and coaching; baseline: streaming every deal and stay once without reading them; medians of 2 alternated runs`,
  );
}
