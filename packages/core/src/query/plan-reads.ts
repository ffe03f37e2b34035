// The reads of a query plan — a plain scan per source, or the storage's own evaluation page by
// page — and whether an index plan's entries alone are the answer.
import type { KeyRange, RecordCondition, StorageAdapter, StoredRecord } from "../storage/index.js";
import { createSchemaCatalog } from "../storage/index.js";
import type { ResolvedQuery } from "./resolved.js";

/**
 * How a segment is evaluated: through an index (pushdown), by scanning every record, or by the
 * storage itself (an adapter that evaluates conditions natively, such as PostgreSQL's).
 */
export interface QueryPlan {
  /**
   * `index`: candidates come from index ranges; `scan`: every record is examined; `storage`: the
   * storage evaluates {@link QueryPlan.condition} (within the index range, if any) and returns only
   * what matches it; `empty`: none.
   */
  readonly strategy: "index" | "scan" | "storage" | "empty";
  /** The index read, for `index` plans (and `storage` plans narrowed by its ranges). */
  readonly index?: string;
  /** The key ranges read in that index (their union holds every member). */
  readonly ranges: readonly KeyRange[];
  /** How many candidates the plan expected to examine (from the adapter's counts). */
  readonly estimated: number;
  /** How many records the collection holds. */
  readonly total: number;
  /** For `storage` plans: the condition the storage evaluates. */
  readonly condition?: RecordCondition;
  /**
   * For `storage` plans: whether the condition is the whole query (`true`), or a superset the
   * compiled predicate narrows (text, patterns, the account, the team or activity facts).
   */
  readonly exact?: boolean;
}

/**
 * Whether an index plan's ranges hold exactly the query's members, so that counting the index
 * entries is the count: the query is one equality, set or any-tag test on that index's field,
 * and no record can be listed twice (one range, or a single-valued index).
 */
export function indexAnswersAlone(
  storage: StorageAdapter,
  collection: string,
  query: ResolvedQuery,
  plan: QueryPlan,
): boolean {
  if (plan.strategy !== "index") return false;
  if (!(query.k === "eq" || query.k === "in" || (query.k === "tags" && query.mode === "any")))
    return false;
  if (query.get.source !== "self" || query.get.index !== plan.index) return false;
  if (query.get.fallback !== undefined) return false;
  if (plan.ranges.length === 1) return true;
  const catalog = createSchemaCatalog(storage.schema);
  return !catalog.index(catalog.collection(collection), plan.index!).multiEntry;
}

/** The reads of a plan: every record, or one read per index range. */
export function sourcesOf(plan: QueryPlan): { index?: string; where?: KeyRange }[] {
  return plan.ranges.length === 0
    ? [{}]
    : plan.ranges.map((where) => ({ index: plan.index!, where }));
}

/** Streams one read of a plan: a plain scan, or the storage's own evaluation page by page. */
export async function* readSource(
  storage: StorageAdapter,
  plan: QueryPlan,
  selection: { collection: string; index?: string; where?: KeyRange },
  batchSize: number,
): AsyncGenerator<StoredRecord[]> {
  if (plan.strategy !== "storage") {
    yield* storage.scan({ ...selection, batchSize });
    return;
  }
  let cursor: string | null = null;
  do {
    const page: { records: StoredRecord[]; cursor: string | null } = await storage.queryMatching!(
      { ...selection, limit: batchSize, cursor },
      plan.condition!,
    );
    if (page.records.length > 0) yield page.records;
    cursor = page.cursor;
  } while (cursor !== null);
}
