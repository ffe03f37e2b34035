import type {
  DeleteOperation,
  KeyRange,
  PutOperation,
  QueryOptions,
  RecordInput,
  ScanOptions,
  StorageAdapter,
  StoredRecord,
  WriteOutcome,
} from "../storage/index.js";

/** What a collection holds: an object with an id. */
export interface Identified {
  /** The record id. */
  readonly id: string;
}

/** A record as read back: with the revision storage gave it. */
export type Revised<T> = T & { readonly revision: number };

/** A record as written: its `revision` is the adapter's to assign. */
export type Unrevised<T> = Omit<T, "revision"> & { readonly revision?: number };

/** One page of a typed read. */
export interface TablePage<T> {
  /** The records of this page, in query order. */
  readonly records: T[];
  /** The adapter's cursor of the next page; `null` after the last. */
  readonly cursor: string | null;
}

/**
 * The storage contract speaks schema-less JSON (`StoredRecord`); the domains speak their record
 * types. These two functions are the only place where one is taken for the other, and they are
 * sound for the same reason: a collection is written only through its {@link Table}, with values
 * the public boundary has already validated (zod, once) and the storage contract has checked to be
 * JSON, and storage returns what it was given. Re-validating on every read is what the house style
 * rules out on hot paths; the schema/type ties are proved by the type tests instead.
 */
function asRecord<T>(stored: StoredRecord): T {
  return stored as unknown as T;
}

/** {@link asRecord} for a batch, without copying the array. */
function asRecords<T>(stored: StoredRecord[]): T[] {
  return stored as unknown as T[];
}

/** See {@link asRecord}: a typed record is a JSON object with an id, as the contract requires. */
function asInput(record: Identified): RecordInput {
  return record as unknown as RecordInput;
}

/**
 * A typed record seen as the storage contract's JSON record, for the code that works on any
 * collection: the query engine, the change hook. Sound for the reason given at `asRecord`.
 */
export function asStored<T extends Identified>(record: T): StoredRecord {
  return record as unknown as StoredRecord;
}

/**
 * A collection seen with the type of its records: typed reads, and the write operations that put
 * or remove them. Each domain declares the tables it owns next to its record types.
 *
 * @example
 * ```ts
 * const deals = table<Deal>(collections.deals);
 * const deal = await deals.get(storage, "d1"); // Deal | null
 * await storage.write([deals.put({ ...deal, amount: 5_000 }, deal.revision)]);
 * ```
 */
export interface Table<T extends Identified> {
  /** The collection's name. */
  readonly name: string;
  /** Reads one record; `null` when there is none. */
  get(storage: StorageAdapter, id: string): Promise<Revised<T> | null>;
  /** Reads several records, one entry per id, `null` where missing. */
  getMany(storage: StorageAdapter, ids: readonly string[]): Promise<(Revised<T> | null)[]>;
  /** Reads one page through an index (or by id). */
  query(
    storage: StorageAdapter,
    options?: Omit<QueryOptions, "collection">,
  ): Promise<TablePage<Revised<T>>>;
  /** Streams the records in batches. */
  scan(
    storage: StorageAdapter,
    options?: Omit<ScanOptions, "collection">,
  ): AsyncIterable<Revised<T>[]>;
  /** Reads a whole (small) collection, or every record of one index range. */
  all(
    storage: StorageAdapter,
    selection?: { readonly index: string; readonly where: KeyRange },
  ): Promise<Revised<T>[]>;
  /** The operation that writes `record`; `expectedRevision` as in {@link PutOperation}. */
  put(record: Unrevised<T>, expectedRevision?: number): PutOperation;
  /** The operation that deletes the record `id`. */
  remove(id: string, expectedRevision?: number): DeleteOperation;
  /** Takes a record this collection returned through an untyped read (a change batch, a join). */
  cast(record: StoredRecord): Revised<T>;
}

/**
 * The revision a put of a batch gave its record (`write` answers one outcome per operation).
 * @throws Error when the outcome is missing or is a delete's: a bug in the caller or the adapter
 */
export function revisionAfter(outcome: WriteOutcome | undefined): number {
  if (outcome === undefined || outcome.revision === null)
    throw new Error("crmkit: a put's outcome has no revision");
  return outcome.revision;
}

/**
 * A written record with the revision its put got. `Omit<T, "revision"> & { revision }` is `T`, but
 * TypeScript cannot see it for a generic `T`: that is the cast here, and the only reason for it.
 * @throws Error when the outcome has no revision (see {@link revisionAfter})
 */
export function revised<T extends Identified>(
  record: Unrevised<T>,
  outcome: WriteOutcome | undefined,
): Revised<T> {
  return { ...record, revision: revisionAfter(outcome) } as unknown as Revised<T>;
}

/** Declares the typed view of one collection. */
export function table<T extends Identified>(name: string): Table<T> {
  return {
    name,
    async get(storage, id) {
      const record = await storage.get(name, id);
      return record === null ? null : asRecord<Revised<T>>(record);
    },
    async getMany(storage, ids) {
      const records = await storage.getMany(name, ids);
      return records.map((record) => (record === null ? null : asRecord<Revised<T>>(record)));
    },
    async query(storage, options) {
      const page = await storage.query({ ...options, collection: name });
      return { records: asRecords<Revised<T>>(page.records), cursor: page.cursor };
    },
    async *scan(storage, options) {
      for await (const batch of storage.scan({ ...options, collection: name })) {
        yield asRecords<Revised<T>>(batch);
      }
    },
    async all(storage, selection) {
      const out: Revised<T>[] = [];
      for await (const batch of storage.scan({
        collection: name,
        batchSize: 1_000,
        ...selection,
      })) {
        out.push(...asRecords<Revised<T>>(batch));
      }
      return out;
    },
    put(record, expectedRevision) {
      const input = asInput(record);
      return expectedRevision === undefined
        ? { type: "put", collection: name, record: input }
        : { type: "put", collection: name, record: input, expectedRevision };
    },
    remove(id, expectedRevision) {
      return expectedRevision === undefined
        ? { type: "delete", collection: name, id }
        : { type: "delete", collection: name, id, expectedRevision };
    },
    cast: (record) => asRecord<Revised<T>>(record),
  };
}
