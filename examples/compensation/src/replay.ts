// The replay itself: measure 2025 from the store, compare the two plans, run the what-if.
import type { Crm } from "@crmkit/core";
import {
  comparePlans,
  type PlanComparison,
  planMetrics,
  type WhatIfResult,
  whatIf,
} from "@crmkit/core/compensation";
import { currentPlan, proposedPlan } from "./plans.js";

export interface Replay {
  readonly comparison: PlanComparison;
  readonly outlook: WhatIfResult;
}

export async function replay(crm: Crm): Promise<Replay> {
  // One measurement for both plans: the metrics either plan reads.
  const actuals = await crm.compensation.actuals(proposedPlan, "2025", {
    metrics: [...planMetrics(currentPlan), ...planMetrics(proposedPlan)],
  });
  const comparison = comparePlans(currentPlan, proposedPlan, actuals, "2025");
  const outlook = whatIf(proposedPlan, actuals, "2025", { scenarios: 10_000, seed: 2026 });
  return { comparison, outlook };
}
