export {
  type CompiledRegex,
  type CompiledRegexOk,
  type CompiledRegexRefused,
  compileRegex,
  type LinearRegex,
  maxProgramSize,
} from "../patterns/index.js";
export { type FieldClauses, type QueryField, q } from "./builder.js";
export { compileQuery, type EvaluationContext, type Predicate } from "./compile.js";
export type { MembersPage, QueryPlan } from "./execute.js";
export type { ExplainNode } from "./explain.js";
export { explainQuery } from "./explain.js";
export {
  type FieldInfo,
  type FieldSource,
  type FieldType,
  type QueryTarget,
  resolveField,
} from "./fields.js";
export {
  type ActivityFactQuery,
  type AndQuery,
  type BetweenQuery,
  type CategoryIsQuery,
  type EqualityOperator,
  type EqualityQuery,
  type HasTagQuery,
  type InSegmentQuery,
  type MatchesQuery,
  maxPatternLength,
  type NotQuery,
  type OrderOperator,
  type OrderQuery,
  type OrQuery,
  type PeriodQuery,
  type PresenceQuery,
  type QueryOperator,
  type QueryReferences,
  queryReferences,
  type RelativeDateQuery,
  type RelativeOperator,
  replaceQueryIds,
  type Scalar,
  type SegmentQuery,
  type SetOperator,
  type SetQuery,
  segmentQuerySchema,
  type TagCategoryQuery,
  type TagListQuery,
  type TagOwner,
  type TextOperator,
  type TextQuery,
  walkQuery,
} from "./query.js";
export type {
  Getter,
  QueryEnvironment,
  Resolution,
  ResolvedQuery,
  SegmentDefinitionLike,
} from "./resolve.js";
export { resolveQuery } from "./resolve.js";
export {
  type AdHocSegment,
  type EvaluateOptions,
  type QueryInvalid,
  type QueryValid,
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
