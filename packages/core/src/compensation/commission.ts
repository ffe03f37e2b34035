// Commission criteria: a rate on a measured amount — flat, by tiers (of attainment or of the
// amount, marginal or retroactive), or by segment — with an optional cap; its explanation, and
// what plan review says about it.
import { formatMoney, roundHalfAway } from "../money.js";
import { metricInfo, metricKey, metricLabel } from "../objectives/index.js";
import type { CommissionCriterion, PlanProblem } from "./types.js";

/** A commission prepared for a period: thresholds and cap prorated, keys resolved. @internal */
export interface CompiledCommission {
  readonly commission: CommissionCriterion;
  /** Its name in explanations. */
  readonly label: string;
  /** The measured amount's metric key. */
  readonly key: string;
  /** The segments' metric keys (`revenue@new-logos`), with their rates and names. */
  readonly segments: readonly {
    readonly key: string;
    readonly rate: number;
    readonly name: string;
  }[];
  /** The flat rate, or the rate of the amount outside the segments. */
  readonly rate: number;
  /** The tiers (thresholds in % of the target, or in minor units prorated to the period). */
  readonly tiers: readonly { readonly from: number; readonly rate: number }[] | null;
  readonly basis: "attainment" | "amount";
  readonly mode: "marginal" | "retroactive";
  /** The most it pays in the period (prorated), or Infinity. */
  readonly cap: number;
}

/** Prepares a commission for a period of `prorate` years (months / 12). @internal */
export function compileCommission(
  commission: CommissionCriterion,
  prorate: number,
): CompiledCommission {
  const key = metricKey(commission.metric);
  const basis = commission.tierBasis ?? (commission.target === undefined ? "amount" : "attainment");
  return {
    commission,
    label: commission.name ?? `Commission on ${metricLabel(commission.metric).toLowerCase()}`,
    key,
    segments: (commission.segmentRates ?? []).map((segment) => ({
      key: metricKey({ ...commission.metric, segmentId: segment.segmentId }),
      rate: segment.rate,
      name: segment.name ?? segment.segmentId,
    })),
    rate: commission.rate ?? 0,
    tiers:
      commission.tiers === undefined
        ? null
        : commission.tiers.map((tier) => ({
            from: basis === "amount" ? tier.from * prorate : tier.from,
            rate: tier.rate,
          })),
    basis,
    mode: commission.tierMode ?? "marginal",
    cap: commission.cap === undefined ? Number.POSITIVE_INFINITY : commission.cap * prorate,
  };
}

/** A commission's measured inputs for one rep. @internal */
export interface CommissionInputs {
  /** The amount. */
  readonly amount: number;
  /** The segments' amounts, in the order of the compiled segments. */
  readonly segmentAmounts: readonly number[];
  /** The target (attainment tiers), or null. */
  readonly target: number | null;
}

/** What a commission earned, or why it could not be computed. @internal */
export type CommissionOutcome =
  | { readonly earned: number; readonly why: string }
  | { readonly earned: null; readonly why: string };

/**
 * What a commission earns, in minor units (rounded half away from zero), and why, in words (only
 * with a currency: a Monte Carlo passes `null` and gets no words); or the reason it cannot be
 * computed (segments adding up to more than the total). @internal
 */
export function commissionOf(
  compiled: CompiledCommission,
  inputs: CommissionInputs,
  currency: string | null,
): CommissionOutcome {
  const say = currency !== null;
  const money = (minor: number) => (say ? formatMoney(Math.round(minor), currency) : "");
  const pct = (rate: number) => `${Number(rate.toFixed(4))} %`;
  const parts: string[] = [];
  let earned = 0;
  const { amount } = inputs;
  if (compiled.tiers !== null) {
    const scale = compiled.basis === "attainment" ? (inputs.target ?? 0) / 100 : 1;
    const starts = compiled.tiers.map((tier) => tier.from * scale);
    const where = (i: number) =>
      compiled.basis === "attainment"
        ? `${pct(compiled.tiers![i]!.from)}${i + 1 < starts.length ? `–${pct(compiled.tiers![i + 1]!.from)}` : "+"} of target`
        : `${money(starts[i]!)}${i + 1 < starts.length ? `–${money(starts[i + 1]!)}` : "+"}`;
    if (compiled.mode === "marginal") {
      for (let i = 0; i < starts.length; i++) {
        const start = starts[i]!;
        if (amount <= start) break;
        const end = Math.min(amount, i + 1 < starts.length ? starts[i + 1]! : amount);
        const portion = end - start;
        earned += (portion * compiled.tiers[i]!.rate) / 100;
        if (say) parts.push(`${pct(compiled.tiers[i]!.rate)} of ${money(portion)} (${where(i)})`);
      }
    } else {
      let reached = -1;
      for (let i = 0; i < starts.length; i++) if (amount >= starts[i]!) reached = i;
      if (reached >= 0) {
        earned = (amount * compiled.tiers[reached]!.rate) / 100;
        if (say)
          parts.push(
            `${pct(compiled.tiers[reached]!.rate)} of all ${money(amount)} (the ${where(reached)} tier reached)`,
          );
      }
    }
    if (say && earned === 0 && parts.length === 0)
      parts.push(`nothing below the first tier (${where(0)})`);
  } else {
    let rest = amount;
    compiled.segments.forEach((segment, i) => {
      const part = inputs.segmentAmounts[i]!;
      rest -= part;
      earned += (part * segment.rate) / 100;
      if (say) parts.push(`${pct(segment.rate)} of ${money(part)} (${segment.name})`);
    });
    // A cent of rounding in the figures is not an overlap.
    if (rest < -1)
      return {
        earned: null,
        why: `the segments' amounts (${money(amount - rest)}) exceed the total (${money(amount)}): segments overlap`,
      };
    rest = Math.max(0, rest);
    earned += (rest * compiled.rate) / 100;
    if (say && (compiled.segments.length === 0 || compiled.rate !== 0 || rest > 0))
      parts.push(
        `${pct(compiled.rate)} of ${money(rest)}${compiled.segments.length === 0 ? "" : " (other)"}`,
      );
  }
  let rounded = roundHalfAway(earned);
  let capped = "";
  if (rounded > compiled.cap) {
    rounded = Math.round(compiled.cap);
    if (say) capped = `, capped at ${money(compiled.cap)}`;
  }
  return { earned: rounded, why: say ? `${parts.join(" + ")} = ${money(rounded)}${capped}` : "" };
}

/** What plan review says about a commission: errors, warnings and remarks. @internal */
export function commissionProblems(
  commission: CommissionCriterion,
  path: (string | number)[],
): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const add = (
    severity: PlanProblem["severity"],
    code: string,
    at: (string | number)[],
    message: string,
  ) => problems.push({ severity, code, path: at, message });
  if (metricInfo(commission.metric).unit !== "money")
    add(
      "error",
      "COMMISSION_NOT_MONEY",
      [...path, "metric"],
      `A commission is a rate on an amount: ${commission.metric.kind} is not one (use revenue, margin or mrr).`,
    );
  const { rate, tiers, segmentRates } = commission;
  if (rate === undefined && tiers === undefined && segmentRates === undefined)
    add(
      "error",
      "COMMISSION_RATES",
      path,
      "The commission has no rate: give rate, tiers or segmentRates.",
    );
  if (rate !== undefined && tiers !== undefined)
    add("error", "COMMISSION_RATES", [...path, "tiers"], "Give a flat rate or tiers, not both.");
  if (segmentRates !== undefined && tiers !== undefined)
    add(
      "error",
      "COMMISSION_RATES",
      [...path, "segmentRates"],
      "Segment rates replace tiers: use one commission per segment for tiered rates by segment.",
    );
  if (segmentRates !== undefined && commission.metric.segmentId !== undefined)
    add(
      "error",
      "COMMISSION_RATES",
      [...path, "segmentRates"],
      "The amount is already restricted to a segment: split it by segment rates on the whole amount.",
    );
  const seen = new Set<string>();
  for (const [i, segment] of (segmentRates ?? []).entries()) {
    if (seen.has(segment.segmentId))
      add(
        "error",
        "DUPLICATE_SEGMENT",
        [...path, "segmentRates", i, "segmentId"],
        `Segment "${segment.segmentId}" has two rates.`,
      );
    seen.add(segment.segmentId);
  }
  const basis = commission.tierBasis ?? (commission.target === undefined ? "amount" : "attainment");
  if (tiers !== undefined && basis === "attainment" && commission.target === undefined)
    add(
      "error",
      "COMMISSION_NEEDS_TARGET",
      [...path, "target"],
      "Tiers by attainment need a target (the quota): give target, or tierBasis amount.",
    );
  for (let i = 1; i < (tiers?.length ?? 0); i++) {
    if (tiers![i]!.from <= tiers![i - 1]!.from)
      add(
        "error",
        "TIERS_NOT_ASCENDING",
        [...path, "tiers", i, "from"],
        `Tier ${i + 1} starts at ${tiers![i]!.from}, not after tier ${i} (${tiers![i - 1]!.from}): tiers must be in ascending order.`,
      );
    else if (tiers![i]!.rate < tiers![i - 1]!.rate)
      add(
        "warning",
        "DECELERATOR",
        [...path, "tiers", i, "rate"],
        `Above ${tiers![i]!.from} the rate drops to ${tiers![i]!.rate} %: a decelerator — reps gain less by pushing further; check it is intended.`,
      );
  }
  if (tiers !== undefined && tiers.length > 1 && commission.tierMode === "retroactive")
    add(
      "warning",
      "RETROACTIVE_CLIFF",
      [...path, "tierMode"],
      "Retroactive tiers pay the whole amount at the rate of the highest tier reached: one more sale across a threshold raises pay by far more than its own commission, so deals get moved between periods. Marginal tiers avoid the cliff.",
    );
  if (commission.cap === undefined)
    add(
      "remark",
      "COMMISSION_UNCAPPED",
      [...path, "cap"],
      "No cap: the commission follows the amount, so an exceptional year costs in proportion to what it brought.",
    );
  return problems;
}
