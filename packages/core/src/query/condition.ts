import type { PathSegment, ValidationIssue } from "../errors.js";
import type { Taxonomy } from "../records/index.js";
import type { StoredRecord } from "../storage/index.js";
import { compileQuery, type EvaluationContext, type Predicate } from "./compile.js";
import { type ExplainNode, explainQuery } from "./explain.js";
import type { QueryTarget } from "./fields.js";
import type { SegmentQuery } from "./query.js";
import { resolveQuery } from "./resolve.js";
import type { QueryEnvironment } from "./resolved.js";

/**
 * A condition of the query language checked against the workspace and compiled: used by stage
 * goals, routing and assignment rules (over deal views) and pools (over users).
 */
export interface Condition {
  /** The query. */
  readonly query: SegmentQuery;
  /** Whether a record satisfies it. */
  test(record: StoredRecord): boolean;
  /** How each node fared on a record. */
  explain(record: StoredRecord): ExplainNode;
}

/** What conditions are resolved against. */
export interface ConditionScope {
  /** The workspace's definitions. */
  readonly taxonomy: Taxonomy;
  /** The instant relative dates stand for. */
  readonly at: number;
  /** The workspace timezone. */
  readonly timezone: string;
  /** The team of each user, for `teamId`. */
  readonly teamOf: (userId: string) => string | undefined;
  /** The account of a contact, for `account.*` fields of contact conditions. @defaultValue none */
  readonly account?: (record: StoredRecord) => StoredRecord | null;
  /**
   * Conditions already compiled against this scope, by query object and target: a scope lives for
   * one operation, in which a goal or rule is otherwise compiled again at every check.
   * @internal
   */
  readonly compiled?: WeakMap<SegmentQuery, Map<QueryTarget, CompiledCondition>>;
}

/** A condition that compiled. */
export interface ConditionCompiled {
  /** It compiled. */
  readonly ok: true;
  /** The compiled condition. */
  readonly condition: Condition;
}

/** A condition that did not compile. */
export interface ConditionRefused {
  /** It did not compile. */
  readonly ok: false;
  /** Every problem, with its path. */
  readonly issues: ValidationIssue[];
}

/** A condition that compiled, or the problems that kept it from compiling. */
export type CompiledCondition = ConditionCompiled | ConditionRefused;

/**
 * Checks a condition against a workspace's definitions and compiles it for `target` records: a
 * predicate and an explanation, or every problem (paths prefixed with `path`). Runs without
 * storage: `scope` brings the definitions, the instant and the timezone.
 *
 * @example
 * ```ts
 * const compiled = compileCondition(q.field("country").eq("FR"), "contact", scope);
 * if (compiled.ok) compiled.condition.test(contact);
 * ```
 */
export function compileCondition(
  query: SegmentQuery,
  target: QueryTarget,
  scope: ConditionScope,
  path: readonly PathSegment[] = [],
): CompiledCondition {
  // Issues carry the caller's path, so only path-less (evaluation) compilations are shared.
  if (path.length > 0 || scope.compiled === undefined) return compile(query, target, scope, path);
  let byTarget = scope.compiled.get(query);
  if (byTarget === undefined) {
    byTarget = new Map();
    scope.compiled.set(query, byTarget);
  }
  let result = byTarget.get(target);
  if (result === undefined) {
    result = compile(query, target, scope, path);
    byTarget.set(target, result);
  }
  return result;
}

function compile(
  query: SegmentQuery,
  target: QueryTarget,
  scope: ConditionScope,
  path: readonly PathSegment[],
): CompiledCondition {
  const env: QueryEnvironment = {
    target,
    taxonomy: scope.taxonomy,
    segments: new Map(),
    at: scope.at,
    timezone: scope.timezone,
  };
  const resolution = resolveQuery(query, env);
  if (resolution.query === undefined) {
    return {
      ok: false,
      issues: resolution.issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] })),
    };
  }
  // Views embed what they need (a deal view carries its contact and account), so only `teamId`
  // reaches outside the record.
  const context: EvaluationContext = {
    account: scope.account ?? (() => null),
    teamOf: scope.teamOf,
  };
  const predicate: Predicate = compileQuery(resolution.query);
  return {
    ok: true,
    condition: {
      query,
      test: (record) => predicate(record, context),
      explain: (record) => explainQuery(query, record, env, context),
    },
  };
}
