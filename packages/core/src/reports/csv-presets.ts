import type { IntensityLine } from "../objectives/index.js";
import type { AdoptionRow } from "./adoption.js";
import type { ActivityRow, AttainmentRow } from "./attainment.js";
import type { BookingsRow } from "./bookings.js";
import type { CoachingGap, CoachingRow } from "./coaching.js";
import type { AcquisitionRow } from "./costs.js";
import { type CsvColumn, toCsv } from "./csv.js";
import type { AccuracyLine } from "./forecast.js";
import type { FunnelReport } from "./funnel.js";
import type { PerformanceRow } from "./performance.js";
import type { PipelineReport } from "./pipeline-report.js";
import type { MrrMonth } from "./subscriptions.js";

/** Drill-down ids in one cell, separated by spaces. */
const ids = (list: readonly string[]): string => list.join(" ");

/** Actions by type in one cell: `call=3 meeting=1`. */
const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .map(([type, n]) => `${type}=${n}`)
    .join(" ");

const column = <Row>(header: string, value: CsvColumn<Row>["value"]): CsvColumn<Row> => ({
  header,
  value,
});

/**
 * Every report as CSV with a fixed column preset: one row per line of the report, money in minor
 * units, rates in percent or as the report gives them, and the drill-down ids in a last column
 * (space-separated). The headers are part of the API: they only change in a major version.
 *
 * @example
 * ```ts
 * const csv = reportCsv.funnel(await crm.reports.funnel({ pipelineId: "sales", range, dimension: "rep" }));
 * ```
 */
export const reportCsv = {
  /** group, from, to, entered, reached, conversion, median days in `from`, ids. */
  funnel(report: FunnelReport): string {
    const rows = report.groups.flatMap((group) =>
      group.steps.map((step) => ({
        group: group.key,
        step,
        time: group.stageTimes.find((t) => t.stageId === step.from),
      })),
    );
    return toCsv(rows, [
      column("pipeline", () => report.pipelineId),
      column("group", (r) => r.group),
      column("from", (r) => r.step.from),
      column("to", (r) => r.step.to),
      column("entered", (r) => r.step.entered),
      column("reached", (r) => r.step.reached),
      column("conversion", (r) => r.step.conversion),
      column("median_days_in_from", (r) => r.time?.medianDays),
      column("entered_ids", (r) => ids(r.step.enteredIds)),
      column("reached_ids", (r) => ids(r.step.reachedIds)),
    ]);
  },

  /** Win rate, deal size and cycles per group. */
  performance(rows: readonly PerformanceRow[]): string {
    return toCsv(rows, [
      column("group", (r) => r.key),
      column("closed", (r) => r.closed),
      column("won", (r) => r.won),
      column("lost", (r) => r.lost),
      column("win_rate", (r) => r.winRate),
      column("won_value", (r) => r.wonValue),
      column("average_deal_size", (r) => r.averageDealSize),
      column("won_without_value", (r) => r.withoutValue),
      column("cycle_days", (r) => r.cycleDays),
      column("ask_to_decision_days", (r) => r.askToDecisionDays),
      column("won_ids", (r) => ids(r.ids.won)),
      column("lost_ids", (r) => ids(r.ids.lost)),
    ]);
  },

  /** The open pipeline: the rows by stage, then the rows by close month (`by` tells which). */
  pipeline(report: PipelineReport): string {
    const rows = [
      ...report.byStage.map((row) => ({ by: "stage", row })),
      ...report.byCloseMonth.map((row) => ({ by: "close_month", row })),
    ];
    return toCsv(rows, [
      column("by", (r) => r.by),
      column("group", (r) => r.row.group),
      column("pipeline", (r) => r.row.pipelineId),
      column("key", (r) => r.row.key),
      column("count", (r) => r.row.count),
      column("value", (r) => r.row.value),
      column("weighted_value", (r) => r.row.weightedValue),
      column("without_value", (r) => r.row.withoutValue),
      column("median_age_days", (r) => r.row.medianAgeDays),
      column("rotting", (r) => r.row.rotting),
      column("ids", (r) => ids(r.row.ids)),
    ]);
  },

  /** Bookings by month and group. */
  bookings(rows: readonly BookingsRow[]): string {
    return toCsv(rows, [
      column("month", (r) => r.month),
      column("group", (r) => r.key),
      column("won", (r) => r.won),
      column("value", (r) => r.value),
      column("won_without_value", (r) => r.withoutValue),
      column("ids", (r) => ids(r.ids)),
    ]);
  },

  /** A frozen forecast against what was won. */
  forecastAccuracy(lines: readonly AccuracyLine[]): string {
    return toCsv(lines, [
      column("level", (r) => r.level),
      column("key", (r) => r.key),
      column("forecast", (r) => r.forecast),
      column("actual", (r) => r.actual),
      column("absolute_percentage_error", (r) => r.absolutePercentageError),
      column("bias", (r) => r.bias),
      column("won_ids", (r) => ids(r.wonIds)),
    ]);
  },

  /** Quota attainment per objective. */
  attainment(rows: readonly AttainmentRow[]): string {
    return toCsv(rows, [
      column("subject_kind", (r) => r.subjectKind),
      column("subject", (r) => r.subjectId),
      column("metric", (r) => r.metric),
      column("unit", (r) => r.unit),
      column("period", (r) => r.period),
      column("target", (r) => r.target),
      column("target_source", (r) => r.targetSource),
      column("actual", (r) => r.actual),
      column("attainment", (r) => r.attainment),
      column("expected_by_now", (r) => r.expectedByNow),
      column("pace", (r) => r.pace),
      column("reached", (r) => r.reached.join(" ")),
      column("gap", (r) => r.gap),
      column("objective_ids", (r) => ids(r.objectiveIds)),
    ]);
  },

  /** Meetings per week per rep against the target. */
  activity(rows: readonly ActivityRow[]): string {
    return toCsv(rows, [
      column("rep", (r) => r.repId),
      column("team", (r) => r.teamId),
      column("meetings", (r) => r.meetings),
      column("calls", (r) => r.calls),
      column("meetings_per_week", (r) => r.meetingsPerWeek),
      column("target_per_week", (r) => r.targetPerWeek),
      column("attainment", (r) => r.attainment),
      column("gap", (r) => r.gap),
    ]);
  },

  /** Segment coverage and pressure per rep and segment (from `crm.objectives.intensity`). */
  coverage(lines: readonly IntensityLine[]): string {
    return toCsv(lines, [
      column("rep", (r) => r.repId),
      column("segment", (r) => r.segmentId),
      column("portfolio", (r) => r.portfolio),
      column("worked", (r) => r.worked),
      column("coverage", (r) => r.coverage),
      column("pressure", (r) => r.pressure),
      column("planned_pressure", (r) => r.plannedPressure),
      column("planned", (r) => counts(r.planned)),
      column("done", (r) => counts(r.done)),
      column("booked", (r) => counts(r.booked)),
    ]);
  },

  /** Process adoption per group. */
  adoption(rows: readonly AdoptionRow[]): string {
    return toCsv(rows, [
      column("group", (r) => r.key),
      column("deals", (r) => r.deals),
      column("following", (r) => r.following),
      column("rate", (r) => r.rate),
      column("skipped_stage_deal_ids", (r) => ids(r.skippedStages)),
      column("tasks_left_undone_deal_ids", (r) => ids(r.tasksLeftUndone)),
    ]);
  },

  /** One line per rep and stage gap (a rep without gaps gets one line with empty stage cells). */
  coaching(rows: readonly CoachingRow[]): string {
    const lines = rows.flatMap((row): { row: CoachingRow; gap: CoachingGap | undefined }[] =>
      row.gaps.length === 0 ? [{ row, gap: undefined }] : row.gaps.map((gap) => ({ row, gap })),
    );
    return toCsv(lines, [
      column("rep", (r) => r.row.repId),
      column("top_performer", (r) => r.row.topPerformer),
      column("from", (r) => r.gap?.from),
      column("to", (r) => r.gap?.to),
      column("conversion", (r) => r.gap?.conversion),
      column("benchmark", (r) => r.gap?.benchmark),
      column("gap", (r) => r.gap?.gap),
      column("entered", (r) => r.gap?.entered),
      column("product_outliers", (r) =>
        r.row.productOutliers.map((o) => `${o.product}:${o.difference}`).join(" "),
      ),
    ]);
  },

  /** MRR per month with its movements, rates and the customers behind each movement. */
  mrr(months: readonly MrrMonth[]): string {
    return toCsv(months, [
      column("month", (m) => m.month),
      column("opening", (m) => m.opening),
      column("new", (m) => m.new),
      column("expansion", (m) => m.expansion),
      column("contraction", (m) => m.contraction),
      column("churn", (m) => m.churn),
      column("reactivation", (m) => m.reactivation),
      column("closing", (m) => m.closing),
      column("revenue_churn_rate", (m) => m.revenueChurnRate),
      column("customer_churn_rate", (m) => m.customerChurnRate),
      column("by_type", (m) => counts(m.byType)),
      column("by_country", (m) => counts(m.byCountry)),
      column("new_customers", (m) => ids(m.customers.new)),
      column("churned_customers", (m) => ids(m.customers.churn)),
    ]);
  },

  /** Acquisition cost per lead source. */
  acquisition(rows: readonly AcquisitionRow[]): string {
    return toCsv(rows, [
      column("source", (r) => r.source),
      column("cost", (r) => r.cost),
      column("deals", (r) => r.deals),
      column("first_meetings", (r) => r.firstMeetings),
      column("won", (r) => r.won),
      column("cost_per_first_meeting", (r) => r.costPerFirstMeeting),
      column("cost_per_won", (r) => r.costPerWon),
      column("first_meeting_ids", (r) => ids(r.ids.firstMeetings)),
      column("won_ids", (r) => ids(r.ids.won)),
    ]);
  },
} as const;
