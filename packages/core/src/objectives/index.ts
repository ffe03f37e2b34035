export {
  type AllocatedRep,
  type AllocationRep,
  allocateBySegment,
  otherSegment,
  type SegmentAllocation,
  type SegmentAllocationInput,
  type UnallocatedAmount,
} from "./allocation.js";
export type {
  Actuals,
  MeasureRequest,
  RepActuals,
} from "./measure.js";
export {
  type MetricInfo,
  type MetricKind,
  type MetricRef,
  type MetricUnit,
  metricCatalogue,
  metricInfo,
  metricKey,
  metricLabel,
  metricRefSchema,
  parseMetricKey,
} from "./metrics.js";
export {
  type Period,
  type PeriodKey,
  type PeriodUnit,
  parsePeriod,
  periodContains,
  periodInstants,
  periodMonths,
} from "./period.js";
export {
  ObjectiveService,
  type ObjectiveServiceDeps,
  objectiveAlertThresholds,
  type ProgressOptions,
} from "./service.js";
export type {
  IntensityLine,
  IntensityRequest,
  IntensityRule,
  Objective,
  ObjectiveAlertEvent,
  ObjectiveEvents,
  ObjectiveInput,
  ObjectiveProgress,
  ObjectiveSubject,
  ResolvedTarget,
  TargetSource,
} from "./types.js";
