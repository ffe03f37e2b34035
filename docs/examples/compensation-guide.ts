// The code of docs/objectives.md and docs/compensation.md, type-checked and run by its test.
import { createCrm, createTestEnvironment, crmStorageSchema } from "@crmkit/core";
import {
  type CompensationPlan,
  comparePlans,
  parseActualsDataset,
  simulate,
  validatePlan,
  whatIf,
} from "@crmkit/core/compensation";
import { allocateBySegment } from "@crmkit/core/objectives";
import { openMemoryStorage } from "@crmkit/storage-memory";

export async function objectivesGuide() {
  const environment = createTestEnvironment({ now: "2026-05-15T10:00:00Z" });
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({ storage, environment, timezone: "Europe/Paris" });
  await crm.teams.create({ id: "field", name: "Field sales" });
  for (const id of ["anna", "marc"])
    await crm.users.create({ id, name: id, role: "field", teamId: "field" });

  // A yearly revenue objective, half of it booked in Q4.
  await crm.objectives.set({
    subject: { kind: "user", id: "anna" },
    metric: { kind: "revenue" },
    period: "2026",
    target: 50_000_000, // €500,000.00 in cents
    seasonality: [15, 15, 20, 50],
  });
  const q4 = await crm.objectives.targetFor(
    { kind: "user", id: "anna" },
    { kind: "revenue" },
    "2026-Q4",
  );

  // Meetings this month, and the progress to date.
  await crm.objectives.set({
    subject: { kind: "user", id: "marc" },
    metric: { kind: "meetingsHeld" },
    period: "2026-05",
    target: 12,
  });
  for (const day of ["04", "06", "11", "12", "13", "14"])
    await crm.activities.create({
      type: "meeting",
      ownerId: "marc",
      startAt: `2026-05-${day}T08:00:00Z`,
      status: "done",
    });
  const alerts: number[] = [];
  crm.events.on("objective.alert", (alert) => alerts.push(alert.threshold));
  await crm.objectives.checkAlerts("2026-05");
  const [marc] = await crm.objectives.progress("2026-05", { subjectIds: ["marc"] });

  // 35 % of revenue from segment A, 25 % from B, translated into individual targets.
  const split = allocateBySegment({
    total: 100_000_000,
    shares: { a: 35, b: 25 },
    mode: "specialised",
    reps: [{ repId: "anna", specialisation: "a" }, { repId: "marc" }],
  });
  return { q4, marc, alerts, split };
}

/** The proposed plan of the guide: €500,000 and 8 meetings a week, 70/30, gated at 90 %. */
export const proposed: CompensationPlan = {
  id: "field-sales",
  name: "Field sales 2026",
  version: 2,
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
          { from: 50, rate: 2 }, // 0 % paid at 50 %, 100 % at target
          { from: 100, rate: 1.5 }, // accelerator
        ],
        cap: 200,
      },
    },
    {
      id: "meetings",
      metric: { kind: "meetingsPerWeek" },
      weight: 30,
      target: { source: "fixed", value: 8 },
      curve: { floor: 50, tiers: [{ from: 50, rate: 2 }], cap: 120 },
    },
  ],
  collective: { metric: { kind: "revenue" }, gate: 90 },
  reps: [
    { repId: "anna", onTargetPay: 1_200_000 },
    { repId: "marc", onTargetPay: 1_200_000 },
    { repId: "lea", onTargetPay: 1_200_000, targetFactor: 0.8, note: "junior" },
  ],
};

export const current: CompensationPlan = {
  ...proposed,
  name: "Field sales 2025",
  version: 1,
  criteria: [
    {
      id: "revenue",
      metric: { kind: "revenue" },
      weight: 100,
      target: { source: "fixed", value: 50_000_000 },
      curve: { tiers: [{ from: 0, rate: 1 }], steps: [{ at: 100, add: 10 }], cap: 150 },
    },
  ],
};
delete (current as { collective?: unknown }).collective;

export function compensationGuide() {
  const review = validatePlan(current);
  // Last year's figures, before any data lived in crmkit. Léa's meetings were never recorded.
  const lastYear = parseActualsDataset(
    `rep,name,revenue,meetingsPerWeek
anna,Anna,56000000,8.6
marc,Marc,47500000,7.9
lea,Léa,41000000,`,
    { period: "2025", currency: "EUR" },
  );
  const result = simulate(proposed, lastYear, "2025", { current });
  const comparison = comparePlans(current, proposed, lastYear, "2025");
  const outlook = whatIf(proposed, lastYear, "2025", {
    scenarios: 10_000,
    seed: 42,
    scale: { revenue: 0.9 }, // a year with 10 % less revenue
  });
  return { review, result, comparison, outlook };
}
