import type { PayoutCurve } from "./types.js";

/** A payout curve prepared for fast evaluation: cumulative payout at each tier start. */
export interface CompiledCurve {
  /** The curve. */
  readonly curve: PayoutCurve;
  /** Tier starts. */
  readonly from: Float64Array;
  /** Tier rates. */
  readonly rate: Float64Array;
  /** Payout accrued (before steps, floor and cap) at each tier start. */
  readonly accrued: Float64Array;
  /** Step thresholds, ascending. */
  readonly stepAt: Float64Array;
  /** Cumulative step additions: `stepSum[i]` once `stepAt[i]` is reached. */
  readonly stepSum: Float64Array;
  /** The floor. */
  readonly floor: number;
  /** The cap (Infinity without). */
  readonly cap: number;
}

/** Prepares a curve (tiers must be ascending; validation checks that). */
export function compileCurve(curve: PayoutCurve): CompiledCurve {
  const n = curve.tiers.length;
  const from = new Float64Array(n);
  const rate = new Float64Array(n);
  const accrued = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    from[i] = curve.tiers[i]!.from;
    rate[i] = curve.tiers[i]!.rate;
    accrued[i] = i === 0 ? 0 : accrued[i - 1]! + rate[i - 1]! * (from[i]! - from[i - 1]!);
  }
  const steps = [...(curve.steps ?? [])].sort((a, b) => a.at - b.at);
  const stepAt = new Float64Array(steps.length);
  const stepSum = new Float64Array(steps.length);
  steps.forEach((step, i) => {
    stepAt[i] = step.at;
    stepSum[i] = (i === 0 ? 0 : stepSum[i - 1]!) + step.add;
  });
  return {
    curve,
    from,
    rate,
    accrued,
    stepAt,
    stepSum,
    floor: curve.floor ?? 0,
    cap: curve.cap ?? Number.POSITIVE_INFINITY,
  };
}

/**
 * The payout (% of on-target) at an attainment (%): 0 below the floor, the marginal tiers' accrual
 * plus the steps reached, at most the cap.
 */
export function payoutPercent(compiled: CompiledCurve, attainment: number): number {
  if (attainment < compiled.floor || Number.isNaN(attainment)) return 0;
  const { from, rate, accrued, stepAt, stepSum } = compiled;
  let payout = 0;
  let i = from.length - 1;
  while (i >= 0 && from[i]! > attainment) i--;
  if (i >= 0) payout = accrued[i]! + rate[i]! * (attainment - from[i]!);
  let s = stepAt.length - 1;
  while (s >= 0 && stepAt[s]! > attainment) s--;
  if (s >= 0) payout += stepSum[s]!;
  return Math.min(payout, compiled.cap);
}

const pct = (value: number) => `${Number(value.toFixed(2))} %`;

/** The payout at an attainment, explained: which tiers, steps, floor and cap applied. */
export function explainPayout(compiled: CompiledCurve, attainment: number): string {
  if (attainment < compiled.floor) return `below the ${pct(compiled.floor)} floor: nothing`;
  const parts: string[] = [];
  const { from, rate } = compiled;
  for (let i = 0; i < from.length; i++) {
    const start = from[i]!;
    if (attainment <= start) break;
    const end = Math.min(attainment, i + 1 < from.length ? from[i + 1]! : attainment);
    if (end > start && rate[i]! !== 0)
      parts.push(
        `${Number((end - start).toFixed(2))} pts × ${rate[i]} (${pct(start)}–${pct(end)})`,
      );
  }
  for (const step of compiled.curve.steps ?? []) {
    if (attainment >= step.at) parts.push(`+${step.add} step at ${pct(step.at)}`);
  }
  const raw = payoutPercent({ ...compiled, cap: Number.POSITIVE_INFINITY }, attainment);
  const capped = raw > compiled.cap ? `, capped at ${pct(compiled.cap)}` : "";
  return `${parts.length === 0 ? "0" : parts.join(" + ")} = ${pct(Math.min(raw, compiled.cap))}${capped}`;
}
