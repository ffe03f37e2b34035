import { CrmkitError } from "../errors.js";
import type { ResolvedIndex } from "./schema.js";
import type { IndexKey, KeyRange } from "./types.js";

/** Tells whether a value can be an index key: a string or a finite number. */
export function isIndexKey(value: unknown): value is IndexKey {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/**
 * Compares two index keys in the contract's order: numbers before strings, numbers numerically,
 * strings by UTF-16 code unit (the order IndexedDB uses).
 */
export function compareKeys(a: IndexKey, b: IndexKey): number {
  // Equal keys first: one comparison, not two, for the runs of equal keys an index holds (every
  // deal of a stage), whose strings are often equal copies rather than one string.
  if (a === b) return 0;
  if (typeof a === typeof b) return a < b ? -1 : 1;
  return typeof a === "number" ? -1 : 1;
}

/** Compares two index entries: by key, then by record id. */
export function compareEntries(aKey: IndexKey, aId: string, bKey: IndexKey, bId: string): number {
  const byKey = compareKeys(aKey, bKey);
  if (byKey !== 0) return byKey;
  return aId === bId ? 0 : aId < bId ? -1 : 1;
}

/**
 * The keys a record has in an index, sorted and without duplicates. A single-valued index yields
 * at most one key; a multi-entry index yields one per valid array element. Values that are not
 * index keys are not indexed.
 */
export function extractIndexKeys(record: unknown, index: ResolvedIndex): IndexKey[] {
  let value: unknown = record;
  for (const segment of index.segments) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
    if (!Object.hasOwn(value, segment)) return [];
    value = (value as Record<string, unknown>)[segment];
  }
  if (index.multiEntry && Array.isArray(value)) {
    const keys: IndexKey[] = [];
    for (const element of value) if (isIndexKey(element)) keys.push(normalizeKey(element));
    keys.sort(compareKeys);
    return keys.filter((key, position) => position === 0 || key !== keys[position - 1]);
  }
  return isIndexKey(value) ? [normalizeKey(value)] : [];
}

function normalizeKey(key: IndexKey): IndexKey {
  // -0 and 0 are the same key (as in IndexedDB); keep one spelling so equality is plain ===.
  return key === 0 ? 0 : key;
}

/** One end of a {@link NormalizedRange}. */
export interface RangeBound {
  /** The bound's key. */
  readonly key: IndexKey;
  /** Whether the bound itself is excluded. */
  readonly open: boolean;
}

/**
 * A validated {@link KeyRange}: its key type and its bounds. Adapters translate it to their own
 * range form; {@link keyInRange} is the reference meaning.
 */
export interface NormalizedRange {
  /** The type of key the range matches; `undefined` matches keys of both types. */
  readonly type: "string" | "number" | undefined;
  /** The lower bound, if any. */
  readonly lower: RangeBound | undefined;
  /** The upper bound, if any. */
  readonly upper: RangeBound | undefined;
  /** Whether no key can match (lower above upper). */
  readonly empty: boolean;
  /** Whether exactly one key can match (`eq`, or equal closed bounds). */
  readonly single: boolean;
}

/**
 * Validates and normalises a key range.
 *
 * @throws CrmkitError `VALIDATION_FAILED` (path `where`) when bounds are not keys, mix types,
 * combine `eq` with a bound, or give two lower or two upper bounds
 */
export function normalizeRange(range: KeyRange | undefined): NormalizedRange {
  if (range === undefined)
    return { type: undefined, lower: undefined, upper: undefined, empty: false, single: false };
  const fail = (message: string, field?: string): never => {
    throw new CrmkitError("VALIDATION_FAILED", `Invalid key range: ${message}.`, {
      details: { path: field === undefined ? ["where"] : ["where", field] },
    });
  };
  if (typeof range !== "object" || range === null) fail("expected an object");
  const entries = Object.entries(range).filter(([, value]) => value !== undefined);
  let type: "string" | "number" | undefined;
  for (const [field, value] of entries) {
    if (!["eq", "gt", "gte", "lt", "lte"].includes(field)) fail(`unknown bound "${field}"`, field);
    if (!isIndexKey(value)) fail("a bound must be a string or a finite number", field);
    const valueType = typeof value as "string" | "number";
    if (type !== undefined && type !== valueType) fail("all bounds must have the same type", field);
    type = valueType;
  }
  if (range.eq !== undefined) {
    if (entries.length > 1) fail("eq cannot be combined with other bounds", "eq");
    const key = normalizeKey(range.eq);
    const bound = { key, open: false };
    return { type, lower: bound, upper: bound, empty: false, single: true };
  }
  if (range.gt !== undefined && range.gte !== undefined) fail("give gt or gte, not both", "gt");
  if (range.lt !== undefined && range.lte !== undefined) fail("give lt or lte, not both", "lt");
  const lowerKey = range.gt ?? range.gte;
  const upperKey = range.lt ?? range.lte;
  const lower =
    lowerKey === undefined
      ? undefined
      : { key: normalizeKey(lowerKey), open: range.gt !== undefined };
  const upper =
    upperKey === undefined
      ? undefined
      : { key: normalizeKey(upperKey), open: range.lt !== undefined };
  let empty = false;
  if (lower && upper) {
    const order = compareKeys(lower.key, upper.key);
    empty = order > 0 || (order === 0 && (lower.open || upper.open));
  }
  const single = !empty && lower !== undefined && upper !== undefined && lower.key === upper.key;
  return { type, lower, upper, empty, single };
}

/** Tells whether a key lies in a normalised range: the reference meaning of a range. */
export function keyInRange(key: IndexKey, range: NormalizedRange): boolean {
  if (range.empty) return false;
  if (range.type !== undefined && typeof key !== range.type) return false;
  if (range.lower) {
    const order = compareKeys(key, range.lower.key);
    if (order < 0 || (order === 0 && range.lower.open)) return false;
  }
  if (range.upper) {
    const order = compareKeys(key, range.upper.key);
    if (order > 0 || (order === 0 && range.upper.open)) return false;
  }
  return true;
}

/**
 * The key at which a record is listed by a query: its first key inside the range in the query's
 * order. A record with several matching keys in a multi-entry index is listed once, there.
 *
 * @param keys - the record's keys in the index, sorted ascending (as {@link extractIndexKeys} gives)
 */
export function listingKey(
  keys: readonly IndexKey[],
  range: NormalizedRange,
  order: "asc" | "desc",
): IndexKey | undefined {
  if (order === "asc") {
    for (const key of keys) if (keyInRange(key, range)) return key;
  } else {
    for (let i = keys.length - 1; i >= 0; i--) if (keyInRange(keys[i]!, range)) return keys[i];
  }
  return undefined;
}
