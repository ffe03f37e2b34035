/**
 * The query language: conditions over contacts, accounts, deals and users — their schema, the
 * builder, resolution against the workspace's definitions, compiled predicates, explanations and
 * index-assisted evaluation. Segments, stage goals, routing and assignment rules, scoring's fit
 * rules and automations all speak it.
 *
 * @packageDocumentation
 */

export {
  type FieldClauses,
  type QueryField,
  q,
} from "./builder.js";
export type {
  EvaluationContext,
  Predicate,
  ViewActivity,
} from "./compile.js";
export {
  type Condition,
  type ConditionScope,
  compileCondition,
} from "./condition.js";
export {
  contextLoader,
  type EvaluationStats,
  indexCandidates,
  type MembersPage,
  pageMembers,
  planQuery,
  type QueryPlan,
  streamMembers,
} from "./execute.js";
export type { ExplainNode } from "./explain.js";
export type {
  FieldInfo,
  FieldSource,
  FieldType,
  QueryTarget,
} from "./fields.js";
/** @internal */
export * from "./internal.js";
export { type ListingSource, pageInOrder, type RecordPage } from "./pages.js";
export { indexAnswersAlone } from "./plan-reads.js";
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
} from "./resolved.js";
export { fieldsRead } from "./resolved.js";
export { type StorageCondition, toStorageCondition } from "./storage-condition.js";
export {
  isCalendarDate,
  parseQueryInstant,
  relativeDateSpan,
  type TimeSpan,
} from "./values.js";
