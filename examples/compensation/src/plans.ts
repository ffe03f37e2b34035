// The plan in force and the proposed one, as JSON a manager could keep in a file.
import type { CompensationPlan } from "@crmkit/core/compensation";
import { team } from "./year.js";

const terms = team.map((rep) => ({
  repId: rep.id,
  onTargetPay: 1_200_000, // €12,000 a year at target
  ...(rep.id === "ella" ? { targetFactor: 0.8, note: "junior: targets at 80 %" } : {}),
}));

/** Today: commission-like, revenue only, with a 10-point bonus step at target. */
export const currentPlan: CompensationPlan = {
  id: "field-sales",
  name: "Field sales 2025",
  version: 1,
  currency: "EUR",
  criteria: [
    {
      id: "revenue",
      metric: { kind: "revenue" },
      weight: 100,
      target: { source: "fixed", value: 50_000_000 },
      curve: { tiers: [{ from: 0, rate: 1 }], steps: [{ at: 100, add: 10 }], cap: 150 },
    },
  ],
  reps: terms,
};

/** Proposed: €500,000 of revenue and 8 meetings a week, weighted 70/30, gated at 90 % of the team. */
export const proposedPlan: CompensationPlan = {
  id: "field-sales",
  name: "Field sales 2026 (proposal)",
  version: 2,
  currency: "EUR",
  criteria: [
    {
      id: "revenue",
      name: "Revenue",
      metric: { kind: "revenue" },
      weight: 70,
      target: { source: "fixed", value: 50_000_000 },
      curve: {
        floor: 50,
        tiers: [
          { from: 50, rate: 2 },
          { from: 100, rate: 1.5 },
        ],
        cap: 200,
      },
    },
    {
      id: "meetings",
      name: "Meetings a week",
      metric: { kind: "meetingsPerWeek" },
      weight: 30,
      target: { source: "fixed", value: 8 },
      curve: {
        floor: 50,
        tiers: [
          { from: 50, rate: 2 },
          { from: 100, rate: 0.5 },
        ],
        cap: 125,
      },
    },
  ],
  collective: { metric: { kind: "revenue" }, gate: 90 },
  reps: terms,
};
