// Length: one plan's payout run, team-target factors and the Monte Carlo distribution share the
// prepared plan and per-criterion results.
import { formatMoney, roundHalfAway, splitExactly } from "../money.js";
import { type Actuals, metricInfo } from "../objectives/index.js";
import { quantile } from "../stats.js";
import { type CommissionOutcome, commissionOf } from "./commission.js";
import { explainPayout, payoutPercent } from "./curve.js";
import { parsePlan } from "./plan.js";
import { collectiveMultiplier, type PreparedPlan, preparePlan, teamAttainment } from "./prepare.js";
import { scaleActuals } from "./scale.js";
import type {
  AtTeamTarget,
  CommissionResult,
  CompensationPlan,
  CriterionResult,
  DataGap,
  Distribution,
  HistogramBucket,
  RepResult,
  SimulationResult,
} from "./types.js";

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** The plan in force: enables the "reps losing out at team target" check. */
  readonly current?: CompensationPlan;
  /** The healthy share of reps at target, in %. @defaultValue [70, 80] */
  readonly band?: readonly [number, number];
  /** The share of reps losing out (vs the current plan, at team target) above which it is flagged. @defaultValue 30 */
  readonly losersLimit?: number;
  /** How far below the envelope the cost at team target may be and still count as paid out, in %. @defaultValue 1 */
  readonly envelopeTolerance?: number;
  /** The width of histogram buckets, in points of on-target pay. @defaultValue 25 */
  readonly bucketWidth?: number;
}

const fmtPct = (value: number) => `${Number(value.toFixed(2))} %`;

/** Min, quartiles and max, interpolating linearly between ranks. */
export function distributionOf(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0]!,
    q1: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q3: quantile(sorted, 0.75),
    max: sorted[sorted.length - 1]!,
  };
}

/**
 * Replays a plan on a period's actuals: per rep, each criterion's value, attainment, payout and a
 * line-by-line explanation; per team, the share at target against the band, cost against the
 * envelope, the payout distribution, and the scenario where the team meets its target exactly.
 * A rep with missing data gets no payout (`null`) and the gap is listed — never a silent zero.
 *
 * @throws CrmkitError `VALIDATION_FAILED` when the plan has errors (`details.problems`) or the
 * actuals measure another period
 * @example
 * ```ts
 * const result = simulate(plan, await crm.objectives.actuals({ period: "2025", metrics }), "2025");
 * console.log(result.team.atTargetShare, result.gaps);
 * ```
 */
export function simulate(
  planInput: CompensationPlan,
  actuals: Actuals,
  period: string,
  options: SimulateOptions = {},
): SimulationResult {
  const { plan, warnings, remarks } = parsePlan(planInput);
  const prepared = preparePlan(plan, actuals, period);
  const result = run(prepared, actuals.currency ?? plan.currency);
  const gaps = result.gaps;
  let atTeamTarget: AtTeamTarget | null = null;
  let atTeamTargetMissing: string | undefined;
  const factors = teamTargetFactors(prepared);
  if (typeof factors === "string") atTeamTargetMissing = factors;
  else {
    const scaled = scaleActuals(actuals, factors);
    const proposed = run(preparePlan(plan, scaled, period), plan.currency);
    // Reps without complete data are not paid in the scenario either: their share of the
    // envelope is left out of the comparison.
    const onTargetAll = prepared.reps.reduce((sum, rep) => sum + rep.onTarget, 0);
    const onTargetComplete = proposed.reps.reduce(
      (sum, rep) => sum + (rep.complete ? rep.onTargetPay : 0),
      0,
    );
    const envelope =
      onTargetAll === 0
        ? prepared.budget
        : Math.round((prepared.budget * onTargetComplete) / onTargetAll);
    const tolerance = options.envelopeTolerance ?? 1;
    let comparison: Pick<AtTeamTarget, "losers" | "losersShare" | "losersFlagged"> = {};
    if (options.current !== undefined) {
      const current = run(
        preparePlan(parsePlan(options.current).plan, scaled, period),
        plan.currency,
      );
      const before = new Map(current.reps.map((rep) => [rep.repId, rep.payout]));
      const compared = proposed.reps.filter(
        (rep) => rep.payout !== null && (before.get(rep.repId) ?? null) !== null,
      );
      const losers = compared
        .filter((rep) => rep.payout! < before.get(rep.repId)!)
        .map((r) => r.repId);
      const share = compared.length === 0 ? 0 : (losers.length * 100) / compared.length;
      comparison = {
        losers,
        losersShare: share,
        losersFlagged: share > (options.losersLimit ?? 30),
      };
    }
    atTeamTarget = {
      factors,
      cost: proposed.cost,
      envelope,
      fullyPaid: proposed.cost >= envelope * (1 - tolerance / 100),
      ...comparison,
    };
  }
  const band = options.band ?? [70, 80];
  const complete = result.reps.filter((rep) => rep.complete);
  // Reps whose attainment is measured: every complete rep, unless the plan measures none (a
  // commission without a target pays on the amount alone: there is no "at target").
  const measured = complete.filter((rep) => rep.attainment !== null);
  const measures =
    plan.criteria.length > 0 || (plan.commissions ?? []).some((c) => c.target !== undefined);
  const reached = measured.filter((rep) => rep.atTarget).length;
  const atTargetShare =
    !measures || measured.length === 0 ? null : (reached * 100) / measured.length;
  const missing = result.reps.length - measured.length;
  const atTargetBounds =
    !measures || result.reps.length === 0
      ? null
      : {
          low: (reached * 100) / result.reps.length,
          high: ((reached + missing) * 100) / result.reps.length,
        };
  const payouts = complete.map((rep) => rep.payout!);
  return {
    plan: { id: plan.id, version: plan.version },
    period: prepared.periodKey,
    currency: plan.currency,
    reps: result.reps,
    team: {
      reps: result.reps.length,
      complete: complete.length,
      atTargetShare,
      atTargetBounds,
      band,
      // Outside the band only if it is outside whatever the missing figures are.
      bandFlag:
        atTargetBounds === null
          ? null
          : atTargetBounds.high < band[0]
            ? "below"
            : atTargetBounds.low > band[1]
              ? "above"
              : null,
      bandCheckedOn: missing === 0 ? "complete" : "bounds",
      cost: result.cost,
      budget: prepared.budget,
      costRatio: prepared.budget === 0 ? null : (result.cost * 100) / prepared.budget,
      payouts: distributionOf(payouts),
      histogram: histogram(
        complete.map((rep) => rep.payoutPercent!),
        options.bucketWidth ?? 25,
      ),
      collective: result.collective,
      atTeamTarget,
      ...(atTeamTargetMissing === undefined ? {} : { atTeamTargetMissing }),
    },
    gaps,
    uncovered: prepared.uncovered,
    warnings,
    remarks,
  };
}

function histogram(percents: readonly number[], width: number): HistogramBucket[] {
  const top = Math.max(200, Math.ceil(Math.max(0, ...percents) / width) * width);
  const buckets: HistogramBucket[] = [];
  for (let from = 0; from < top; from += width) {
    buckets.push({
      from,
      to: from + width,
      count: percents.filter((p) => p >= from && p < from + width).length,
    });
  }
  buckets.push({ from: top, to: null, count: percents.filter((p) => p >= top).length });
  return buckets;
}

/** What each metric must be multiplied by for the team to be exactly at target, or why it cannot. */
function teamTargetFactors(prepared: PreparedPlan): Record<string, number> | string {
  const factors: Record<string, number> = {};
  const entries: [string, boolean, (number | null)[], (number | null)[], number | null][] =
    prepared.keys.map((key, i) => [
      key,
      metricInfo(prepared.plan.criteria[i]!.metric).additive,
      prepared.reps.map((rep) => rep.values[i]!),
      prepared.reps.map((rep) => rep.targets[i]!),
      null,
    ]);
  prepared.commissions.forEach((compiled, c) => {
    if (compiled.commission.target === undefined) return;
    if (entries.some(([key]) => key === compiled.key)) return;
    entries.push([
      compiled.key,
      true,
      prepared.reps.map((rep) => rep.commissions[c]!.value),
      prepared.reps.map((rep) => rep.commissions[c]!.target),
      null,
    ]);
  });
  if (prepared.collective !== null && !entries.some(([key]) => key === prepared.collective!.key)) {
    entries.push([
      prepared.collective.key,
      prepared.collective.additive,
      prepared.reps.map((rep) => rep.collectiveValue),
      prepared.reps.map((rep) => rep.collectiveTarget),
      prepared.collective.target,
    ]);
  }
  for (const [key, additive, values, targets, fixedTeamTarget] of entries) {
    let value = 0;
    let target = 0;
    let ratios = 0;
    let counted = 0;
    values.forEach((v, i) => {
      const t = targets[i];
      if (v === null || v === undefined || t === null || t === undefined || t === 0) return;
      value += v;
      target += t;
      ratios += v / t;
      counted++;
    });
    if (counted === 0) return `no rep has both a ${key} figure and a target`;
    const teamTarget = fixedTeamTarget ?? target;
    const ratio = additive ? value / teamTarget : ratios / counted;
    if (ratio === 0) return `the team's ${key} is 0: it cannot be scaled to target`;
    factors[key] = 1 / ratio;
  }
  // A commission's parts by segment move with its amount.
  for (const compiled of prepared.commissions) {
    const factor = factors[compiled.key];
    if (factor !== undefined)
      for (const segment of compiled.segments) factors[segment.key] ??= factor;
  }
  if (Object.keys(factors).length === 0) return "no criterion or commission has a target";
  return factors;
}

interface RunResult {
  reps: RepResult[];
  cost: number;
  gaps: DataGap[];
  collective: SimulationResult["team"]["collective"];
}

/**
 * A rep's attainment: weighted over the criteria; in a plan paid by commission only, the mean of
 * the commissions' attainments (those with a target); `null` when nothing measures it. @internal
 */
export function attainmentOf(
  prepared: PreparedPlan,
  weighted: number,
  commissionAttainments: readonly number[],
): number | null {
  if (prepared.weights.length > 0) return weighted / prepared.weights.reduce((a, b) => a + b, 0);
  if (commissionAttainments.length === 0) return null;
  return commissionAttainments.reduce((a, b) => a + b, 0) / commissionAttainments.length;
}

function run(prepared: PreparedPlan, currency: string): RunResult {
  const money = (minor: number) => formatMoney(minor, currency);
  const gaps: DataGap[] = [];
  const collectiveValues = prepared.reps.map((rep) => rep.collectiveValue);
  const attainment = teamAttainment(prepared, collectiveValues);
  const multiplier = collectiveMultiplier(prepared, attainment);
  if (prepared.collective !== null) {
    for (const rep of prepared.reps) {
      if (rep.collectiveValue === null)
        gaps.push({
          repId: rep.repId,
          criterionId: "collective",
          metric: prepared.collective.key,
          reason: "no figure: left out of the team's attainment",
        });
    }
  }
  let cost = 0;
  const reps = prepared.reps.map((rep): RepResult => {
    const explanation: string[] = [];
    const note = rep.terms.note === undefined ? "" : ` (${rep.terms.note})`;
    explanation.push(`On-target pay for ${prepared.periodKey}: ${money(rep.onTarget)}${note}.`);
    const criteria: CriterionResult[] = [];
    const grossParts: number[] = [];
    let complete = true;
    let weighted = 0;
    prepared.keys.forEach((key, i) => {
      const value = rep.values[i]!;
      const target = rep.targets[i]!;
      const missing = rep.valueGaps[i] ?? rep.targetGaps[i];
      const label = prepared.labels[i]!;
      if (missing !== null || value === null || target === null || target === 0) {
        complete = false;
        const reason = missing ?? "no figure";
        gaps.push({
          repId: rep.repId,
          criterionId: prepared.plan.criteria[i]!.id,
          metric: key,
          reason,
        });
        explanation.push(`${label}: not computed — ${reason}.`);
        criteria.push({
          criterionId: prepared.plan.criteria[i]!.id,
          metric: key,
          value,
          target,
          attainment:
            value === null || target === null || target === 0 ? null : (value * 100) / target,
          payoutPercent: null,
          onTargetAmount: rep.shares[i]!,
          amount: null,
          missing: reason,
        });
        grossParts.push(0);
        return;
      }
      const attained = (value * 100) / target;
      const curve = prepared.curves[i]!;
      const percent = payoutPercent(curve, attained);
      const gross = roundHalfAway((rep.shares[i]! * percent) / 100);
      weighted += attained * prepared.weights[i]!;
      grossParts.push(gross);
      const unit = metricInfo(prepared.plan.criteria[i]!.metric).unit;
      const show = (n: number) =>
        unit === "money" ? money(Math.round(n)) : String(Number(n.toFixed(2)));
      const adjusted = (rep.terms.targetFactor ?? 1) === 1 ? "" : ` (×${rep.terms.targetFactor})`;
      explanation.push(
        `${label} (${prepared.weights[i]} %): ${show(value)} of ${show(target)}${adjusted} = ${fmtPct(attained)}; ${explainPayout(curve, attained)} of ${money(rep.shares[i]!)} = ${money(gross)}.`,
      );
      criteria.push({
        criterionId: prepared.plan.criteria[i]!.id,
        metric: key,
        value,
        target,
        attainment: attained,
        payoutPercent: percent,
        onTargetAmount: rep.shares[i]!,
        amount: gross,
      });
    });
    const commissions: CommissionResult[] = [];
    const commissionParts: number[] = [];
    const commissionAttainments: number[] = [];
    prepared.commissions.forEach((compiled, c) => {
      const figures = rep.commissions[c]!;
      const commissionId = compiled.commission.id;
      const attainment =
        figures.value === null || figures.target === null || figures.target === 0
          ? null
          : (figures.value * 100) / figures.target;
      const base = {
        commissionId,
        metric: compiled.key,
        value: figures.value,
        target: figures.target,
        attainment,
      };
      const outcome: CommissionOutcome =
        figures.gap === null
          ? commissionOf(
              compiled,
              {
                amount: figures.value!,
                segmentAmounts: figures.segmentValues as readonly number[],
                target: figures.target,
              },
              currency,
            )
          : { earned: null, why: figures.gap };
      commissionParts.push(outcome.earned ?? 0);
      if (outcome.earned === null) {
        complete = false;
        gaps.push({
          repId: rep.repId,
          criterionId: commissionId,
          metric: compiled.key,
          reason: outcome.why,
        });
        explanation.push(`${compiled.label}: not computed — ${outcome.why}.`);
        commissions.push({ ...base, earned: null, amount: null, missing: outcome.why });
        return;
      }
      if (attainment !== null) commissionAttainments.push(attainment);
      const quota =
        attainment === null
          ? ""
          : ` (${fmtPct(attainment)} of a ${money(Math.round(figures.target!))} target)`;
      explanation.push(
        `${compiled.label} on ${money(Math.round(figures.value!))}${quota}: ${outcome.why}.`,
      );
      commissions.push({ ...base, earned: outcome.earned, amount: outcome.earned });
    });
    if (multiplier === null) {
      complete = false;
      explanation.push("The team's attainment is unknown: no payout can be computed.");
    }
    if (!complete) {
      explanation.push("Payout not computed: data is missing (listed above).");
      return {
        repId: rep.repId,
        ...(rep.name === undefined ? {} : { name: rep.name }),
        onTargetPay: rep.onTarget,
        criteria,
        commissions,
        complete: false,
        attainment: null,
        atTarget: null,
        payout: null,
        payoutPercent: null,
        explanation,
      };
    }
    const allParts = [...grossParts, ...commissionParts];
    const gross = allParts.reduce((a, b) => a + b, 0);
    let payout = gross;
    if (prepared.collective !== null) {
      const gate = prepared.collective.gate;
      if (multiplier === 0 && gate !== null && attainment! < gate) {
        explanation.push(
          `Team at ${fmtPct(attainment!)}, below the ${fmtPct(gate)} gate: no individual payout.`,
        );
      } else if (multiplier !== 100) {
        explanation.push(`Team at ${fmtPct(attainment!)}: payouts × ${fmtPct(multiplier!)}.`);
      } else {
        explanation.push(`Team at ${fmtPct(attainment!)}: the collective component pays in full.`);
      }
      payout = roundHalfAway((payout * multiplier!) / 100);
    }
    const payFactor = rep.terms.payFactor ?? 1;
    if (payFactor !== 1) {
      payout = roundHalfAway(payout * payFactor);
      explanation.push(`Pay factor ×${payFactor}.`);
    }
    const parts = gross === 0 ? allParts.map(() => 0) : splitExactly(payout, allParts);
    const final = criteria.map((c, i) => ({ ...c, amount: parts[i]! }));
    const finalCommissions = commissions.map((c, i) => ({
      ...c,
      amount: parts[criteria.length + i]!,
    }));
    const weightedAttainment = attainmentOf(prepared, weighted, commissionAttainments);
    const attained =
      weightedAttainment === null
        ? ""
        : `; ${prepared.weights.length > 0 ? "weighted attainment" : "attainment"} ${fmtPct(weightedAttainment)}`;
    explanation.push(
      `Payout: ${money(payout)} (${fmtPct(rep.onTarget === 0 ? 0 : (payout * 100) / rep.onTarget)} of on-target)${attained}.`,
    );
    cost += payout;
    return {
      repId: rep.repId,
      ...(rep.name === undefined ? {} : { name: rep.name }),
      onTargetPay: rep.onTarget,
      criteria: final,
      commissions: finalCommissions,
      complete: true,
      attainment: weightedAttainment,
      atTarget: weightedAttainment === null ? null : weightedAttainment >= 100,
      payout,
      payoutPercent: rep.onTarget === 0 ? 0 : (payout * 100) / rep.onTarget,
      explanation,
    };
  });
  return {
    reps,
    cost,
    gaps,
    collective:
      prepared.collective === null
        ? null
        : {
            attainment,
            gatePassed:
              prepared.collective.gate === null || attainment === null
                ? null
                : attainment >= prepared.collective.gate,
            multiplier: multiplier ?? 0,
          },
  };
}
