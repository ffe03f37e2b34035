import type { RecordCondition } from "./condition-types.js";

/** A JSON primitive value. */
export type JsonPrimitive = string | number | boolean | null;

/** Any JSON value: what a stored record may contain. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * A value an index can hold: a string, or a finite number. Numbers sort before strings; numbers
 * numerically; strings by UTF-16 code unit (the IndexedDB order). Other values (booleans, null,
 * objects, NaN) are not indexed.
 */
export type IndexKey = string | number;

/**
 * A record as the storage contract sees it: plain JSON with an `id` and a `revision` — read-only,
 * deeply: the memory adapter hands out its stored (frozen) records themselves, other adapters
 * fresh copies, and a caller may rely on neither changing.
 */
export interface StoredRecord {
  /** The record's id, unique in its collection. */
  readonly id: string;
  /** How many times the record has been written: 1 after creation, +1 on each put. */
  readonly revision: number;
  /** The record's other fields. */
  readonly [field: string]: ReadonlyJsonValue;
}

/**
 * A record as an adapter prepares it for storing: its `revision` is the adapter's to set, the rest
 * may not change (its objects and arrays are already frozen).
 */
export interface RecordDraft {
  /** The record's id. */
  readonly id: string;
  /** Set by the adapter before the record is stored. */
  revision: number;
  /** The record's other fields. */
  readonly [field: string]: ReadonlyJsonValue;
}

/** A JSON value that may not be changed: what reads hand out (see {@link StoredRecord}). */
export type ReadonlyJsonValue =
  | JsonPrimitive
  | readonly ReadonlyJsonValue[]
  | { readonly [key: string]: ReadonlyJsonValue };

/**
 * A record to write. Its `revision`, if present, is ignored: the adapter assigns the next one.
 * Properties whose value is `undefined` are dropped, as in JSON.
 */
export interface RecordInput {
  /** The record's id: a non-empty string of at most 512 characters. */
  readonly id: string;
  /** The record's other fields; they must be JSON values. */
  readonly [field: string]: unknown;
}

/** Declares a secondary index on a collection. */
export interface IndexDefinition {
  /** The index name, unique within the collection (letters, digits and `_`). */
  readonly name: string;
  /** The dotted path of the indexed field in the record, e.g. `status` or `scores.global`. */
  readonly path: string;
  /**
   * Whether no two records may share a key in this index.
   * @default false
   */
  readonly unique?: boolean;
  /**
   * Whether an array value yields one index entry per element (tags, for instance).
   * @default false
   */
  readonly multiEntry?: boolean;
}

/** Declares a collection of records and its secondary indexes. */
export interface CollectionDefinition {
  /** The collection name (letters, digits and `_`, starting with a letter). */
  readonly name: string;
  /**
   * The collection's secondary indexes.
   * @default []
   */
  readonly indexes?: readonly IndexDefinition[];
}

/**
 * The collections and indexes a store holds, with a version. A later version may add collections
 * and add, change or drop indexes; adapters migrate existing data when they open a store whose
 * stored version is older. Collections are never dropped by a migration: data is not lost.
 */
export interface StorageSchema {
  /** A positive integer that grows with every change of the definitions. */
  readonly version: number;
  /** The collections. */
  readonly collections: readonly CollectionDefinition[];
}

/**
 * A condition on the keys of an index: `eq` alone, or one lower (`gt` / `gte`) and/or one upper
 * (`lt` / `lte`) bound, all of one type. A numeric range matches only numeric keys, a string range
 * only string keys.
 */
export interface KeyRange {
  /** Keys equal to this one. */
  readonly eq?: IndexKey;
  /** Keys greater than this one. */
  readonly gt?: IndexKey;
  /** Keys greater than or equal to this one. */
  readonly gte?: IndexKey;
  /** Keys lower than this one. */
  readonly lt?: IndexKey;
  /** Keys lower than or equal to this one. */
  readonly lte?: IndexKey;
}

/** Which records a read selects: a collection, optionally narrowed through one index. */
export interface Selection {
  /** The collection to read. */
  readonly collection: string;
  /**
   * The index to read through; omitted, the records are read in id order and `where` applies to
   * the id.
   */
  readonly index?: string;
  /** The keys to select; omitted, every record with a key in the index. */
  readonly where?: KeyRange;
}

/** A paginated read of one index. */
export interface QueryOptions extends Selection {
  /**
   * The order of the results: by index key, then by id.
   * @default "asc"
   */
  readonly order?: "asc" | "desc";
  /**
   * The largest number of records to return.
   * @default unlimited
   */
  readonly limit?: number;
  /** The cursor of the previous page of the same query. */
  readonly cursor?: string | null;
}

/** One page of a query. */
export interface Page {
  /** The records of this page, in query order. A multi-entry match yields its record once. */
  readonly records: StoredRecord[];
  /** Pass it back to get the next page; `null` when there are no more records. */
  readonly cursor: string | null;
}

/** A streaming read in batches. */
export interface ScanOptions extends Selection {
  /**
   * The order of the records.
   * @default "asc"
   */
  readonly order?: "asc" | "desc";
  /**
   * How many records each batch holds at most.
   * @default 500
   */
  readonly batchSize?: number;
}

/** Creates or replaces a record. */
export interface PutOperation {
  /** The operation kind. */
  readonly type: "put";
  /** The collection to write. */
  readonly collection: string;
  /** The record. */
  readonly record: RecordInput;
  /**
   * The revision the stored record must have for the write to apply: `0` means "must not exist".
   * Omitted, the put applies whatever is stored.
   */
  readonly expectedRevision?: number;
}

/** Deletes a record (deleting a missing record is not an error unless a revision is expected). */
export interface DeleteOperation {
  /** The operation kind. */
  readonly type: "delete";
  /** The collection to write. */
  readonly collection: string;
  /** The id of the record to delete. */
  readonly id: string;
  /** The revision the stored record must have for the delete to apply. */
  readonly expectedRevision?: number;
}

/** One operation of a write batch. */
export type WriteOperation = PutOperation | DeleteOperation;

/** What one operation of a batch did. */
export interface WriteOutcome {
  /** The collection written. */
  readonly collection: string;
  /** The record's id. */
  readonly id: string;
  /** The record's revision after the write; `null` after a delete. */
  readonly revision: number | null;
}

/** Abilities an adapter declares, so callers can check them before use. */
export interface StorageCapabilities {
  /** Data survives closing and reopening the store. */
  readonly persistent: boolean;
  /** A write batch applies entirely or not at all. */
  readonly atomicWrites: boolean;
  /** `watch` reports the writes made through this adapter instance. */
  readonly changeNotifications: boolean;
  /** `watch` also reports writes made by other instances (other tabs, other processes). */
  readonly crossInstanceNotifications: boolean;
}

/** A batch of changes reported to {@link StorageAdapter.watch} listeners. */
export interface ChangeBatch {
  /** The records written, in batch order. */
  readonly changes: readonly WriteOutcome[];
  /** `local` for writes through this instance; `remote` for writes by another one. */
  readonly origin: "local" | "remote";
}

/** A listener of change batches. */
export type ChangeListener = (batch: ChangeBatch) => void;

/** Why a store closed, as its `closed` promise reports it. */
export interface StorageClosed {
  /** What closed it: `close() was called`, `another connection upgraded the database`… */
  readonly reason: string;
  /** Whether the host closed it itself (with `close()`), rather than something outside. */
  readonly byHost: boolean;
}

/**
 * The storage contract: what every crmkit storage adapter implements. Adapters know collections,
 * records and indexes, never domain types. Returned records are read-only: each is either the
 * caller's own copy or a deeply frozen snapshot that may be shared (the memory adapter hands out
 * its stored records frozen, without copying); either way no change by a caller reaches the store.
 */
export interface StorageAdapter {
  /** The adapter's name, for error details and test output (e.g. `memory`, `indexeddb`). */
  readonly name: string;
  /** The schema the store was opened with. */
  readonly schema: StorageSchema;
  /** The abilities this adapter has. */
  readonly capabilities: StorageCapabilities;
  /**
   * Reads one record.
   * @returns the record, or `null` when there is none with that id
   * @throws CrmkitError `VALIDATION_FAILED` for an unknown collection
   */
  get(collection: string, id: string): Promise<StoredRecord | null>;
  /**
   * Reads several records at once.
   * @returns one entry per id, in the same order; `null` where there is no record
   */
  getMany(collection: string, ids: readonly string[]): Promise<(StoredRecord | null)[]>;
  /**
   * Reads one page of records selected through an index.
   * @throws CrmkitError `VALIDATION_FAILED` for an unknown collection or index, a bad range or a
   * cursor from another query
   */
  query(options: QueryOptions): Promise<Page>;
  /** Counts the records a selection matches (each record once). */
  count(selection: Selection): Promise<number>;
  /** Streams the records a selection matches in batches, with bounded memory. */
  scan(options: ScanOptions): AsyncIterable<StoredRecord[]>;
  /**
   * Applies a batch of puts and deletes, across collections, atomically and in order.
   * @throws CrmkitError `REVISION_CONFLICT` or `UNIQUE_VIOLATION` (nothing applied),
   * `VALIDATION_FAILED` for malformed operations, `QUOTA_EXCEEDED`, `TRANSACTION_ABORTED`,
   * `STORAGE_FAILURE`
   */
  write(operations: readonly WriteOperation[]): Promise<WriteOutcome[]>;
  /** Deletes every record of one collection, or of all collections. */
  clear(collection?: string): Promise<void>;
  /** Releases the store; later calls throw `STORAGE_CLOSED`. */
  close(): Promise<void>;
  /**
   * Settles once the store is closed, by `close()` or by something outside it (another tab
   * upgrading an IndexedDB database, the browser, a lost server): an application learns of it
   * without waiting for its next call to fail with `STORAGE_CLOSED`. Never rejects.
   */
  readonly closed: Promise<StorageClosed>;
  /**
   * Subscribes to change batches. Present when `capabilities.changeNotifications` is true.
   * @returns a function that unsubscribes
   */
  watch?(listener: ChangeListener): () => void;
  /**
   * Optional: counts the records of a selection that match a condition, evaluated by the storage
   * itself (PostgreSQL compiles it to SQL), so that nothing but the count leaves the store. An
   * adapter that has it has {@link StorageAdapter.queryMatching} too, and both agree with
   * {@link matchesCondition} on every record.
   */
  countMatching?(selection: Selection, condition: RecordCondition): Promise<number>;
  /**
   * Optional: one page of the records of a query that match a condition, in the query's order,
   * with a cursor as {@link StorageAdapter.query} gives (a page may hold fewer than `limit`
   * records only when it is the last).
   */
  queryMatching?(options: QueryOptions, condition: RecordCondition): Promise<Page>;
}
