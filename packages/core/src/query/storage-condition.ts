// A resolved query in the storage contract's condition terms, for adapters that evaluate
// conditions themselves (PostgreSQL compiles them to SQL): what the storage can decide alone, and
// what the compiled predicate must still check.
import type { FieldCondition, RecordCondition } from "../storage/index.js";
import type { ResolvedQuery } from "./resolved.js";

/** A query handed to the storage: the condition it evaluates, and whether that is all of it. */
export interface StorageCondition {
  /** The condition the storage evaluates. */
  readonly condition: RecordCondition;
  /**
   * `true` when the condition holds exactly when the query does (no account, team, text,
   * pattern or activity clause); otherwise it holds for a superset, which the compiled predicate
   * narrows.
   */
  readonly exact: boolean;
}

/**
 * The storage condition of a resolved query: all of it when every clause reads the record's own
 * fields with an equality, a set, a range, emptiness or tags; else the top-level conjunction of
 * the clauses that do (a superset of the members); `null` when no clause can be handed over.
 */
export function toStorageCondition(query: ResolvedQuery): StorageCondition | null {
  const exact = convert(query);
  if (exact !== null) return { condition: exact, exact: true };
  if (query.k !== "and") return null;
  const parts = query.of.map(convert).filter((c): c is RecordCondition => c !== null);
  return parts.length === 0 ? null : { condition: { and: parts }, exact: false };
}

function convert(node: ResolvedQuery): RecordCondition | null {
  switch (node.k) {
    case "and":
    case "or": {
      const parts = node.of.map(convert);
      if (parts.some((p) => p === null)) return null;
      return node.k === "and"
        ? { and: parts as RecordCondition[] }
        : { or: parts as RecordCondition[] };
    }
    case "not": {
      const inner = convert(node.of);
      return inner === null ? null : { not: inner };
    }
    case "const":
      return node.value ? { and: [] } : { or: [] };
    case "eq":
      return field(node, { eq: node.value });
    case "in":
      return field(node, { in: node.values });
    case "range": {
      const range: { -readonly [K in keyof NonNullable<FieldCondition["range"]>]: unknown } = {
        type: node.kind,
      };
      if (node.lower !== undefined) range[node.lowerInclusive ? "gte" : "gt"] = node.lower;
      if (node.upper !== undefined) range[node.upperInclusive ? "lte" : "lt"] = node.upper;
      return field(node, { range: range as NonNullable<FieldCondition["range"]> });
    }
    case "empty":
      return field(node, { empty: true });
    case "tags":
      return field(node, node.mode === "any" ? { hasAny: node.tags } : { hasAll: node.tags });
    // Text and patterns follow JavaScript's case folding and crmkit's linear-time engine, and
    // activity facts live outside the record: the predicate checks them.
    case "text":
    case "regex":
    case "activities":
      return null;
  }
}

function field(
  node: Extract<ResolvedQuery, { get: unknown }>,
  test: Omit<FieldCondition, "path" | "fallback">,
): FieldCondition | null {
  if (node.get.source !== "self") return null;
  return {
    path: node.get.path,
    ...(node.get.fallback === undefined ? {} : { fallback: node.get.fallback }),
    ...test,
  };
}
