// Length: the public types of the plan language and of a simulation's results, each field with
// its TSDoc; no logic.
import type { MetricRef } from "../objectives/index.js";

/**
 * A marginal tier of a payout curve: from `from` % attainment on, each attainment point adds `rate`
 * payout points (1 is one-for-one; 1.5 an accelerator; 0.5 a decelerator; 0 a plateau).
 */
export interface PayoutTier {
  /** Attainment (%) where the tier starts. */
  readonly from: number;
  /** Payout points per attainment point, ≥ 0. */
  readonly rate: number;
}

/** A step: at `at` % attainment the payout jumps by `add` points (flagged by validation). */
export interface PayoutStep {
  /** Attainment (%) where the jump happens. */
  readonly at: number;
  /** Payout points added at and above it, ≥ 0. */
  readonly add: number;
}

/**
 * How attainment (% of target) turns into payout (% of the criterion's on-target amount):
 * nothing below the floor; from it, the sum over the marginal tiers (each tier's rate × the
 * attainment points inside it) plus the steps reached; never above the cap. Tiers make a continuous
 * curve, and with rates and steps ≥ 0 it never decreases.
 */
export interface PayoutCurve {
  /** Below this attainment (%) nothing is paid. @defaultValue 0 */
  readonly floor?: number;
  /** The marginal tiers, `from` strictly ascending; before the first tier nothing accrues. */
  readonly tiers: readonly PayoutTier[];
  /** Discontinuous jumps. */
  readonly steps?: readonly PayoutStep[];
  /** The highest payout (%). @defaultValue no cap */
  readonly cap?: number;
}

/** Where a criterion's target comes from. */
export type CriterionTarget =
  | {
      /** The rep's objective for the metric and period (the actuals' `targets`). */
      readonly source: "objective";
    }
  | {
      /** The same number for every rep, in the metric's unit, for the simulated period. */
      readonly source: "fixed";
      /** The target. */
      readonly value: number;
    };

/** One weighted criterion of a plan. */
export interface PlanCriterion {
  /** The criterion id, unique in the plan. */
  readonly id: string;
  /** Its name in explanations. @defaultValue the metric's label */
  readonly name?: string;
  /** What is measured. */
  readonly metric: MetricRef;
  /** Its weight in percent: the share of the on-target pay it carries. Weights sum to 100. */
  readonly weight: number;
  /** The target. */
  readonly target: CriterionTarget;
  /** Attainment to payout. */
  readonly curve: PayoutCurve;
}

/**
 * A band of a commission's rates: from `from` on — % of the target, or an amount in minor units
 * per year — `rate` % of the amount.
 */
export interface CommissionTier {
  /** Where the band starts: % of the target (`tierBasis: "attainment"`) or minor units per year. */
  readonly from: number;
  /** The rate, in % of the amount (3 is 3 %). */
  readonly rate: number;
}

/**
 * A rate for the part of the amount that comes from a segment's members (`revenue@new-logos`) —
 * or, in a supplied dataset, any breakdown of the amount filed the same way (a product line:
 * `margin@support-contracts`). The segments of one commission must not overlap.
 */
export interface SegmentRate {
  /** The saved segment (or the dataset's breakdown key). */
  readonly segmentId: string;
  /** The rate, in % of that part. */
  readonly rate: number;
  /** Its name in explanations. @defaultValue the segment id */
  readonly name?: string;
}

/**
 * A commission: a rate on a measured amount (revenue booked, margin, MRR booked), paid on top of
 * the weighted criteria — "3 % of the margin of every deal won", "5 % up to quota, 8 % above",
 * "2 % on new logos, 1 % on renewals". Exactly one of `rate` (flat) and `tiers`; `segmentRates`
 * with an optional `rate` for the rest. Yearly amounts (amount tiers, the cap) are prorated for
 * shorter periods, like on-target pay.
 */
export interface CommissionCriterion {
  /** The id, unique among the plan's criteria and commissions. */
  readonly id: string;
  /** Its name in explanations. @defaultValue "Commission on <the metric's label>" */
  readonly name?: string;
  /** The amount the rate applies to: a money metric (`revenue`, `margin`, `mrr`). */
  readonly metric: MetricRef;
  /** A flat rate in % of the amount — or, with `segmentRates`, of the amount outside them. */
  readonly rate?: number;
  /** Rates by band, `from` strictly ascending; before the first band nothing is paid. */
  readonly tiers?: readonly CommissionTier[];
  /**
   * What the bands' `from` measure: `attainment` (% of `target`) or `amount` (minor units a year).
   * @defaultValue `attainment` with a target, `amount` without
   */
  readonly tierBasis?: "attainment" | "amount";
  /**
   * `marginal`: each band's part of the amount at the band's rate; `retroactive`: the whole amount
   * at the rate of the highest band reached (a cliff at each threshold).
   * @defaultValue "marginal"
   */
  readonly tierMode?: "marginal" | "retroactive";
  /** The quota, for attainment bands (and for the share of reps at target). */
  readonly target?: CriterionTarget;
  /** Rates for the parts of the amount from segments' members (or product lines). */
  readonly segmentRates?: readonly SegmentRate[];
  /** The most it pays a year, minor units (prorated). @defaultValue no cap */
  readonly cap?: number;
}

/** The collective component: the team's attainment gates or scales individual payouts. */
export interface CollectiveComponent {
  /** The team metric. */
  readonly metric: MetricRef;
  /**
   * The team target for the simulated period.
   * @defaultValue the sum of the reps' targets for the metric (their objectives, or a criterion's
   * fixed target)
   */
  readonly target?: number;
  /** No individual payout while team attainment (%) is below this. */
  readonly gate?: number;
  /** Team attainment to a multiplier (%) of every individual payout. */
  readonly scale?: PayoutCurve;
}

/** One rep's terms in a plan. */
export interface RepTerms {
  /** The rep's id (user id, or the dataset's rep id). */
  readonly repId: string;
  /** On-target variable pay per year, in minor units; prorated for shorter periods. */
  readonly onTargetPay: number;
  /** Multiplies the rep's targets (0.8 for a junior). @defaultValue 1 */
  readonly targetFactor?: number;
  /** Multiplies the rep's payout (a territory factor). @defaultValue 1 */
  readonly payFactor?: number;
  /** Why the rep has these terms, shown in explanations. */
  readonly note?: string;
}

/** A variable-pay plan: JSON, validated, versioned. */
export interface CompensationPlan {
  /** The plan id. */
  readonly id: string;
  /** The display name. */
  readonly name: string;
  /** The version, from 1; a saved version never changes. */
  readonly version: number;
  /** The ISO 4217 currency of every amount. */
  readonly currency: string;
  /**
   * The weighted criteria: 2 to 4 recommended, weights summing to 100 — or none in a plan paid by
   * commission only.
   */
  readonly criteria: readonly PlanCriterion[];
  /** Commissions, paid on top of the weighted criteria (or alone). */
  readonly commissions?: readonly CommissionCriterion[];
  /** The collective component. */
  readonly collective?: CollectiveComponent;
  /** The reps covered and their terms. */
  readonly reps: readonly RepTerms[];
  /** Terms of reps found in the actuals but not listed (omitted: they are reported uncovered). */
  readonly defaultTerms?: Omit<RepTerms, "repId">;
  /** The yearly budget envelope, minor units. @defaultValue the sum of on-target pay */
  readonly budget?: number;
}

/** A problem found by {@link validatePlan}, in words. */
export interface PlanProblem {
  /**
   * `error` makes the plan unusable; `warning` is a design risk to review (a cliff, a curve that
   * does not pay 100 % at target, an uncapped curve); `remark` is advice a sound plan may ignore
   * (one criterion only, outputs only, a commission without a cap).
   */
  readonly severity: "error" | "warning" | "remark";
  /** A stable code (`WEIGHTS_NOT_100`, `STEP_THRESHOLD`…). */
  readonly code: string;
  /** Where, in the plan. */
  readonly path: readonly (string | number)[];
  /** What is wrong and why it matters. */
  readonly message: string;
}

/** The outcome of {@link validatePlan}. */
export type PlanValidation =
  | {
      /** The plan can be simulated. */
      readonly ok: true;
      /** The parsed plan. */
      readonly plan: CompensationPlan;
      /** Design risks. */
      readonly warnings: readonly PlanProblem[];
      /** Advice a sound plan may ignore. */
      readonly remarks: readonly PlanProblem[];
    }
  | {
      /** The plan has errors. */
      readonly ok: false;
      /** Errors first, then warnings, then remarks. */
      readonly problems: readonly PlanProblem[];
    };

/** One criterion of one rep in a simulation. */
export interface CriterionResult {
  /** The criterion. */
  readonly criterionId: string;
  /** The metric key. */
  readonly metric: string;
  /** The measured value, `null` when data is missing. */
  readonly value: number | null;
  /** The rep's target after adjustments, `null` when there is none. */
  readonly target: number | null;
  /** value / target in %, `null` when either is missing. */
  readonly attainment: number | null;
  /** The curve's payout in % of the on-target amount. */
  readonly payoutPercent: number | null;
  /** This criterion's share of the rep's on-target pay. */
  readonly onTargetAmount: number;
  /** The amount paid (after the collective component and the pay factor), minor units. */
  readonly amount: number | null;
  /** Why there is no figure. */
  readonly missing?: string;
}

/** One commission of one rep in a simulation. */
export interface CommissionResult {
  /** The commission. */
  readonly commissionId: string;
  /** The measured amount's metric key. */
  readonly metric: string;
  /** The measured amount, `null` when data is missing. */
  readonly value: number | null;
  /** The rep's target after adjustments, `null` without one. */
  readonly target: number | null;
  /** value / target in %, `null` without a target. */
  readonly attainment: number | null;
  /** What the rates earn, before the collective component and the pay factor, minor units. */
  readonly earned: number | null;
  /** The amount paid (after the collective component and the pay factor), minor units. */
  readonly amount: number | null;
  /** Why there is no figure. */
  readonly missing?: string;
}

/** A gap in the data: a rep and metric whose figure does not exist. */
export interface DataGap {
  /** The rep. */
  readonly repId: string;
  /** The criterion (or `collective`). */
  readonly criterionId: string;
  /** The metric key. */
  readonly metric: string;
  /** Why, in words. */
  readonly reason: string;
}

/** One rep in a simulation. */
export interface RepResult {
  /** The rep. */
  readonly repId: string;
  /** The display name. */
  readonly name?: string;
  /** On-target pay for the period, minor units. */
  readonly onTargetPay: number;
  /** Per criterion. */
  readonly criteria: readonly CriterionResult[];
  /** Per commission. */
  readonly commissions: readonly CommissionResult[];
  /** Whether every criterion and commission has its data; otherwise the payout is not computed. */
  readonly complete: boolean;
  /**
   * Weighted attainment in %, `null` when incomplete; in a plan paid by commission only, the mean
   * attainment of the commissions with a target (`null` without any).
   */
  readonly attainment: number | null;
  /** Whether weighted attainment is at least 100 %. */
  readonly atTarget: boolean | null;
  /** The payout for the period, minor units, `null` when incomplete. */
  readonly payout: number | null;
  /** payout / on-target pay, in %. */
  readonly payoutPercent: number | null;
  /** The calculation, line by line. */
  readonly explanation: readonly string[];
}

/** Min, quartiles and max of a list of numbers (linear interpolation between ranks). */
export interface Distribution {
  /** The smallest. */
  readonly min: number;
  /** The first quartile. */
  readonly q1: number;
  /** The median. */
  readonly median: number;
  /** The third quartile. */
  readonly q3: number;
  /** The largest. */
  readonly max: number;
}

/** A histogram bucket of payouts in % of on-target pay: `[from, to)`. */
export interface HistogramBucket {
  /** Lower bound, included. */
  readonly from: number;
  /** Upper bound, excluded (`null` for the last, open bucket). */
  readonly to: number | null;
  /** How many reps. */
  readonly count: number;
}

/** The scenario where the team meets its target exactly. */
export interface AtTeamTarget {
  /** What each metric was scaled by to put the team at 100 %. */
  readonly factors: Readonly<Record<string, number>>;
  /** The cost in that scenario. */
  readonly cost: number;
  /** The envelope: the period's budget, less the share of reps whose data is incomplete. */
  readonly envelope: number;
  /** Whether the envelope is paid out (within the tolerance). */
  readonly fullyPaid: boolean;
  /** With a current plan: reps paid less by this plan than by the current one in that scenario. */
  readonly losers?: readonly string[];
  /** Their share of the reps compared, in %. */
  readonly losersShare?: number;
  /** Whether that share is above the limit (30 % by default). */
  readonly losersFlagged?: boolean;
}

/** The share of reps at target over all reps, missing figures counted both ways, in %. */
export interface AtTargetBounds {
  /** Reps with missing data counted as not at target. */
  readonly low: number;
  /** Reps with missing data counted as at target. */
  readonly high: number;
}

/** The team view of a simulation. */
export interface TeamResult {
  /** Reps simulated. */
  readonly reps: number;
  /** Reps with complete data. */
  readonly complete: number;
  /** Share of the complete reps at or above target, in %. */
  readonly atTargetShare: number | null;
  /**
   * The share over all reps when some figures are missing: `low` counts the reps with missing data
   * as not at target, `high` as at target (both equal {@link TeamResult.atTargetShare} when every
   * rep is complete); `null` for a team without reps.
   */
  readonly atTargetBounds: AtTargetBounds | null;
  /** The healthy band of that share, in %. */
  readonly band: readonly [number, number];
  /**
   * `below` or `above` the band, or `null` inside it — or when a data gap leaves it open: the check
   * is made on {@link TeamResult.atTargetBounds}, so a team is flagged only when it is outside the
   * band whatever the missing figures turn out to be.
   */
  readonly bandFlag: "below" | "above" | null;
  /**
   * What the band check used: `complete` when every rep's data is complete (the bounds are the
   * share), `bounds` when some figures are missing.
   */
  readonly bandCheckedOn: "complete" | "bounds";
  /** The cost of the complete reps, minor units. */
  readonly cost: number;
  /** The budget envelope for the period. */
  readonly budget: number;
  /** cost / budget in %. */
  readonly costRatio: number | null;
  /** Distribution of payouts (minor units) of complete reps; `null` without any. */
  readonly payouts: Distribution | null;
  /** Histogram of payouts in % of on-target pay. */
  readonly histogram: readonly HistogramBucket[];
  /** The collective component's reading. */
  readonly collective: {
    /** Team attainment, %. */
    readonly attainment: number | null;
    /** Whether the gate is passed (`null` without a gate). */
    readonly gatePassed: boolean | null;
    /** The multiplier applied, %. */
    readonly multiplier: number;
  } | null;
  /** The scenario at exactly the team target, `null` when it cannot be built (with why). */
  readonly atTeamTarget: AtTeamTarget | null;
  /** Why there is no at-target scenario. */
  readonly atTeamTargetMissing?: string;
}

/** What {@link simulate} returns. */
export interface SimulationResult {
  /** The plan. */
  readonly plan: {
    /** The plan id. */
    readonly id: string;
    /** Its version. */
    readonly version: number;
  };
  /** The period. */
  readonly period: string;
  /** The currency. */
  readonly currency: string;
  /** Per rep. */
  readonly reps: readonly RepResult[];
  /** The team. */
  readonly team: TeamResult;
  /** Every gap in the data: listed, never paid as zero. */
  readonly gaps: readonly DataGap[];
  /** Reps in the actuals the plan does not cover. */
  readonly uncovered: readonly string[];
  /** The plan's design warnings. */
  readonly warnings: readonly PlanProblem[];
  /** The plan review's remarks (advice a sound plan may ignore). */
  readonly remarks: readonly PlanProblem[];
}
