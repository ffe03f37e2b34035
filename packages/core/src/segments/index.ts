export { type FieldClauses, type QueryField, q } from "./builder.js";
export { compileQuery, type EvaluationContext, type Predicate } from "./compile.js";
export type { MembersPage, QueryPlan } from "./execute.js";
export type { ExplainNode } from "./explain.js";
export { explainQuery } from "./explain.js";
export {
  builtInFields,
  type FieldInfo,
  type FieldSource,
  type FieldType,
  resolveField,
} from "./fields.js";
export {
  type EqualityOperator,
  maxPatternLength,
  type OrderOperator,
  type QueryOperator,
  type QueryReferences,
  queryReferences,
  type RelativeOperator,
  replaceQueryIds,
  type Scalar,
  type SegmentQuery,
  type SetOperator,
  segmentQuerySchema,
  type TagOwner,
  type TextOperator,
  walkQuery,
} from "./query.js";
export { compileSafeRegex } from "./regex-safety.js";
export type {
  Getter,
  QueryEnvironment,
  Resolution,
  ResolvedQuery,
  SegmentDefinitionLike,
} from "./resolve.js";
export { resolveQuery } from "./resolve.js";
export {
  type EvaluateOptions,
  type QueryValidation,
  type RecordChange,
  type SavedSegment,
  type SavedSegmentInput,
  type SegmentCount,
  type SegmentDelta,
  type SegmentEvents,
  type SegmentMembershipEvent,
  SegmentService,
  type SegmentServiceDeps,
  type SegmentSource,
} from "./service.js";
export { relativeSpan, type TimeSpan } from "./values.js";
