// The variable-pay simulator: a year's replay for 200 reps from the memory store (500,000 deals,
// 2,000,000 activities), against the bare scan of those records; and a seeded Monte Carlo of
// 10,000 scenarios for 50 reps, against the same arithmetic written as one bare loop.
import { createCrm, createTestEnvironment, crmStorageSchema, seededRandom } from "@crmkit/core";
import { type CompensationPlan, simulate, whatIf } from "@crmkit/core/compensation";
import type { StorageAdapter } from "@crmkit/core/storage";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { type BenchResult, compareDurations, durationResult } from "./harness.js";

const reps = 200;
const deals = 500_000;
const activities = 2_000_000;

function plan(repIds: readonly string[]): CompensationPlan {
  return {
    id: "bench",
    name: "Bench plan",
    version: 1,
    currency: "EUR",
    criteria: [
      {
        id: "revenue",
        metric: { kind: "revenue" },
        weight: 70,
        target: { source: "fixed", value: 50_000_000 },
        curve: {
          floor: 50,
          tiers: [
            { from: 0, rate: 1 },
            { from: 100, rate: 1.5 },
          ],
          cap: 200,
        },
      },
      {
        id: "meetings",
        metric: { kind: "meetingsPerWeek" },
        weight: 30,
        target: { source: "fixed", value: 8 },
        curve: { floor: 50, tiers: [{ from: 0, rate: 1 }], cap: 120 },
      },
    ],
    collective: { metric: { kind: "revenue" }, gate: 90 },
    reps: repIds.map((repId) => ({ repId, onTargetPay: 1_000_000 })),
  };
}

async function fill(storage: StorageAdapter, repIds: readonly string[]): Promise<void> {
  const random = seededRandom(5);
  const at = (day: number) => new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString();
  const batch = 10_000;
  for (let start = 0; start < deals; start += batch) {
    const ops = [];
    for (let i = start; i < start + batch; i++) {
      const created = Math.floor(random() * 330);
      const closed = created + Math.floor(random() * 60);
      const state = random() < 0.3 ? "won" : random() < 0.5 ? "lost" : "open";
      ops.push({
        type: "put" as const,
        collection: "deals",
        record: {
          id: `deal-${i}`,
          title: `Deal ${i}`,
          pipelineId: "sales",
          stageId: state === "open" ? "proposal" : state,
          state,
          ownerId: repIds[i % repIds.length]!,
          accountId: `account-${i % 40_000}`,
          value: 100_000 + Math.floor(random() * 900_000),
          currency: "EUR",
          products: [],
          stageEnteredAt: at(created),
          createdAt: at(created),
          updatedAt: at(closed),
          ...(state === "open" ? {} : { closedAt: at(closed) }),
        },
      });
    }
    await storage.write(ops);
  }
  const types = ["call", "meeting", "email", "visit"];
  for (let start = 0; start < activities; start += batch) {
    const ops = [];
    for (let i = start; i < start + batch; i++) {
      const day = Math.floor(random() * 365);
      ops.push({
        type: "put" as const,
        collection: "activities",
        record: {
          id: `activity-${i}`,
          type: types[i % types.length]!,
          status: random() < 0.8 ? "done" : "planned",
          ownerId: repIds[i % repIds.length]!,
          startAt: at(day),
          endAt: at(day + 0.02),
          createdAt: at(day),
          updatedAt: at(day),
        },
      });
    }
    await storage.write(ops);
  }
}

async function replay(): Promise<BenchResult[]> {
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({
    storage,
    environment: createTestEnvironment({ now: "2026-01-15T09:00:00Z" }),
  });
  const repIds: string[] = [];
  for (let i = 0; i < reps; i++) {
    const id = `rep-${String(i).padStart(3, "0")}`;
    await crm.users.create({ id, name: `Rep ${i}`, role: "field" });
    repIds.push(id);
  }
  await fill(storage, repIds);
  const bench = plan(repIds);
  let paid = 0;
  const measured = await compareDurations(
    3,
    async () => {
      const actuals = await crm.compensation.actuals(bench, "2025");
      paid = simulate(bench, actuals, "2025").team.cost;
    },
    async () => {
      let seen = 0;
      for (const collection of ["deals", "activities"]) {
        for await (const page of storage.scan({ collection, batchSize: 5_000 }))
          seen += page.length;
      }
      if (seen !== deals + activities) throw new Error("scan missed records");
    },
  );
  if (paid <= 0) throw new Error("the replay paid nothing");
  return durationResult(
    "compensation.replay-year-200-reps",
    "compensation.scan-deals-activities",
    measured,
    `${reps} reps, ${deals.toLocaleString("en-US")} deals and ${activities.toLocaleString("en-US")} activities in the memory store: measure revenue and meetings per week for 2025 and simulate a 70/30 plan with a team gate; baseline: streaming every deal and activity once without reading them; medians of 3 alternated runs`,
  );
}

function monteCarlo(): BenchResult[] {
  const repIds = Array.from({ length: 50 }, (_, i) => `rep-${i}`);
  const random = seededRandom(9);
  const actuals = {
    period: "2025",
    source: "dataset" as const,
    reps: repIds.map((repId) => ({
      repId,
      values: {
        revenue: 30_000_000 + Math.floor(random() * 40_000_000),
        meetingsPerWeek: 5 + random() * 5,
      },
      gaps: {},
      targets: {},
    })),
  };
  const bench = plan(repIds);
  const scenarios = 10_000;
  let checksum = 0;
  const measured = {
    candidate: 0,
    baseline: 0,
  };
  const timed = (run: () => void) => {
    const started = performance.now();
    run();
    return performance.now() - started;
  };
  const candidates: number[] = [];
  const baselines: number[] = [];
  for (let run = 0; run < 5; run++) {
    candidates.push(
      timed(() => {
        checksum += whatIf(bench, actuals, "2025", { scenarios, seed: run }).cost.p50;
      }),
    );
    baselines.push(
      timed(() => {
        // The same draws and payout arithmetic, inlined, with no explanation or bookkeeping.
        const draw = seededRandom(run);
        const normal = () =>
          Math.sqrt(-2 * Math.log(draw() || 1e-12)) * Math.cos(2 * Math.PI * draw());
        const costs = new Float64Array(scenarios);
        const values = actuals.reps.map((r) => [r.values.revenue, r.values.meetingsPerWeek]);
        for (let s = 0; s < scenarios; s++) {
          const team = 1 + 0.05 * normal();
          let revenue = 0;
          const gross: number[] = [];
          for (const [rev, meet] of values) {
            const f = team * Math.max(0, 1 + 0.15 * normal());
            const a = (rev! * f) / 500_000;
            const m = ((meet! * f) / 8) * 100;
            const pa = a < 50 ? 0 : Math.min(200, a <= 100 ? a : 100 + 1.5 * (a - 100));
            const pm = m < 50 ? 0 : Math.min(120, m);
            gross.push(Math.round(7_000 * pa) + Math.round(3_000 * pm));
            revenue += rev! * f;
          }
          const gate = revenue / (50_000_000 * values.length) >= 0.9 ? 1 : 0;
          costs[s] = gross.reduce((x, y) => x + y, 0) * gate;
        }
        costs.sort();
        checksum += costs[scenarios >> 1]!;
      }),
    );
  }
  measured.candidate = candidates.sort((a, b) => a - b)[2]!;
  measured.baseline = baselines.sort((a, b) => a - b)[2]!;
  if (!Number.isFinite(checksum)) throw new Error("no result");
  return durationResult(
    "compensation.monte-carlo-10k-50-reps",
    "compensation.monte-carlo-bare-loop",
    measured,
    `whatIf: ${scenarios.toLocaleString("en-US")} seeded scenarios × 50 reps × 2 criteria with a team gate (payout curves, exact rounding, percentiles, per-rep probabilities); baseline: the same draws and piecewise arithmetic inlined in one loop; medians of 5 alternated runs`,
  );
}

export async function compensationBenchmarks(): Promise<BenchResult[]> {
  return [...monteCarlo(), ...(await replay())];
}
