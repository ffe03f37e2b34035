import {
  assertOpen,
  CloseSignal,
  compareEntries,
  copyJson,
  createSchemaCatalog,
  type IndexKey,
  listingKey,
  type Page,
  type PreparedQuery,
  prepareQuery,
  prepareWrite,
  type QueryOptions,
  revisionConflict,
  revisionMatches,
  type ScanOptions,
  type SchemaCatalog,
  type Selection,
  type StorageAdapter,
  type StorageCapabilities,
  type StorageClosed,
  type StorageSchema,
  type StoredRecord,
  scanByPages,
  toPage,
  uniqueViolation,
  type WriteOperation,
  type WriteOutcome,
} from "@crmkit/core/storage";

/**
 * The storage contract in its plainest form: one `Map` per collection, every read a filter and a
 * sort over all records, every batch applied to a copy that replaces the original only when the
 * whole batch succeeded. Slow by design and easy to check by eye, it is the model the conformance
 * suite compares real adapters with, and the base of the deliberately broken adapters in the
 * suite's own tests.
 *
 * @param schema - the collections and indexes to hold
 * @throws CrmkitError `VALIDATION_FAILED` when the schema is invalid
 */
export function createReferenceStorage(schema: StorageSchema): StorageAdapter {
  return new ReferenceStorage(createSchemaCatalog(schema));
}

class ReferenceStorage implements StorageAdapter {
  readonly name = "reference";
  readonly capabilities: StorageCapabilities = {
    persistent: false,
    atomicWrites: true,
    changeNotifications: false,
    crossInstanceNotifications: false,
  };
  readonly #catalog: SchemaCatalog;
  #data = new Map<string, Map<string, StoredRecord>>();
  #closed = false;
  readonly #closing = new CloseSignal();
  readonly closed: Promise<StorageClosed> = this.#closing.promise;

  constructor(catalog: SchemaCatalog) {
    this.#catalog = catalog;
    for (const name of catalog.collections.keys()) this.#data.set(name, new Map());
  }

  get schema(): StorageSchema {
    return this.#catalog.schema;
  }

  async get(collection: string, id: string): Promise<StoredRecord | null> {
    const record = this.#records(collection).get(id);
    return record ? (copyJson(record) as StoredRecord) : null;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<(StoredRecord | null)[]> {
    const records = this.#records(collection);
    return ids.map((id) => {
      const record = records.get(id);
      return record ? (copyJson(record) as StoredRecord) : null;
    });
  }

  async query(options: QueryOptions): Promise<Page> {
    assertOpen(this.#closed, this.name);
    const query = prepareQuery(this.#catalog, options);
    let listed = this.#listAll(query);
    const { after } = query;
    if (after) {
      const direction = query.order === "asc" ? 1 : -1;
      listed = listed.filter(
        (entry) => direction * compareEntries(entry.key, entry.record.id, after.key, after.id) > 0,
      );
    }
    const page = toPage(query, listed.slice(0, query.limit + 1));
    return {
      records: page.records.map((record) => copyJson(record) as StoredRecord),
      cursor: page.cursor,
    };
  }

  async count(selection: Selection): Promise<number> {
    assertOpen(this.#closed, this.name);
    return this.#listAll(prepareQuery(this.#catalog, selection)).length;
  }

  scan(options: ScanOptions): AsyncIterable<StoredRecord[]> {
    return scanByPages(this, options);
  }

  async write(operations: readonly WriteOperation[]): Promise<WriteOutcome[]> {
    assertOpen(this.#closed, this.name);
    const prepared = prepareWrite(this.#catalog, operations);
    const next = new Map([...this.#data].map(([name, records]) => [name, new Map(records)]));
    const outcomes = prepared.map((operation): WriteOutcome => {
      const records = next.get(operation.collection.name)!;
      const actual = records.get(operation.id)?.revision ?? 0;
      if (!revisionMatches(operation, actual)) throw revisionConflict(operation, actual, this.name);
      if (operation.type === "delete") {
        records.delete(operation.id);
        return { collection: operation.collection.name, id: operation.id, revision: null };
      }
      for (const index of operation.collection.indexes) {
        if (!index.unique) continue;
        for (const key of operation.keys[index.name]!) {
          for (const other of records.values()) {
            if (other.id === operation.id) continue;
            if (keysOf(other, index.name, this.#catalog, operation.collection.name).includes(key)) {
              throw uniqueViolation(operation, index.name, this.name, key);
            }
          }
        }
      }
      operation.record.revision = actual + 1;
      records.set(operation.id, operation.record);
      return { collection: operation.collection.name, id: operation.id, revision: actual + 1 };
    });
    this.#data = next;
    return outcomes;
  }

  async clear(collection?: string): Promise<void> {
    assertOpen(this.#closed, this.name);
    if (collection === undefined) for (const records of this.#data.values()) records.clear();
    else this.#records(collection).clear();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.settle("close() was called", true);
  }

  #records(collection: string): Map<string, StoredRecord> {
    assertOpen(this.#closed, this.name);
    return this.#data.get(this.#catalog.collection(collection).name)!;
  }

  /** Every record the query selects, at its listing key, in query order. */
  #listAll(query: PreparedQuery): { key: IndexKey; record: StoredRecord }[] {
    const listed: { key: IndexKey; record: StoredRecord }[] = [];
    for (const record of this.#data.get(query.collection.name)!.values()) {
      const keys = query.index
        ? keysOf(record, query.index.name, this.#catalog, query.collection.name)
        : [record.id];
      const key = listingKey(keys, query.range, query.order);
      if (key !== undefined) listed.push({ key, record });
    }
    const direction = query.order === "asc" ? 1 : -1;
    return listed.sort(
      (a, b) => direction * compareEntries(a.key, a.record.id, b.key, b.record.id),
    );
  }
}

// Stored records are never mutated, so their keys can be remembered (the unique check reads them
// for every record on every put).
const keyCache = new WeakMap<StoredRecord, Map<string, IndexKey[]>>();

function keysOf(
  record: StoredRecord,
  index: string,
  catalog: SchemaCatalog,
  collection: string,
): IndexKey[] {
  const cached = keyCache.get(record) ?? new Map<string, IndexKey[]>();
  keyCache.set(record, cached);
  const known = cached.get(index);
  if (known) return known;
  const keys = computeKeys(record, index, catalog, collection);
  cached.set(index, keys);
  return keys;
}

function computeKeys(
  record: StoredRecord,
  index: string,
  catalog: SchemaCatalog,
  collection: string,
): IndexKey[] {
  const definition = catalog.index(catalog.collection(collection), index);
  const value = definition.segments.reduce<unknown>(
    (current, segment) =>
      typeof current === "object" && current !== null && !Array.isArray(current)
        ? (current as Record<string, unknown>)[segment]
        : undefined,
    record,
  );
  const values = definition.multiEntry && Array.isArray(value) ? value : [value];
  const keys = values.filter(
    (candidate): candidate is IndexKey =>
      typeof candidate === "string" ||
      (typeof candidate === "number" && Number.isFinite(candidate)),
  );
  return [...new Set(keys.map((key) => (key === 0 ? 0 : key)))].sort((a, b) =>
    compareEntries(a, "", b, ""),
  );
}
