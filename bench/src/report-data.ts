// The data of the report benchmarks: a four-stage pipeline and deals with exactly five stage-history
// entries each (Node and the IndexedDB page share it).
import { type Crm, seededRandom } from "@crmkit/core";
import {
  adoptionReport,
  coachingReport,
  computeForecast,
  funnelReport,
  performanceReport,
  pipelineReport,
} from "@crmkit/core/reports";
import type { StorageAdapter } from "@crmkit/core/storage";
import { compareDurations } from "./harness.js";

const reps = 200;
const staysPerDeal = 5;

/** Writes `deals` deals and five stays each, in batches of 5,000 (deterministic). */
export async function seedReportData(
  crm: Crm,
  storage: StorageAdapter,
  deals: number,
): Promise<void> {
  await crm.pipelines.create({
    id: "sales",
    name: "Sales",
    stages: [
      { id: "lead", name: "Lead", probability: 10 },
      { id: "qualified", name: "Qualified", probability: 25, rottingDays: 21 },
      { id: "demo", name: "Demo", probability: 40 },
      { id: "proposal", name: "Proposal", probability: 60, rottingDays: 14 },
      { id: "won", name: "Won", kind: "won" },
      { id: "lost", name: "Lost", kind: "lost" },
    ],
  });
  const random = seededRandom(21);
  const t0 = Date.UTC(2025, 0, 1);
  const iso = (ms: number) => new Date(ms).toISOString();
  const open = ["lead", "qualified", "demo", "proposal"];
  const batch = 5_000;
  for (let start = 0; start < deals; start += batch) {
    const ops = [];
    for (let i = start; i < start + batch; i++) {
      const id = `deal-${String(i).padStart(7, "0")}`;
      let at = t0 + Math.floor(random() * 330) * 86_400_000;
      const created = at;
      // Exactly five stays: open stages in order (a stage may be entered again after a step
      // back), then won or lost for most deals.
      const outcome = random();
      const terminal = outcome < 0.3 ? "won" : outcome < 0.75 ? "lost" : undefined;
      const picks = Array.from(
        { length: terminal === undefined ? staysPerDeal : staysPerDeal - 1 },
        () => Math.floor(random() * open.length),
      ).sort((a, b) => a - b);
      const path = picks.map((p) => open[p]!);
      if (terminal !== undefined) path.push(terminal);
      path.forEach((stageId, k) => {
        const leftAt =
          k < path.length - 1 ? at + (1 + Math.floor(random() * 20)) * 86_400_000 : undefined;
        ops.push({
          type: "put" as const,
          collection: "deal_stages",
          record: {
            id: `${id}-${k}`,
            dealId: id,
            pipelineId: "sales",
            stageId,
            enteredAt: iso(at),
            enteredCause: "manual",
            ...(leftAt === undefined ? {} : { leftAt: iso(leftAt), leftCause: "manual" }),
            sequence: k,
          },
        });
        if (leftAt !== undefined) at = leftAt;
      });
      const last = path[path.length - 1]!;
      const state = last === "won" ? "won" : last === "lost" ? "lost" : "open";
      ops.push({
        type: "put" as const,
        collection: "deals",
        record: {
          id,
          title: id,
          pipelineId: "sales",
          stageId: last,
          state,
          ownerId: `rep-${i % reps}`,
          source: ["web", "referral", "event", "outbound"][i % 4],
          territory: ["north", "south", "east", "west"][(i >> 2) % 4],
          products: [["crm"], ["crm", "support"], ["analytics"]][i % 3],
          value: 100_000 + Math.floor(random() * 900_000),
          currency: "EUR",
          expectedCloseDate: iso(at + 30 * 86_400_000).slice(0, 10),
          stageEnteredAt: iso(at),
          createdAt: iso(created),
          updatedAt: iso(at),
          ...(state === "open" ? {} : { closedAt: iso(at) }),
        },
      });
    }
    await storage.write(ops);
  }
}

/**
 * Times loading the report data once and computing six reports, against streaming the deals and
 * stays bare, alternated `runs` times.
 */
export async function timeReportSet(
  crm: Crm,
  storage: StorageAdapter,
  deals: number,
  runs: number,
): Promise<{ measured: { candidate: number; baseline: number }; stays: number }> {
  const stays = await storage.count({ collection: "deal_stages" });
  const range = { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" };
  let checksum = 0;
  const measured = await compareDurations(
    runs,
    async () => {
      const data = await crm.reports.data();
      checksum += funnelReport(data, { pipelineId: "sales", range, dimension: "rep" }).groups
        .length;
      checksum += performanceReport(data, { range, dimension: "product" }).length;
      checksum += pipelineReport(data, {
        at: Date.parse("2026-01-15T00:00:00Z"),
        dimension: "team",
      }).byStage.length;
      checksum += computeForecast(
        data,
        {
          from: Date.parse("2026-01-01T00:00:00Z"),
          to: Date.parse("2026-04-01T00:00:00Z"),
          fromDate: "2026-01-01",
          toDate: "2026-04-01",
        },
        Date.parse("2026-01-15T00:00:00Z"),
      ).lines.length;
      checksum += adoptionReport(data, { range }).length;
      checksum += coachingReport(data, { pipelineId: "sales", range }).length;
    },
    async () => {
      let seen = 0;
      for (const collection of ["deals", "deal_stages"]) {
        for await (const page of storage.scan({ collection, batchSize: 5_000 }))
          seen += page.length;
      }
      if (seen !== deals + stays) throw new Error("scan missed records");
    },
  );
  if (checksum === 0) throw new Error("the reports returned nothing");
  return { measured, stays };
}
