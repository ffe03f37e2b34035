export { quantile } from "../stats.js";

export {
  comparePlans,
  type PlanComparison,
  type RepComparison,
} from "./compare.js";
export {
  type CompiledCurve,
  compileCurve,
  explainPayout,
  payoutPercent,
} from "./curve.js";
export {
  type ActualsDataset,
  type DatasetRep,
  parseActualsDataset,
} from "./dataset.js";
export {
  type RepOutlook,
  type WhatIfOptions,
  type WhatIfResult,
  whatIf,
} from "./monte-carlo.js";
export {
  compensationPlanSchema,
  type ParsedPlan,
  parsePlan,
  validatePlan,
} from "./plan.js";
export {
  PlanService,
  type SavedPlan,
} from "./plans.js";
export { scaleActuals } from "./scale.js";
export {
  CompensationService,
  type CompensationServiceDeps,
  planMetrics,
} from "./service.js";
export {
  distributionOf,
  type SimulateOptions,
  simulate,
} from "./simulate.js";
export type {
  AtTargetBounds,
  AtTeamTarget,
  CollectiveComponent,
  CommissionCriterion,
  CommissionResult,
  CommissionTier,
  CompensationPlan,
  CriterionResult,
  CriterionTarget,
  DataGap,
  Distribution,
  HistogramBucket,
  PayoutCurve,
  PayoutStep,
  PayoutTier,
  PlanCriterion,
  PlanProblem,
  PlanValidation,
  RepResult,
  RepTerms,
  SegmentRate,
  SimulationResult,
  TeamResult,
} from "./types.js";
