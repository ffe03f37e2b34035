import { seededRandom } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { roundHalfAway } from "../money.js";
import type { Actuals } from "../objectives/index.js";
import { quantile } from "../stats.js";
import { type CommissionInputs, commissionOf } from "./commission.js";
import { payoutPercent } from "./curve.js";
import { parsePlan } from "./plan.js";
import {
  collectiveMultiplier,
  type PreparedCommission,
  preparePlan,
  teamAttainment,
} from "./prepare.js";
import { scaleActuals } from "./scale.js";
import { attainmentOf } from "./simulate.js";
import type { CompensationPlan } from "./types.js";

/** Options of {@link whatIf}. */
export interface WhatIfOptions {
  /** How many scenarios. @defaultValue 1000 */
  readonly scenarios?: number;
  /** The seed: the same seed gives the same result. @defaultValue 1 */
  readonly seed?: number;
  /** Scale the actuals first (`{ revenue: 0.9 }` or one factor for all). */
  readonly scale?: number | Readonly<Record<string, number>>;
  /** Standard deviation of each rep's factor around 1 (0.15 = ±15 %). @defaultValue 0.15 */
  readonly variation?: number;
  /** Standard deviation of the factor common to the whole team (the market). @defaultValue 0.05 */
  readonly teamVariation?: number;
  /** The healthy share of reps at target, %. @defaultValue [70, 80] */
  readonly band?: readonly [number, number];
}

/** One rep across the scenarios. */
export interface RepOutlook {
  /** The rep. */
  readonly repId: string;
  /** Share of scenarios where the rep's weighted attainment is at least 100 %. */
  readonly probabilityAtTarget: number;
  /** Median payout, minor units. */
  readonly p50: number;
  /** 90th-percentile payout. */
  readonly p90: number;
}

/** What {@link whatIf} returns. */
export interface WhatIfResult {
  /** Scenarios run. */
  readonly scenarios: number;
  /** The seed. */
  readonly seed: number;
  /** Team cost across scenarios, minor units. */
  readonly cost: {
    /** The mean. */
    readonly mean: number;
    /** The 10th percentile (a good year for the budget). */
    readonly p10: number;
    /** The median. */
    readonly p50: number;
    /** The 90th percentile (a year to be ready for). */
    readonly p90: number;
  };
  /** The budget envelope for the period. */
  readonly budget: number;
  /** Share of scenarios costing more than the budget. */
  readonly probabilityOverBudget: number;
  /** Mean share of the reps at target across scenarios, %. */
  readonly expectedShareAtTarget: number;
  /** Share of scenarios whose share at target falls in the band. */
  readonly probabilityInBand: number;
  /** Per rep with complete data. */
  readonly reps: readonly RepOutlook[];
  /** Reps left out because data is missing (see `simulate`'s gaps). */
  readonly excluded: readonly string[];
}

/**
 * A seeded Monte Carlo over the actuals: in each scenario every rep's figures are multiplied by a
 * common team factor and by the rep's own factor (both normal around 1, never below 0), and the plan
 * is paid exactly as {@link simulate} pays it. Returns cost percentiles, the probability that each
 * rep reaches target, and the expected share of the team at target. Same seed, same result.
 *
 * @throws CrmkitError `VALIDATION_FAILED` for plan errors or bad options
 * @example
 * ```ts
 * const outlook = whatIf(plan, actuals, "2025", { scenarios: 10_000, seed: 7, scale: { revenue: 0.9 } });
 * outlook.cost.p90; // a bad year's cost
 * ```
 */
export function whatIf(
  planInput: CompensationPlan,
  actualsInput: Actuals,
  period: string,
  options: WhatIfOptions = {},
): WhatIfResult {
  const scenarios = options.scenarios ?? 1_000;
  const seed = options.seed ?? 1;
  const variation = options.variation ?? 0.15;
  const teamVariation = options.teamVariation ?? 0.05;
  for (const [name, value, ok] of [
    [
      "scenarios",
      scenarios,
      Number.isInteger(scenarios) && scenarios >= 1 && scenarios <= 10_000_000,
    ],
    ["variation", variation, Number.isFinite(variation) && variation >= 0],
    ["teamVariation", teamVariation, Number.isFinite(teamVariation) && teamVariation >= 0],
  ] as const) {
    if (!ok)
      throw new CrmkitError("VALIDATION_FAILED", `Invalid ${name}: ${value}.`, {
        details: { path: [name] },
      });
  }
  const { plan } = parsePlan(planInput);
  const actuals =
    options.scale === undefined ? actualsInput : scaleActuals(actualsInput, options.scale);
  const prepared = preparePlan(plan, actuals, period);
  const band = options.band ?? [70, 80];
  const reps = prepared.reps.filter(
    (rep) =>
      rep.values.every((v, i) => v !== null && rep.targets[i] !== null && rep.targets[i] !== 0) &&
      rep.commissions.every(
        (figures, c) =>
          figures.gap === null &&
          // Segments adding up to more than the total do so in every scenario (all scale alike).
          commissionOf(prepared.commissions[c]!, inputsOf(figures, 1), null).earned !== null,
      ) &&
      (prepared.collective === null || rep.collectiveValue !== null),
  );
  const excluded = prepared.reps.filter((rep) => !reps.includes(rep)).map((rep) => rep.repId);
  const n = reps.length;
  const k = prepared.keys.length;
  const random = seededRandom(seed);
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    let u = 0;
    while (u === 0) u = random();
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
  const costs = new Float64Array(scenarios);
  const payouts = reps.map(() => new Float64Array(scenarios));
  const atTargetCount = new Array<number>(n).fill(0);
  const collectiveValues: (number | null)[] = prepared.reps.map(() => null);
  const indexInPrepared = reps.map((rep) => prepared.reps.indexOf(rep));
  const excludedIndices = prepared.reps.flatMap((rep, i) => (reps.includes(rep) ? [] : [i]));
  const factors = new Float64Array(n);
  const commissionAttainments: number[] = [];
  const gross = new Float64Array(n);
  let shareSum = 0;
  let inBand = 0;
  let overBudget = 0;
  for (let s = 0; s < scenarios; s++) {
    const team = Math.max(0, 1 + teamVariation * normal());
    for (const i of excludedIndices) {
      const value = prepared.reps[i]!.collectiveValue;
      collectiveValues[i] = value === null ? null : value * team;
    }
    let atTarget = 0;
    for (let r = 0; r < n; r++) {
      const rep = reps[r]!;
      const factor = team * Math.max(0, 1 + variation * normal());
      factors[r] = factor;
      let weighted = 0;
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const attained = ((rep.values[c]! * factor) / rep.targets[c]!) * 100;
        weighted += attained * prepared.weights[c]!;
        sum += roundHalfAway((rep.shares[c]! * payoutPercent(prepared.curves[c]!, attained)) / 100);
      }
      commissionAttainments.length = 0;
      for (let c = 0; c < prepared.commissions.length; c++) {
        const figures = rep.commissions[c]!;
        sum += commissionOf(prepared.commissions[c]!, inputsOf(figures, factor), null).earned ?? 0;
        if (figures.target !== null && figures.target !== 0)
          commissionAttainments.push(((figures.value! * factor) / figures.target) * 100);
      }
      gross[r] = sum;
      const attainment = attainmentOf(prepared, weighted, commissionAttainments);
      if (attainment !== null && attainment >= 100) {
        atTarget++;
        atTargetCount[r]!++;
      }
      collectiveValues[indexInPrepared[r]!] =
        rep.collectiveValue === null ? null : rep.collectiveValue * factor;
    }
    const multiplier =
      collectiveMultiplier(prepared, teamAttainment(prepared, collectiveValues)) ?? 0;
    let cost = 0;
    for (let r = 0; r < n; r++) {
      let pay = gross[r]!;
      if (prepared.collective !== null) pay = roundHalfAway((pay * multiplier) / 100);
      const payFactor = reps[r]!.terms.payFactor ?? 1;
      if (payFactor !== 1) pay = roundHalfAway(pay * payFactor);
      payouts[r]![s] = pay;
      cost += pay;
    }
    costs[s] = cost;
    if (cost > prepared.budget) overBudget++;
    const share = n === 0 ? 0 : (atTarget * 100) / n;
    shareSum += share;
    if (share >= band[0] && share <= band[1]) inBand++;
  }
  costs.sort();
  let mean = 0;
  for (const cost of costs) mean += cost;
  return {
    scenarios,
    seed,
    cost: {
      mean: Math.round(mean / scenarios),
      p10: Math.round(quantile(costs, 0.1)),
      p50: Math.round(quantile(costs, 0.5)),
      p90: Math.round(quantile(costs, 0.9)),
    },
    budget: prepared.budget,
    probabilityOverBudget: overBudget / scenarios,
    expectedShareAtTarget: shareSum / scenarios,
    probabilityInBand: inBand / scenarios,
    reps: reps.map((rep, r) => {
      const sorted = payouts[r]!.sort();
      return {
        repId: rep.repId,
        probabilityAtTarget: atTargetCount[r]! / scenarios,
        p50: Math.round(quantile(sorted, 0.5)),
        p90: Math.round(quantile(sorted, 0.9)),
      };
    }),
    excluded,
  };
}

/** A commission's figures scaled by a scenario's factor (the target stays). */
function inputsOf(figures: PreparedCommission, factor: number): CommissionInputs {
  return {
    amount: figures.value! * factor,
    segmentAmounts: figures.segmentValues.map((value) => value! * factor),
    target: figures.target,
  };
}
