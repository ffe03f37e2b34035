import type { Environment } from "../environment.js";
import type { Actuals, MetricRef, ObjectiveService } from "../objectives/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { comparePlans, type PlanComparison } from "./compare.js";
import { PlanService } from "./plans.js";
import { type SimulateOptions, simulate } from "./simulate.js";
import type { CompensationPlan, SimulationResult } from "./types.js";

/** What {@link CompensationService} needs. */
export interface CompensationServiceDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** The clock. */
  readonly environment: Environment;
  /** Objectives: targets and measured actuals. */
  readonly objectives: ObjectiveService;
}

/**
 * The metrics a plan reads: its criteria's, its commissions' (with each segment's part) and its
 * collective component's.
 */
export function planMetrics(plan: CompensationPlan): MetricRef[] {
  const metrics = [...plan.criteria.map((c) => c.metric)];
  for (const commission of plan.commissions ?? []) {
    metrics.push(commission.metric);
    for (const segment of commission.segmentRates ?? [])
      metrics.push({ ...commission.metric, segmentId: segment.segmentId });
  }
  if (plan.collective !== undefined) metrics.push(plan.collective.metric);
  return metrics;
}

/**
 * Variable-pay plans in storage (every version kept, a saved version never changes) and their
 * replay on the figures crmkit holds. The engine itself is pure: see {@link simulate},
 * `comparePlans` (`@crmkit/core/compensation`) and `whatIf`, which also take a supplied dataset.
 */
export class CompensationService {
  readonly #deps: CompensationServiceDeps;
  /** Saved plans, every version kept: create, get, versions. */
  readonly plans: PlanService;

  /** @internal */
  constructor(deps: CompensationServiceDeps) {
    this.#deps = deps;
    this.plans = new PlanService(deps);
  }

  /**
   * Measures the figures a plan needs for a period from storage, with targets from objectives.
   * Reps measured: the plan's reps (and every active rep when the plan has default terms).
   */
  async actuals(
    plan: CompensationPlan,
    period: string,
    options: {
      readonly proposalStages?: readonly string[];
      /** Measure these metrics instead of the plan's. */
      readonly metrics?: readonly MetricRef[];
    } = {},
  ): Promise<Actuals> {
    const actuals = await this.#deps.objectives.actuals({
      period,
      metrics: options.metrics ?? planMetrics(plan),
      ...(plan.defaultTerms === undefined ? { userIds: plan.reps.map((rep) => rep.repId) } : {}),
      ...(options.proposalStages === undefined ? {} : { proposalStages: options.proposalStages }),
    });
    return { ...actuals, currency: plan.currency };
  }

  /**
   * Measures from storage and simulates (see {@link simulate}); with `options.current`, the figures
   * both plans need are measured once. With {@link CompensationService.compare}, the front door
   * of replaying plans on the figures crmkit holds.
   */
  async simulate(
    plan: CompensationPlan,
    period: string,
    options: SimulateOptions = {},
  ): Promise<SimulationResult> {
    const metrics = planMetrics(plan);
    if (options.current !== undefined) metrics.push(...planMetrics(options.current));
    const actuals = await this.actuals(plan, period, { metrics });
    return simulate(plan, actuals, period, options);
  }

  /**
   * Replays the current and a proposed plan on the same measured figures and compares them rep by
   * rep (who gains, who loses, who moves more than `threshold` %): `comparePlans` on stored data.
   */
  async compare(
    current: CompensationPlan,
    proposed: CompensationPlan,
    period: string,
    options: SimulateOptions & { readonly threshold?: number } = {},
  ): Promise<PlanComparison> {
    const metrics = [...planMetrics(current), ...planMetrics(proposed)];
    const actuals = await this.actuals(proposed, period, { metrics });
    return comparePlans(current, proposed, actuals, period, options);
  }
}
