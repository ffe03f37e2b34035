import type { MetricRef } from "./metrics.js";
import type { PeriodKey } from "./period.js";

/** Who an objective is for. */
export interface ObjectiveSubject {
  /** A rep (user) or a team. */
  readonly kind: "user" | "team";
  /** The user's or team's id. */
  readonly id: string;
}

/** A target for one rep or team, one metric and one period. */
export interface Objective {
  /** `<kind>:<subject id>:<metric key>:<period>`: one objective per subject, metric and period. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** Who it is for. */
  readonly subject: ObjectiveSubject;
  /** The subject's id, for the index of a subject's objectives. @internal */
  readonly subjectId: string;
  /** What is measured. */
  readonly metric: MetricRef;
  /** The period (`2026`, `2026-H1`, `2026-Q4`, `2026-03`). */
  readonly period: PeriodKey;
  /** The target: minor units for money, a count, a percentage, or a weekly rate. */
  readonly target: number;
  /**
   * How an additive target spreads over the period: one weight per half, quarter or month (e.g.
   * `[10, 20, 20, 50]` books half the year in Q4). Even months when omitted.
   */
  readonly seasonality?: readonly number[];
  /** The alert thresholds already reported, by period key. */
  readonly alerted: Readonly<Record<string, readonly number[]>>;
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** A new objective, or new values for an existing one (same subject, metric and period). */
export interface ObjectiveInput {
  /** Who it is for. */
  readonly subject: ObjectiveSubject;
  /** What is measured. */
  readonly metric: MetricRef;
  /** The period. */
  readonly period: PeriodKey;
  /** The target (an integer for money and counts). */
  readonly target: number;
  /** Seasonality weights: 2, 4 or 12 for a year, 2 or 6 for a half, 3 for a quarter. */
  readonly seasonality?: readonly number[];
}

/** How a period's target was found. */
export type TargetSource = "objective" | "seasonality" | "sum" | "members";

/** A subject's target for a metric and a period, with where it came from. */
export interface ResolvedTarget {
  /** The target for the period. */
  readonly target: number;
  /**
   * `objective`: set for exactly this period; `seasonality`: the share of an enclosing period's
   * objective; `sum`: the sum of objectives of shorter periods that tile it; `members`: the sum of
   * the team members' targets.
   */
  readonly source: TargetSource;
  /** The objectives it was computed from. */
  readonly objectiveIds: readonly string[];
  /** For additive metrics, the target of each month of the period, summing exactly to `target`. */
  readonly months?: readonly number[];
}

/** Progress of one objective at an instant. */
export interface ObjectiveProgress {
  /** Who. */
  readonly subject: ObjectiveSubject;
  /** What. */
  readonly metric: MetricRef;
  /** The period. */
  readonly period: PeriodKey;
  /** The target and its source. */
  readonly target: ResolvedTarget;
  /** The value from the period's start to the instant; `null` when the data is missing. */
  readonly actual: number | null;
  /** Why `actual` is missing. */
  readonly gap?: string;
  /** actual / target in percent; `null` without actual or with a zero target. */
  readonly attainment: number | null;
  /**
   * What should be done by now: for additive metrics, the months already over plus the elapsed share
   * of the current month, by seasonality; the target itself otherwise.
   */
  readonly expectedByNow: number;
  /** actual / expectedByNow in percent: above 100 is ahead of plan. */
  readonly pace: number | null;
  /** The alert thresholds reached (of 50, 90, 100 by default). */
  readonly reached: readonly number[];
  /** The next threshold to reach, or `null`. */
  readonly next: number | null;
}

/** An `objective.alert` event: a subject crossed an alert threshold. */
export interface ObjectiveAlertEvent {
  /** The objective the alert is recorded on. */
  readonly objectiveId: string;
  /** Who. */
  readonly subject: ObjectiveSubject;
  /** What. */
  readonly metric: MetricRef;
  /** The period measured. */
  readonly period: PeriodKey;
  /** The threshold crossed (50, 90, 100). */
  readonly threshold: number;
  /** The attainment when it was noticed. */
  readonly attainment: number;
  /** When it was noticed. */
  readonly at: string;
}

/** The events of objectives. */
export interface ObjectiveEvents {
  /** An objective's attainment crossed an alert threshold (once per objective, period, threshold). */
  "objective.alert": ObjectiveAlertEvent;
}

/** Planned activity intensity for the prospects of one segment. */
export interface IntensityRule {
  /** The saved segment (accounts or contacts). */
  readonly segmentId: string;
  /**
   * Actions per member and per year, by action type id or category: `{ call: 8, meeting: 3 }`.
   */
  readonly perYear: Readonly<Record<string, number>>;
}

/** What `crm.objectives.intensity` is asked. */
export interface IntensityRequest {
  /** The period. */
  readonly period: PeriodKey;
  /** The rules, one per segment. */
  readonly rules: readonly IntensityRule[];
  /** The reps. @default every active rep owning members */
  readonly userIds?: readonly string[];
}

/** One rep's planned and measured work on one segment. */
export interface IntensityLine {
  /** The rep. */
  readonly repId: string;
  /** The segment. */
  readonly segmentId: string;
  /** How many of the segment's members the rep owns. */
  readonly portfolio: number;
  /** Actions planned by the rule for the period (per year × portfolio × months / 12). */
  readonly planned: Readonly<Record<string, number>>;
  /** Actions done in the period on the portfolio. */
  readonly done: Readonly<Record<string, number>>;
  /** Actions booked (still planned) in the period on the portfolio. */
  readonly booked: Readonly<Record<string, number>>;
  /** Members with at least one action done in the period. */
  readonly worked: number;
  /** worked / portfolio in percent (0 for an empty portfolio). */
  readonly coverage: number;
  /** Actions done per member of the portfolio. */
  readonly pressure: number;
  /** Actions planned per member (the rule's intensity over the period). */
  readonly plannedPressure: number;
}
