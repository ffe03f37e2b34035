import { CrmkitError } from "../errors.js";
import { splitExactly } from "../money.js";
import {
  type Actuals,
  metricInfo,
  metricKey,
  metricLabel,
  parsePeriod,
} from "../objectives/index.js";
import { ownValue } from "../own.js";
import { type CompiledCommission, compileCommission } from "./commission.js";
import { type CompiledCurve, compileCurve, payoutPercent } from "./curve.js";
import type { CompensationPlan, CriterionTarget, RepTerms } from "./types.js";

/** One rep, ready to be paid: targets adjusted, on-target pay prorated and split. */
export interface PreparedRep {
  readonly repId: string;
  readonly name?: string;
  readonly terms: RepTerms;
  /** On-target pay for the period. */
  readonly onTarget: number;
  /** Each criterion's share of it (exact split by weight). */
  readonly shares: readonly number[];
  /** Each criterion's value, or null. */
  readonly values: (number | null)[];
  /** Why a value is missing. */
  readonly valueGaps: (string | null)[];
  /** Each criterion's adjusted target, or null. */
  readonly targets: (number | null)[];
  /** Why a target is missing. */
  readonly targetGaps: (string | null)[];
  /** The collective metric's value and the rep's contribution to the team target. */
  readonly collectiveValue: number | null;
  readonly collectiveTarget: number | null;
  /** Each commission's measured figures, in the plan's order. */
  readonly commissions: readonly PreparedCommission[];
}

/** One rep's figures for one commission. */
export interface PreparedCommission {
  /** The amount, or null. */
  readonly value: number | null;
  /** The segments' amounts (null where missing). */
  readonly segmentValues: readonly (number | null)[];
  /** The adjusted target, or null (none declared, or missing). */
  readonly target: number | null;
  /** Why it cannot be computed: the first missing figure. */
  readonly gap: string | null;
}

/** A plan prepared against actuals. */
export interface PreparedPlan {
  readonly plan: CompensationPlan;
  readonly periodKey: string;
  /** months / 12. */
  readonly prorate: number;
  readonly keys: readonly string[];
  readonly labels: readonly string[];
  readonly weights: readonly number[];
  readonly curves: readonly CompiledCurve[];
  readonly commissions: readonly CompiledCommission[];
  readonly reps: PreparedRep[];
  readonly uncovered: readonly string[];
  readonly budget: number;
  readonly collective: {
    readonly key: string;
    readonly additive: boolean;
    readonly target: number | null;
    readonly gate: number | null;
    readonly scale: CompiledCurve | null;
  } | null;
}

/**
 * Lines a plan up with actuals: which reps are covered, each rep's prorated on-target pay split by
 * weight, adjusted targets and values per criterion, with the reason for each gap.
 */
export function preparePlan(
  plan: CompensationPlan,
  actuals: Actuals,
  period: string,
): PreparedPlan {
  const parsed = parsePeriod(period);
  if (parsePeriod(actuals.period).key !== parsed.key) {
    throw new CrmkitError(
      "VALIDATION_FAILED",
      `The actuals measure ${actuals.period}, not ${parsed.key}.`,
      { details: { path: ["period"] } },
    );
  }
  const prorate = parsed.months / 12;
  const keys = plan.criteria.map((c) => metricKey(c.metric));
  const byRep = new Map(actuals.reps.map((rep) => [rep.repId, rep]));
  const terms = new Map(plan.reps.map((rep) => [rep.repId, rep]));
  const uncovered: string[] = [];
  const covered: RepTerms[] = [...plan.reps];
  for (const rep of actuals.reps) {
    if (terms.has(rep.repId)) continue;
    if (plan.defaultTerms === undefined) uncovered.push(rep.repId);
    else covered.push({ repId: rep.repId, ...plan.defaultTerms });
  }
  const collectiveKey = plan.collective === undefined ? null : metricKey(plan.collective.metric);
  const commissions = (plan.commissions ?? []).map((c) => compileCommission(c, prorate));
  const reps = covered.map((repTerms): PreparedRep => {
    const figures = byRep.get(repTerms.repId);
    const onTarget = Math.round(repTerms.onTargetPay * prorate);
    const factor = repTerms.targetFactor ?? 1;
    const targetFrom = (
      target: CriterionTarget | undefined,
      key: string,
    ): [number | null, string | null] => {
      if (target?.source === "fixed") return [target.value * factor, null];
      const objective = ownValue(figures?.targets, key) as number | undefined;
      return objective === undefined
        ? [null, `no objective for ${key} in ${parsed.key}`]
        : [objective * factor, null];
    };
    const targetOf = (index: number | null, key: string) =>
      targetFrom(index === null ? undefined : plan.criteria[index]!.target, key);
    const figure = (key: string, label: string): [number | null, string | null] => {
      const value = ownValue(figures?.values, key) as number | null | undefined;
      if (value !== undefined && value !== null) return [value, null];
      return [
        null,
        figures === undefined
          ? "no figures for this rep in the actuals"
          : ((ownValue(figures.gaps, key) as string | undefined) ?? `no ${label} figure`),
      ];
    };
    const values: (number | null)[] = [];
    const valueGaps: (string | null)[] = [];
    const targets: (number | null)[] = [];
    const targetGaps: (string | null)[] = [];
    keys.forEach((key, i) => {
      const [value, valueGap] = figure(key, metricLabel(plan.criteria[i]!.metric).toLowerCase());
      values.push(value);
      valueGaps.push(valueGap);
      const [target, gap] = targetOf(i, key);
      targets.push(target);
      targetGaps.push(gap ?? (target === 0 ? "the target is 0" : null));
    });
    let collectiveValue: number | null = null;
    let collectiveTarget: number | null = null;
    if (collectiveKey !== null) {
      collectiveValue =
        (ownValue(figures?.values, collectiveKey) as number | null | undefined) ?? null;
      const index = keys.indexOf(collectiveKey);
      collectiveTarget = targetOf(index === -1 ? null : index, collectiveKey)[0];
    }
    const preparedCommissions = commissions.map((compiled): PreparedCommission => {
      const label = metricLabel(compiled.commission.metric).toLowerCase();
      const [value, valueGap] = figure(compiled.key, label);
      const segments = compiled.segments.map((segment) =>
        figure(segment.key, `${label} (${segment.name})`),
      );
      const [target, targetGap] =
        compiled.commission.target === undefined
          ? [null, null]
          : targetFrom(compiled.commission.target, compiled.key);
      return {
        value,
        segmentValues: segments.map(([v]) => v),
        target,
        gap:
          valueGap ??
          segments.find(([, gap]) => gap !== null)?.[1] ??
          targetGap ??
          (compiled.basis === "attainment" && compiled.tiers !== null && target === 0
            ? "the target is 0"
            : null),
      };
    });
    return {
      repId: repTerms.repId,
      ...(figures?.name === undefined ? {} : { name: figures.name }),
      terms: repTerms,
      onTarget,
      shares:
        plan.criteria.length === 0
          ? []
          : splitExactly(
              onTarget,
              plan.criteria.map((c) => c.weight),
            ),
      values,
      valueGaps,
      targets,
      targetGaps,
      collectiveValue,
      collectiveTarget,
      commissions: preparedCommissions,
    };
  });
  const collective =
    plan.collective === undefined
      ? null
      : {
          key: collectiveKey!,
          additive: metricInfo(plan.collective.metric).additive,
          target: plan.collective.target ?? null,
          gate: plan.collective.gate ?? null,
          scale: plan.collective.scale === undefined ? null : compileCurve(plan.collective.scale),
        };
  return {
    plan,
    periodKey: parsed.key,
    prorate,
    keys,
    labels: plan.criteria.map((c) => c.name ?? metricLabel(c.metric)),
    weights: plan.criteria.map((c) => c.weight),
    curves: plan.criteria.map((c) => compileCurve(c.curve)),
    commissions,
    reps,
    uncovered,
    budget: Math.round(
      plan.budget === undefined
        ? reps.reduce((sum, rep) => sum + rep.terms.onTargetPay, 0) * prorate
        : plan.budget * prorate,
    ),
    collective,
  };
}

/**
 * The team's attainment on the collective metric (%), from the reps that have the figure: the sum
 * of values over the team target (the plan's, or the sum of the reps' targets) for additive metrics,
 * the mean of the reps' values over the plan's target otherwise. `null` without data.
 */
export function teamAttainment(
  prepared: PreparedPlan,
  collectiveValues: readonly (number | null)[],
): number | null {
  const collective = prepared.collective;
  if (collective === null) return null;
  let value = 0;
  let target = 0;
  let counted = 0;
  prepared.reps.forEach((rep, i) => {
    const v = collectiveValues[i];
    if (v === null || v === undefined) return;
    value += v;
    target += rep.collectiveTarget ?? 0;
    counted++;
  });
  if (counted === 0) return null;
  if (!collective.additive) {
    return collective.target === null ? null : (value / counted / collective.target) * 100;
  }
  const teamTarget = collective.target ?? target;
  return teamTarget > 0 ? (value / teamTarget) * 100 : null;
}

/** The multiplier (%) the collective component applies at a team attainment. */
export function collectiveMultiplier(
  prepared: PreparedPlan,
  attainment: number | null,
): number | null {
  const collective = prepared.collective;
  if (collective === null) return 100;
  if (attainment === null) return null;
  if (collective.gate !== null && attainment < collective.gate) return 0;
  return collective.scale === null ? 100 : payoutPercent(collective.scale, attainment);
}
