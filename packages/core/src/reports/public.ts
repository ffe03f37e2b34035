/**
 * Indicators on their own: funnels, win rates and cycles, the pipeline, forecasts and their
 * accuracy, adoption, coaching, MRR, acquisition costs — computed from report data — and CSV export.
 *
 * @packageDocumentation
 * @module @crmkit/core/reports
 */

export {
  type AdoptionOptions,
  type AdoptionRow,
  adoptionReport,
} from "./adoption.js";

export {
  type ActivityRow,
  type AttainmentRow,
  activityRows,
  attainmentRows,
} from "./attainment.js";

export {
  type BookingsOptions,
  type BookingsRow,
  bookingsReport,
} from "./bookings.js";

export {
  type CoachingGap,
  type CoachingOptions,
  type CoachingRow,
  coachingReport,
  type ProductOutlier,
} from "./coaching.js";

export {
  type AcquisitionRow,
  acquisitionReport,
  type SourceCost,
} from "./costs.js";
export {
  type CsvColumn,
  toCsv,
} from "./csv.js";
export { reportCsv } from "./csv-presets.js";

export {
  loadReportData,
  type ReportData,
  type ReportDeal,
  type ReportDimension,
  type ReportRange,
  type ReportStay,
  type ReportTask,
} from "./data.js";

export {
  type AccuracyLine,
  computeForecast,
  type ForecastLine,
  type ForecastSnapshot,
  forecastAccuracy,
} from "./forecast.js";

export {
  type FunnelGroup,
  type FunnelOptions,
  type FunnelReport,
  type FunnelStep,
  funnelReport,
  type StageTime,
} from "./funnel.js";

export {
  type PerformanceOptions,
  type PerformanceRow,
  performanceReport,
} from "./performance.js";

export {
  type PipelineReport,
  type PipelineReportOptions,
  type PipelineRow,
  pipelineReport,
} from "./pipeline-report.js";

export type { ReportServiceDeps } from "./service.js";

export {
  type MrrMonth,
  mrrReport,
  type SubscriptionLine,
} from "./subscriptions.js";
