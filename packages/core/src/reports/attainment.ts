import type { Actuals, ObjectiveProgress, TargetSource } from "../objectives/index.js";
import { type MetricUnit, metricInfo, metricKey } from "../objectives/index.js";
import { compareText } from "./data.js";

/** One objective's attainment at an instant, as a report row. */
export interface AttainmentRow {
  /** A rep (`user`) or a team. */
  readonly subjectKind: "user" | "team";
  /** The rep's or team's id. */
  readonly subjectId: string;
  /** The metric's key (`revenue`, `meetingsPerWeek`, `revenue@segment`…). */
  readonly metric: string;
  /** The metric's name. */
  readonly label: string;
  /** How its values read (money in minor units, counts, percent, per week). */
  readonly unit: MetricUnit;
  /** The period. */
  readonly period: string;
  /** The target of the period. */
  readonly target: number;
  /** Where the target comes from (set, seasonality, sum of shorter periods, team members). */
  readonly targetSource: TargetSource;
  /** The value from the period's start to the reading; `null` when the data is missing. */
  readonly actual: number | null;
  /** actual / target in percent; `null` without an actual or with a zero target. */
  readonly attainment: number | null;
  /** What the seasonality expects by now. */
  readonly expectedByNow: number;
  /** actual / expectedByNow in percent (above 100: ahead of plan). */
  readonly pace: number | null;
  /** Alert thresholds reached. */
  readonly reached: readonly number[];
  /** The next threshold, or `null`. */
  readonly next: number | null;
  /** Why `actual` is missing. */
  readonly gap?: string;
  /** The objectives behind the target (drill-down). */
  readonly objectiveIds: readonly string[];
}

/**
 * Quota attainment as report rows, from objectives' progress: one row per objective, reps before
 * teams, then by subject id and metric key.
 */
export function attainmentRows(progress: readonly ObjectiveProgress[]): AttainmentRow[] {
  return progress
    .map((p) => ({
      subjectKind: p.subject.kind,
      subjectId: p.subject.id,
      metric: metricKey(p.metric),
      label: metricInfo(p.metric).label,
      unit: metricInfo(p.metric).unit,
      period: p.period,
      target: p.target.target,
      targetSource: p.target.source,
      actual: p.actual,
      attainment: p.attainment,
      expectedByNow: p.expectedByNow,
      pace: p.pace,
      reached: p.reached,
      next: p.next,
      ...(p.gap === undefined ? {} : { gap: p.gap }),
      objectiveIds: p.target.objectiveIds,
    }))
    .sort(
      (a, b) =>
        (a.subjectKind === b.subjectKind ? 0 : a.subjectKind === "user" ? -1 : 1) ||
        compareText(a.subjectId, b.subjectId) ||
        compareText(a.metric, b.metric),
    );
}

/** One rep's meetings and calls in a period, against a weekly meeting target. */
export interface ActivityRow {
  /** The rep. */
  readonly repId: string;
  /** The rep's name. */
  readonly name: string | undefined;
  /** The rep's team. */
  readonly teamId: string | undefined;
  /** Meetings and visits held (done) in the period so far; `null` without any activity recorded. */
  readonly meetings: number | null;
  /** Calls done; `null` without any activity recorded. */
  readonly calls: number | null;
  /** Meetings held per calendar week of the period so far (days / 7). */
  readonly meetingsPerWeek: number | null;
  /** The weekly meeting target: the rep's `meetingsPerWeek` objective, else the one given. */
  readonly targetPerWeek: number | null;
  /** meetingsPerWeek / targetPerWeek in percent. */
  readonly attainment: number | null;
  /** Why the figures are missing. */
  readonly gap?: string;
}

/**
 * Meetings per week per rep against a target, from measured actuals (`meetingsHeld`, `calls`,
 * `meetingsPerWeek`). A rep without any activity recorded has no figures and a gap, not zeros.
 */
export function activityRows(actuals: Actuals, targetPerWeek?: number): ActivityRow[] {
  return actuals.reps
    .map((rep) => {
      const perWeek = rep.values.meetingsPerWeek ?? null;
      const target = rep.targets.meetingsPerWeek ?? targetPerWeek ?? null;
      return {
        repId: rep.repId,
        name: rep.name,
        teamId: rep.teamId,
        meetings: rep.values.meetingsHeld ?? null,
        calls: rep.values.calls ?? null,
        meetingsPerWeek: perWeek,
        targetPerWeek: target,
        attainment:
          perWeek === null || target === null || target === 0 ? null : (perWeek * 100) / target,
        ...(rep.gaps.meetingsPerWeek === undefined ? {} : { gap: rep.gaps.meetingsPerWeek }),
      };
    })
    .sort((a, b) => compareText(a.repId, b.repId));
}
