import type { Actuals } from "../objectives/index.js";
import { type SimulateOptions, simulate } from "./simulate.js";
import type { CompensationPlan, SimulationResult } from "./types.js";

/** One rep's pay under two plans. */
export interface RepComparison {
  /** The rep. */
  readonly repId: string;
  /** The display name. */
  readonly name?: string;
  /** Pay under the current plan (`null`: data missing). */
  readonly current: number | null;
  /** Pay under the proposed plan. */
  readonly proposed: number | null;
  /** proposed − current. */
  readonly delta: number | null;
  /** The delta in % of the current pay (`null` when the current pay is 0 or missing). */
  readonly deltaPercent: number | null;
  /** Whether the pay moves by more than the threshold (or from 0 to something). */
  readonly moved: boolean;
}

/** What {@link comparePlans} returns. */
export interface PlanComparison {
  /** The current plan's simulation. */
  readonly current: SimulationResult;
  /** The proposed plan's simulation (its at-target check compares with the current plan). */
  readonly proposed: SimulationResult;
  /** Per rep, in the order of the proposed plan. */
  readonly reps: readonly RepComparison[];
  /** The reps whose pay moves by more than the threshold. */
  readonly movers: readonly string[];
  /** The threshold, %. */
  readonly threshold: number;
  /** Total cost under each plan. */
  readonly totals: {
    /** Under the current plan. */
    readonly current: number;
    /** Under the proposed plan. */
    readonly proposed: number;
    /** proposed − current. */
    readonly delta: number;
  };
}

/**
 * Simulates the current and a proposed plan on the same actuals: per-rep deltas, the reps whose pay
 * moves by more than `threshold` % (default 20), and the proposed plan's share of reps losing out at
 * team target.
 *
 * @throws CrmkitError `VALIDATION_FAILED` when either plan has errors
 */
export function comparePlans(
  current: CompensationPlan,
  proposed: CompensationPlan,
  actuals: Actuals,
  period: string,
  options: SimulateOptions & { readonly threshold?: number } = {},
): PlanComparison {
  const threshold = options.threshold ?? 20;
  const before = simulate(current, actuals, period, options);
  const after = simulate(proposed, actuals, period, { ...options, current });
  const old = new Map(before.reps.map((rep) => [rep.repId, rep]));
  const reps = after.reps.map((rep): RepComparison => {
    const was = old.get(rep.repId)?.payout ?? null;
    const is = rep.payout;
    const delta = was === null || is === null ? null : is - was;
    const deltaPercent = delta === null || was === 0 || was === null ? null : (delta * 100) / was;
    return {
      repId: rep.repId,
      ...(rep.name === undefined ? {} : { name: rep.name }),
      current: was,
      proposed: is,
      delta,
      deltaPercent,
      moved:
        deltaPercent === null
          ? was === 0 && is !== null && is !== 0
          : Math.abs(deltaPercent) > threshold,
    };
  });
  return {
    current: before,
    proposed: after,
    reps,
    movers: reps.filter((rep) => rep.moved).map((rep) => rep.repId),
    threshold,
    totals: {
      current: before.team.cost,
      proposed: after.team.cost,
      delta: after.team.cost - before.team.cost,
    },
  };
}
