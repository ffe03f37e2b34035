import {
  extractIndexKeys,
  type IndexKey,
  listingKey,
  type NormalizedRange,
  type PreparedQuery,
  type RecordCondition,
  type StoredRecord,
} from "@crmkit/core/storage";
import { conditionSql } from "./conditions.js";
import type { SqlExecutor } from "./driver.js";
import { keyColumns, type Layout, utf16Hex } from "./layout.js";

/** A record read by a query, with the key it is listed at. */
export interface Listed {
  readonly key: IndexKey;
  readonly record: StoredRecord;
}

interface Row {
  id: string;
  revision: string | number;
  data: Record<string, unknown>;
}

/** Builds SQL conditions with numbered parameters. */
class Conditions {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** The range as conditions on an index table's (t, n, s) columns, aliased `alias`. */
  rangeParts(alias: string, range: NormalizedRange): string[] {
    if (range.type === undefined) return [];
    // Keys of one type hold a constant in the other column (strings n = 0, numbers s = ''):
    // saying so lets the (t, n, s, ik) key serve the range and its order directly.
    const parts = [
      range.type === "number"
        ? `${alias}.t = 0 AND ${alias}.s = ''::bytea`
        : `${alias}.t = 1 AND ${alias}.n = 0`,
    ];
    const column = range.type === "number" ? `${alias}.n` : `${alias}.s`;
    const value = (key: IndexKey) =>
      typeof key === "number"
        ? this.param(key)
        : `decode(${this.param(keyColumns(key)[2])}, 'hex')`;
    if (range.lower)
      parts.push(`${column} ${range.lower.open ? ">" : ">="} ${value(range.lower.key)}`);
    if (range.upper)
      parts.push(`${column} ${range.upper.open ? "<" : "<="} ${value(range.upper.key)}`);
    return parts;
  }

  /** The range as conditions on a record table's id sort key (ids are strings). */
  idRange(alias: string, range: NormalizedRange): void {
    const value = (key: IndexKey) => `decode(${this.param(utf16Hex(String(key)))}, 'hex')`;
    if (range.lower)
      this.parts.push(`${alias}.ik ${range.lower.open ? ">" : ">="} ${value(range.lower.key)}`);
    if (range.upper)
      this.parts.push(`${alias}.ik ${range.upper.open ? "<" : "<="} ${value(range.upper.key)}`);
  }

  get where(): string {
    return this.parts.length === 0 ? "" : `WHERE ${this.parts.join(" AND ")}`;
  }
}

function toRecord(row: Row): StoredRecord {
  // The driver parsed `data` into a fresh object for this row alone: completed in place, not copied.
  const record = row.data;
  record.id = row.id;
  record.revision = Number(row.revision);
  return record as StoredRecord;
}

/**
 * Reads one page of a query (one entry more than the limit, as `toPage` expects), in the
 * contract's order, with keyset conditions from the cursor — never OFFSET. A record of a
 * multi-entry index is listed at its first key inside the range (its last, descending).
 */
export async function readPage(
  db: SqlExecutor,
  layout: Layout,
  query: PreparedQuery,
): Promise<Listed[]> {
  return (await readMatching(db, layout, query)).listed;
}

/**
 * {@link readPage} narrowed by a condition: `exact` says whether SQL decided it, or read a
 * superset the caller must still check with `matchesCondition`.
 */
export async function readMatching(
  db: SqlExecutor,
  layout: Layout,
  query: PreparedQuery,
  condition?: RecordCondition,
): Promise<{ listed: Listed[]; exact: boolean }> {
  if (query.range.empty) return { listed: [], exact: true };
  const limit = Number.isFinite(query.limit) ? query.limit + 1 : null;
  const asc = query.order === "asc";
  const direction = asc ? "ASC" : "DESC";
  const c = new Conditions();
  let exact = true;
  if (condition !== undefined) {
    const compiled = conditionSql(condition, "r", (v) => c.param(v));
    c.parts.push(compiled.sql);
    exact = compiled.exact;
  }
  if (query.index === undefined) {
    c.idRange("r", query.range);
    if (query.after)
      c.parts.push(`r.ik ${asc ? ">" : "<"} decode(${c.param(utf16Hex(query.after.id))}, 'hex')`);
    const { rows } = await db.query<Row>(
      `SELECT r.id, r.revision, r.data FROM ${layout.records(query.collection)} r ${c.where}
       ORDER BY r.ik ${direction}${limit === null ? "" : ` LIMIT ${c.param(limit)}`}`,
      c.params,
    );
    return { listed: rows.map((row) => ({ key: row.id, record: toRecord(row) })), exact };
  }
  const entries = layout.entries(query.collection, query.index);
  c.parts.push(...c.rangeParts("e", query.range));
  if (query.after) {
    const [t, n, s] = keyColumns(query.after.key);
    c.parts.push(
      `(e.t, e.n, e.s, e.ik) ${asc ? ">" : "<"} (${c.param(t)}::int2, ${c.param(n)}::float8, decode(${c.param(s)}, 'hex'), decode(${c.param(utf16Hex(query.after.id))}, 'hex'))`,
    );
  }
  if (query.index.multiEntry) {
    // Skip an entry when the same record has another key in range earlier in the query's order.
    const inner = ["o.ik = e.ik", ...c.rangeParts("o", query.range)];
    c.parts.push(
      `NOT EXISTS (SELECT 1 FROM ${entries} o WHERE ${inner.join(" AND ")} AND (o.t, o.n, o.s) ${asc ? "<" : ">"} (e.t, e.n, e.s))`,
    );
  }
  // The key columns are not selected: a page needs only its last record's key (for the cursor),
  // and the record gives it by the rule that wrote the entries.
  const { rows } = await db.query<Row>(
    `SELECT r.id, r.revision, r.data
     FROM ${entries} e JOIN ${layout.records(query.collection)} r ON r.ik = e.ik
     ${c.where}
     ORDER BY e.t ${direction}, e.n ${direction}, e.s ${direction}, e.ik ${direction}${limit === null ? "" : ` LIMIT ${c.param(limit)}`}`,
    c.params,
  );
  return { listed: rows.map((row) => new IndexRow(toRecord(row), query)), exact };
}

/**
 * A record read through an index; its key is worked out only if asked (a page's cursor needs the
 * last one's): the record's keys in the index, and for a multi-entry index the first in range in
 * the query's order — the entry the query listed it at.
 */
class IndexRow implements Listed {
  readonly record: StoredRecord;
  readonly #query: PreparedQuery;

  constructor(record: StoredRecord, query: PreparedQuery) {
    this.record = record;
    this.#query = query;
  }

  get key(): IndexKey {
    const { index, range, order } = this.#query;
    const keys = extractIndexKeys(this.record, index!);
    return (index!.multiEntry ? listingKey(keys, range, order) : keys[0])!;
  }
}

/** Counts the records a selection matches (each record once). */
export async function countSelection(
  db: SqlExecutor,
  layout: Layout,
  query: PreparedQuery,
): Promise<number> {
  return (await countMatching(db, layout, query))!;
}

/**
 * {@link countSelection} of the records that also match `condition`; `null` when SQL cannot decide
 * the condition exactly (the adapter then counts by reading).
 */
export async function countMatching(
  db: SqlExecutor,
  layout: Layout,
  query: PreparedQuery,
  condition?: RecordCondition,
): Promise<number | null> {
  if (query.range.empty) return 0;
  const c = new Conditions();
  const records = layout.records(query.collection);
  if (condition !== undefined) {
    const compiled = conditionSql(condition, "r", (v) => c.param(v));
    if (!compiled.exact) return null;
    c.parts.push(compiled.sql);
  }
  let sql: string;
  if (query.index === undefined) {
    c.idRange("r", query.range);
    sql = `SELECT count(*) AS count FROM ${records} r ${c.where}`;
  } else {
    c.parts.push(...c.rangeParts("e", query.range));
    const counted = query.index.multiEntry ? "count(DISTINCT e.ik)" : "count(*)";
    const entries = layout.entries(query.collection, query.index);
    // Without a condition an index answers alone: the records are not read.
    const from =
      condition === undefined ? `${entries} e` : `${entries} e JOIN ${records} r ON r.ik = e.ik`;
    sql = `SELECT ${counted} AS count FROM ${from} ${c.where}`;
  }
  const { rows } = await db.query<{ count: string | number }>(sql, c.params);
  return Number(rows[0]?.count ?? 0);
}

/** Reads records by id, in the order asked (null where missing). */
export async function readMany(
  db: SqlExecutor,
  layout: Layout,
  collection: string,
  ids: readonly string[],
): Promise<(StoredRecord | null)[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<Row>(
    `SELECT id, revision, data FROM ${layout.records(collection)} WHERE id = ANY($1::text[])`,
    [[...new Set(ids)]],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    return row === undefined ? null : toRecord(row);
  });
}
