import type { IndexKey, NormalizedRange, ResolvedIndex, StoredRecord } from "@crmkit/core/storage";

/**
 * What one record looks like in its object store: the record itself and its index keys, computed
 * by core's shared rule. IndexedDB indexes the precomputed keys (never the record's raw fields),
 * so its index contents are exactly what the contract defines, whatever the record holds.
 */
export interface StoredValue {
  /** The record id (the object store's key path). */
  readonly id: string;
  /** The record. */
  readonly r: StoredRecord;
  /** Index name → a key (single-valued indexes) or keys (multi-entry indexes). */
  readonly k: Record<string, IndexKey | IndexKey[]>;
}

/** The name of the object store that holds crmkit's own metadata (the stored schema). */
export const metaStore = "__crmkit_meta";

/**
 * How an index is laid out in IndexedDB.
 * - `unique`: a single-valued unique index, keyed by the key alone (a key identifies one record).
 * - `compound`: a single-valued index keyed by `[key, id]`, so pages continue with a plain key
 *   range and `getAll` can read them in bulk.
 * - `multi`: a multi-entry index keyed by the key, continued with `continuePrimaryKey`.
 */
export type IndexLayout = "unique" | "compound" | "multi";

/** The layout of an index. */
export function layoutOf(index: ResolvedIndex): IndexLayout {
  if (index.multiEntry) return "multi";
  return index.unique ? "unique" : "compound";
}

/** The IndexedDB key path of an index's layout. */
export function keyPathOf(index: ResolvedIndex): string | string[] {
  return layoutOf(index) === "compound" ? [`k.${index.name}`, "id"] : `k.${index.name}`;
}

/** Builds the stored value for a record and its keys. */
export function toStoredValue(
  record: StoredRecord,
  keys: Readonly<Record<string, IndexKey[]>>,
  indexes: readonly ResolvedIndex[],
): StoredValue {
  const k: Record<string, IndexKey | IndexKey[]> = {};
  for (const index of indexes) {
    const indexKeys = keys[index.name]!;
    if (index.multiEntry) k[index.name] = indexKeys;
    else if (indexKeys.length === 1) k[index.name] = indexKeys[0]!;
  }
  return { id: record.id, r: record, k };
}

/** The keys of a stored value in one index, as a sorted array. */
export function keysOfValue(value: StoredValue, index: ResolvedIndex): IndexKey[] {
  const keys = value.k[index.name];
  if (keys === undefined) return [];
  return Array.isArray(keys) ? keys : [keys];
}

// An empty array sorts after every string and number in IndexedDB: [key, []] is above every
// [key, id]; and no id is "", so [key, ""] is below every [key, id].
const aboveAllIds: never[] = [];
const belowAllIds = "";

type Bound = { value: unknown; open: boolean } | undefined;

/**
 * Translates a normalised range (and an optional position to continue after) into an
 * IndexedDB key range for one layout. Returns `null` when nothing can match.
 */
export function toKeyRange(
  range: NormalizedRange,
  layout: IndexLayout | "primary",
  after: { key: IndexKey; id: string } | undefined,
  order: "asc" | "desc",
): IDBKeyRange | undefined | null {
  if (range.empty) return null;
  let lower: Bound;
  let upper: Bound;
  const compound = layout === "compound";
  if (range.lower) {
    const { key, open } = range.lower;
    lower = compound
      ? { value: [key, open ? aboveAllIds : belowAllIds], open: false }
      : { value: key, open };
  } else if (range.type === "number") {
    lower = {
      value: compound ? [Number.NEGATIVE_INFINITY, belowAllIds] : Number.NEGATIVE_INFINITY,
      open: false,
    };
  } else if (range.type === "string") {
    lower = { value: compound ? ["", belowAllIds] : "", open: false };
  }
  if (range.upper) {
    const { key, open } = range.upper;
    upper = compound
      ? { value: [key, open ? belowAllIds : aboveAllIds], open: false }
      : { value: key, open };
  } else if (range.type === "number") {
    upper = {
      value: compound ? [Number.POSITIVE_INFINITY, aboveAllIds] : Number.POSITIVE_INFINITY,
      open: false,
    };
  }
  // Continue after the previous page. Multi-entry pages narrow to the cursor's key and then skip to
  // the exact entry with continuePrimaryKey; other layouts have one entry per key position.
  if (after) {
    const position: Bound =
      layout === "multi"
        ? { value: after.key, open: false }
        : {
            value: compound ? [after.key, after.id] : layout === "primary" ? after.id : after.key,
            open: true,
          };
    if (order === "asc") lower = position;
    else upper = position;
  }
  if (lower && upper) {
    const order = indexedDB.cmp(lower.value, upper.value);
    if (order > 0 || (order === 0 && (lower.open || upper.open))) return null;
    return IDBKeyRange.bound(lower.value, upper.value, lower.open, upper.open);
  }
  if (lower) return IDBKeyRange.lowerBound(lower.value, lower.open);
  if (upper) return IDBKeyRange.upperBound(upper.value, upper.open);
  return undefined;
}
