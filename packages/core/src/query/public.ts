/**
 * The query language on its own: build conditions (`q`), check and compile them against a
 * workspace's definitions (`compileCondition`), explain them, and the linear-time patterns they use.
 *
 * @packageDocumentation
 * @module @crmkit/core/query
 */

export {
  type CompiledRegex,
  type CompiledRegexOk,
  type CompiledRegexRefused,
  compileGlob,
  compileRegex,
  type Glob,
  type LinearRegex,
  maxProgramSize,
} from "../patterns/index.js";

export {
  loadTaxonomy,
  type Taxonomy,
} from "../records/index.js";

export {
  type FieldClauses,
  type QueryField,
  q,
} from "./builder.js";

export {
  type CompiledCondition,
  type Condition,
  type ConditionCompiled,
  type ConditionRefused,
  type ConditionScope,
  compileCondition,
} from "./condition.js";

export type {
  MembersPage,
  QueryPlan,
} from "./execute.js";

export type { ExplainNode } from "./explain.js";

export type { QueryTarget } from "./fields.js";

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
