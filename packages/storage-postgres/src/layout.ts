import type { IndexKey, ResolvedCollection, ResolvedIndex } from "@crmkit/core/storage";
import { quoteIdent } from "./driver.js";

/**
 * Where a store lives in PostgreSQL: a schema (namespace) and a table-name prefix. Each collection
 * is a table `<prefix><collection>` (id, a sort key, revision, the record as jsonb); each declared
 * index is a table `<prefix><collection>__<index>` of its keys, maintained in the same transaction
 * as the record and read with btree keyset scans.
 */
export class Layout {
  readonly schema: string;
  readonly prefix: string;

  constructor(schema: string, prefix: string) {
    this.schema = schema;
    this.prefix = prefix;
  }

  /** The quoted, schema-qualified name of a table. */
  qualified(table: string): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(table)}`;
  }

  /** The metadata table (the schema definition and version). */
  get meta(): string {
    return this.qualified(tableName(`${this.prefix}meta`));
  }

  /** A collection's record table. */
  records(collection: ResolvedCollection | string): string {
    return this.qualified(this.recordsName(collection));
  }

  /** A collection's record table, unquoted. */
  recordsName(collection: ResolvedCollection | string): string {
    const name = typeof collection === "string" ? collection : collection.name;
    return tableName(`${this.prefix}c_${name}`);
  }

  /** An index's key table. */
  entries(collection: ResolvedCollection | string, index: ResolvedIndex | string): string {
    return this.qualified(this.entriesName(collection, index));
  }

  /** An index's key table, unquoted. */
  entriesName(collection: ResolvedCollection | string, index: ResolvedIndex | string): string {
    const c = typeof collection === "string" ? collection : collection.name;
    const i = typeof index === "string" ? index : index.name;
    return tableName(`${this.prefix}i_${c}__${i}`);
  }

  /** The LISTEN/NOTIFY channel of this store: a plain identifier, whatever the names. */
  get channel(): string {
    return `crmkit_changes_${fnv1a(`${this.schema}\u0000${this.prefix}`)}`;
  }

  /** The advisory-lock key of this store's migrations. */
  get lockName(): string {
    return `crmkit:${this.schema}:${this.prefix}`;
  }
}

const encoder = new TextEncoder();

/**
 * A PostgreSQL identifier of at most 63 bytes: names that would be truncated (and could collide)
 * keep a readable start and end with a hash of the whole name.
 */
export function tableName(name: string): string {
  if (encoder.encode(name).length <= 63) return name;
  let start = name;
  while (encoder.encode(start).length > 50) start = start.slice(0, -1);
  return `${start}_${fnv1a(name)}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/**
 * A string as hex of its UTF-16 code units, big-endian: byte order of the result is the contract's
 * string order (UTF-16 code units), which PostgreSQL's text collations do not give.
 */
export function utf16Hex(text: string): string {
  let hex = "";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0");
  return hex;
}

/** An index key as its three sort columns: type (0 number, 1 string), number, string bytes (hex). */
export function keyColumns(key: IndexKey): [number, number, string] {
  return typeof key === "number" ? [0, key, ""] : [1, 0, utf16Hex(key)];
}

/** Index entries in columns, as `insertEntries` sends them: type, number, string hex, id sort key. */
export type EntryColumns = [number[], number[], string[], string[]];

/** Appends a record's keys in one index (its id's sort key `ik`, hex) to entry columns. */
export function addEntries(columns: EntryColumns, keys: readonly IndexKey[], ik: string): void {
  for (const key of keys) {
    const [t, n, s] = keyColumns(key);
    columns[0].push(t);
    columns[1].push(n);
    columns[2].push(s);
    columns[3].push(ik);
  }
}
