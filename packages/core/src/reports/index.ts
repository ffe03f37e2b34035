export { type CsvColumn, toCsv } from "./csv.js";
export {
  loadReportData,
  noValue,
  type ReportData,
  type ReportDeal,
  type ReportDimension,
  type ReportRange,
  type ReportStay,
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
export { type PerformanceOptions, type PerformanceRow, performanceReport } from "./performance.js";
export {
  type PipelineReport,
  type PipelineReportOptions,
  type PipelineRow,
  pipelineReport,
} from "./pipeline-report.js";
export { ReportService, type ReportServiceDeps } from "./service.js";
