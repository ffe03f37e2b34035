// Length: one class implements the whole StorageAdapter contract over Maps; indexes and paging
// helpers are shared with the other adapters.
import {
  assertOpen,
  ChangeHub,
  type ChangeListener,
  CloseSignal,
  compareKeys,
  createSchemaCatalog,
  type IndexKey,
  keyInRange,
  listingKey,
  type Page,
  type PreparedOperation,
  type PreparedQuery,
  prepareQuery,
  prepareWrite,
  type QueryOptions,
  type ResolvedCollection,
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
  scanParts,
  toPage,
  uniqueViolation,
  type WriteOperation,
  type WriteOutcome,
} from "@crmkit/core/storage";
import { type Seek, SortedEntries } from "./sorted-entries.js";

/** Options for {@link openMemoryStorage}. */
export interface MemoryStorageOptions {
  /** The collections and indexes to hold. */
  readonly schema: StorageSchema;
}

/**
 * A record's place in the store: one object for the record's whole life, updated in place, so
 * every index entry can point at it and a read walks an index without looking ids up.
 */
interface StoredEntry {
  record: StoredRecord;
  keys: Readonly<Record<string, IndexKey[]>>;
}

/** A record in a batch plan: as stored when the batch began, and as the batch leaves it. */
interface Planned {
  readonly stored: StoredEntry | null;
  next: StoredEntry | null;
}

interface CollectionState {
  readonly definition: ResolvedCollection;
  readonly records: Map<string, StoredEntry>;
  /** Every id, sorted: the primary order for queries without an index. */
  readonly ids: SortedEntries<StoredEntry>;
  readonly indexes: Map<string, SortedEntries<StoredEntry>>;
}

const adapterName = "memory";

/**
 * A storage adapter that keeps everything in memory, with ordered secondary indexes: an index
 * query visits only the entries in its range, never the whole collection. Nothing survives the
 * process; use it for tests, demos and short-lived workers.
 *
 * @throws CrmkitError `VALIDATION_FAILED` when the schema is invalid
 * @example
 * ```ts
 * import { defineStorageSchema } from "@crmkit/core/storage";
 * import { openMemoryStorage } from "@crmkit/storage-memory";
 *
 * const store = await openMemoryStorage({
 *   schema: defineStorageSchema({
 *     version: 1,
 *     collections: [{ name: "contacts", indexes: [{ name: "status", path: "status" }] }],
 *   }),
 * });
 * await store.write([{ type: "put", collection: "contacts", record: { id: "c1", status: "prospect" } }]);
 * const { records } = await store.query({ collection: "contacts", index: "status", where: { eq: "prospect" } });
 * ```
 */
export async function openMemoryStorage(options: MemoryStorageOptions): Promise<MemoryStorage> {
  return new MemoryStorage(createSchemaCatalog(options.schema));
}

/** The in-memory adapter returned by {@link openMemoryStorage}. */
export class MemoryStorage implements StorageAdapter {
  /** The adapter's name: `memory`. */
  readonly name = adapterName;
  /** Memory holds nothing across restarts; batches are atomic; watchers see this instance's writes. */
  readonly capabilities: StorageCapabilities = {
    persistent: false,
    atomicWrites: true,
    changeNotifications: true,
    crossInstanceNotifications: false,
  };
  readonly #catalog: SchemaCatalog;
  readonly #collections = new Map<string, CollectionState>();
  readonly #hub = new ChangeHub();
  #closed = false;
  readonly #closing = new CloseSignal();
  /** Settles when the store is closed. */
  readonly closed: Promise<StorageClosed> = this.#closing.promise;

  /** @internal Use {@link openMemoryStorage}. */
  constructor(catalog: SchemaCatalog) {
    this.#catalog = catalog;
    for (const definition of catalog.collections.values()) {
      this.#collections.set(definition.name, emptyState(definition));
    }
  }

  /** The schema the store was opened with. */
  get schema(): StorageSchema {
    return this.#catalog.schema;
  }

  async get(collection: string, id: string): Promise<StoredRecord | null> {
    const state = this.#state(collection);
    // Stored records are deeply frozen snapshots: handed out as they are, never copied.
    return state.records.get(id)?.record ?? null;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<(StoredRecord | null)[]> {
    const state = this.#state(collection);
    return ids.map((id) => state.records.get(id)?.record ?? null);
  }

  async query(options: QueryOptions): Promise<Page> {
    assertOpen(this.#closed, adapterName);
    const query = prepareQuery(this.#catalog, options);
    const listed: { key: IndexKey; record: StoredRecord }[] = [];
    this.#visit(query, (key, _id, entry) => {
      listed.push({ key, record: entry.record });
      return listed.length <= query.limit;
    });
    return toPage(query, listed);
  }

  async count(selection: Selection): Promise<number> {
    assertOpen(this.#closed, adapterName);
    const query = prepareQuery(this.#catalog, selection);
    if (query.range.empty) return 0;
    const { index, range } = query;
    if (!index?.multiEntry || range.single) {
      // Each record has at most one entry in the range: count entries by position.
      const state = this.#collections.get(query.collection.name)!;
      const entries = index ? state.indexes.get(index.name)! : state.ids;
      const start = startOf({ ...query, order: "asc", after: undefined });
      return Math.max(0, entries.rank(endOf(query)) - (start ? entries.rank(start) : 0));
    }
    let count = 0;
    this.#visit(query, () => {
      count++;
      return true;
    });
    return count;
  }

  /**
   * Streams a selection in batches, walking the ordered index from where the last batch ended:
   * the same records, order and bounds as paging with query cursors, without encoding and checking
   * a cursor for every batch. Writes between batches are seen as a new page's read would see them.
   */
  async *scan(options: ScanOptions): AsyncGenerator<StoredRecord[], void, undefined> {
    const { batchSize, selection } = scanParts(options);
    assertOpen(this.#closed, adapterName);
    const query = prepareQuery(this.#catalog, selection);
    let after: PreparedQuery["after"];
    for (;;) {
      assertOpen(this.#closed, adapterName);
      const batch: StoredRecord[] = [];
      let lastKey: IndexKey = "";
      this.#visit({ ...query, after }, (key, _id, entry) => {
        lastKey = key;
        return batch.push(entry.record) < batchSize;
      });
      if (batch.length > 0) yield batch;
      if (batch.length < batchSize) return;
      after = { key: lastKey, id: batch[batch.length - 1]!.id };
    }
  }

  async write(operations: readonly WriteOperation[]): Promise<WriteOutcome[]> {
    assertOpen(this.#closed, adapterName);
    const prepared = prepareWrite(this.#catalog, operations);
    // Plan every operation against an overlay first; the store is touched only once the whole
    // batch is known to apply, so a conflict anywhere leaves everything as it was.
    const plan = new BatchPlan(this.#collections);
    const outcomes = prepared.map((operation) => plan.apply(operation));
    plan.commit();
    if (this.#hub.active && outcomes.length > 0)
      this.#hub.emit({ changes: outcomes, origin: "local" });
    return outcomes;
  }

  async clear(collection?: string): Promise<void> {
    assertOpen(this.#closed, adapterName);
    const names =
      collection === undefined
        ? [...this.#collections.keys()]
        : [this.#state(collection).definition.name];
    for (const name of names) {
      this.#collections.set(name, emptyState(this.#catalog.collection(name)));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.settle("close() was called", true);
    this.#hub.clear();
    this.#collections.clear();
  }

  watch(listener: ChangeListener): () => void {
    assertOpen(this.#closed, adapterName);
    return this.#hub.subscribe(listener);
  }

  #state(collection: string): CollectionState {
    assertOpen(this.#closed, adapterName);
    const definition = this.#catalog.collection(collection);
    return this.#collections.get(definition.name)!;
  }

  /** Visits the listed entries of a query in order until `visitor` returns false. */
  #visit(
    query: PreparedQuery,
    visitor: (key: IndexKey, id: string, entry: StoredEntry) => boolean,
  ): void {
    if (query.range.empty) return;
    const state = this.#collections.get(query.collection.name)!;
    const { index, range, order } = query;
    const entries = index ? state.indexes.get(index.name)! : state.ids;
    const multiEntry = index?.multiEntry === true;
    const bounded =
      range.lower !== undefined || range.upper !== undefined || range.type !== undefined;
    if (!bounded && !multiEntry) {
      // The whole index in order (a full scan): nothing to check per entry.
      entries.visit(startOf(query), order, visitor);
      return;
    }
    entries.visit(startOf(query), order, (key, id, entry) => {
      if (!keyInRange(key, range)) return !pastEnd(key, query);
      if (multiEntry && listingKey(entry.keys[index!.name]!, range, order) !== key) return true;
      return visitor(key, id, entry);
    });
  }
}

function emptyState(definition: ResolvedCollection): CollectionState {
  return {
    definition,
    records: new Map(),
    ids: new SortedEntries<StoredEntry>(),
    indexes: new Map(
      definition.indexes.map((index) => [index.name, new SortedEntries<StoredEntry>()]),
    ),
  };
}

/** Where iteration starts: just after the cursor, or at the range's first bound in query order. */
function startOf(query: PreparedQuery): Seek | undefined {
  const { after, range, order } = query;
  if (order === "asc") {
    if (after) return { key: after.key, id: after.id, after: true };
    if (range.lower) return { key: range.lower.key, id: null, after: range.lower.open };
    // Strings sort after every number: a string range starts at the smallest string.
    if (range.type === "string") return { key: "", id: null, after: false };
    return undefined;
  }
  if (after) return { key: after.key, id: after.id, after: false };
  if (range.upper) return { key: range.upper.key, id: null, after: !range.upper.open };
  // Numbers sort before every string: a numeric range read backwards starts below the strings.
  if (range.type === "number") return { key: "", id: null, after: false };
  return undefined;
}

/** The place just past the range's last entry in ascending order (undefined: the end). */
function endOf({ range }: PreparedQuery): Seek | undefined {
  if (range.upper) return { key: range.upper.key, id: null, after: !range.upper.open };
  // Strings sort after every number: a numeric range ends where the strings begin.
  if (range.type === "number") return { key: "", id: null, after: false };
  return undefined;
}

/** Whether a key outside the range means no later key (in query order) can be inside it. */
function pastEnd(key: IndexKey, { range, order }: PreparedQuery): boolean {
  if (order === "asc") {
    if (range.type === "number" && typeof key === "string") return true;
    return range.upper !== undefined && compareKeys(key, range.upper.key) >= 0;
  }
  if (range.type === "string" && typeof key === "number") return true;
  return range.lower !== undefined && compareKeys(key, range.lower.key) <= 0;
}

/**
 * The effect of a batch, computed without touching the store: the final state of every record
 * the batch writes, and who holds each unique key the batch touches.
 */
class BatchPlan {
  readonly #collections: Map<string, CollectionState>;
  /**
   * collection → id → the record as stored when the batch began, and its state after the
   * operations planned so far (null: absent, or deleted).
   */
  readonly #overlay = new Map<string, Map<string, Planned>>();
  /** collection → index → key → the id holding it after the operations so far (null: freed). */
  readonly #uniqueHolders = new Map<string, Map<string, Map<IndexKey, string | null>>>();

  constructor(collections: Map<string, CollectionState>) {
    this.#collections = collections;
  }

  apply(operation: PreparedOperation): WriteOutcome {
    const name = operation.collection.name;
    const state = this.#collections.get(name)!;
    const overlay = getOrCreate(this.#overlay, name, () => new Map<string, Planned>());
    let planned = overlay.get(operation.id);
    if (planned === undefined) {
      const stored = state.records.get(operation.id) ?? null;
      planned = { stored, next: stored };
      overlay.set(operation.id, planned);
    }
    const current = planned.next;
    const actualRevision = current?.record.revision ?? 0;
    if (!revisionMatches(operation, actualRevision))
      throw revisionConflict(operation, actualRevision, adapterName);

    if (operation.type === "delete") {
      if (current) this.#moveUniqueKeys(state, operation, current, null);
      planned.next = null;
      return { collection: name, id: operation.id, revision: null };
    }
    operation.record.revision = actualRevision + 1;
    const next: StoredEntry = { record: operation.record, keys: operation.keys };
    this.#moveUniqueKeys(state, operation, current, next);
    planned.next = next;
    return { collection: name, id: operation.id, revision: actualRevision + 1 };
  }

  /** Releases the unique keys `before` held and claims those `after` holds, or throws. */
  #moveUniqueKeys(
    state: CollectionState,
    operation: PreparedOperation,
    before: StoredEntry | null,
    after: StoredEntry | null,
  ): void {
    for (const index of state.definition.indexes) {
      if (!index.unique) continue;
      const holders = getOrCreate(this.#uniqueHolders, state.definition.name, () => new Map());
      const byKey = getOrCreate(holders, index.name, () => new Map<IndexKey, string | null>());
      for (const key of before?.keys[index.name] ?? []) byKey.set(key, null);
      for (const key of after?.keys[index.name] ?? []) {
        const holder = byKey.has(key)
          ? byKey.get(key)!
          : state.indexes.get(index.name)!.holderOtherThan(key, operation.id);
        if (holder !== null && holder !== operation.id) {
          throw uniqueViolation(operation, index.name, adapterName, key);
        }
        byKey.set(key, operation.id);
      }
    }
  }

  /** Applies the planned final states to the store. Cannot fail. */
  commit(): void {
    for (const [name, overlay] of this.#overlay) {
      const state = this.#collections.get(name)!;
      for (const [id, { stored: previous, next }] of overlay) {
        // The record keeps its slot for life: index entries point at it.
        const slot = previous ?? next;
        for (const index of state.definition.indexes) {
          const before = previous?.keys[index.name] ?? [];
          const after = next?.keys[index.name] ?? [];
          if (sameKeys(before, after)) continue;
          const entries = state.indexes.get(index.name)!;
          for (const key of before) entries.delete(key, id);
          for (const key of after) entries.insert(key, id, slot!);
        }
        if (next) {
          // Frozen here, so that every read can hand the record out without a copy; everything in
          // it was frozen as prepareWrite copied it in.
          Object.freeze(next.record);
          if (previous) {
            previous.record = next.record;
            previous.keys = next.keys;
          } else {
            state.records.set(id, next);
            state.ids.insert(id, id, next);
          }
        } else if (previous) {
          state.records.delete(id);
          state.ids.delete(id, id);
        }
      }
    }
  }
}

function sameKeys(a: readonly IndexKey[], b: readonly IndexKey[]): boolean {
  return a.length === b.length && a.every((key, position) => key === b[position]);
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
