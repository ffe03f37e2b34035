// The example of docs/storage-adapters.md: a storage adapter over any key-value store that can
// read and replace whole values (here a Map standing in for localStorage, a file or a KV service).
// Each collection is one JSON document; a batch builds the next documents and replaces them in one
// step, which is what makes it atomic. Reads scan a collection, so it suits small data sets only.
import {
  assertOpen,
  CloseSignal,
  compareEntries,
  createSchemaCatalog,
  extractIndexKeys,
  type IndexKey,
  listingKey,
  type Page,
  prepareQuery,
  prepareWrite,
  type QueryOptions,
  revisionConflict,
  revisionMatches,
  type ScanOptions,
  type Selection,
  type StorageAdapter,
  type StorageSchema,
  type StoredRecord,
  scanByPages,
  toPage,
  uniqueViolation,
  type WriteOperation,
  type WriteOutcome,
} from "@crmkit/core/storage";

/** The key-value store the adapter sits on: whole values in, whole values out. */
export interface KeyValueStore {
  read(key: string): Promise<string | undefined>;
  replace(entries: ReadonlyMap<string, string>): Promise<void>;
}

type Documents = Map<string, Record<string, StoredRecord>>;

export function createSnapshotStorage(schema: StorageSchema, kv: KeyValueStore): StorageAdapter {
  const catalog = createSchemaCatalog(schema);
  let closed = false;
  const closing = new CloseSignal();
  const load = async (collection: string): Promise<Record<string, StoredRecord>> => {
    assertOpen(closed, "snapshot");
    const name = catalog.collection(collection).name;
    return JSON.parse((await kv.read(name)) ?? "{}") as Record<string, StoredRecord>;
  };
  // Writes are serialised: each batch reads the documents it replaces after the previous one.
  let queue: Promise<unknown> = Promise.resolve();

  const adapter: StorageAdapter = {
    name: "snapshot",
    schema,
    capabilities: {
      persistent: true,
      atomicWrites: true,
      changeNotifications: false,
      crossInstanceNotifications: false,
    },
    async get(collection, id) {
      return (await load(collection))[id] ?? null;
    },
    async getMany(collection, ids) {
      const records = await load(collection);
      return ids.map((id) => records[id] ?? null);
    },
    async query(options: QueryOptions): Promise<Page> {
      const query = prepareQuery(catalog, options);
      const direction = query.order === "asc" ? 1 : -1;
      const listed: { key: IndexKey; record: StoredRecord }[] = [];
      for (const record of Object.values(await load(query.collection.name))) {
        const keys = query.index ? extractIndexKeys(record, query.index) : [record.id];
        const key = listingKey(keys, query.range, query.order);
        const { after } = query;
        if (key === undefined) continue;
        if (after && direction * compareEntries(key, record.id, after.key, after.id) <= 0) continue;
        listed.push({ key, record });
      }
      listed.sort((a, b) => direction * compareEntries(a.key, a.record.id, b.key, b.record.id));
      return toPage(query, listed.slice(0, query.limit + 1));
    },
    async count(selection: Selection) {
      return (await adapter.query(selection)).records.length;
    },
    scan(options: ScanOptions) {
      return scanByPages(adapter, options);
    },
    write(operations: readonly WriteOperation[]): Promise<WriteOutcome[]> {
      const run = queue.then(async () => {
        const prepared = prepareWrite(catalog, operations);
        const documents: Documents = new Map();
        for (const operation of prepared) {
          const name = operation.collection.name;
          if (!documents.has(name)) documents.set(name, await load(name));
        }
        const outcomes = prepared.map((operation): WriteOutcome => {
          const records = documents.get(operation.collection.name)!;
          const actual = records[operation.id]?.revision ?? 0;
          if (!revisionMatches(operation, actual))
            throw revisionConflict(operation, actual, "snapshot");
          if (operation.type === "delete") {
            delete records[operation.id];
            return { collection: operation.collection.name, id: operation.id, revision: null };
          }
          for (const index of operation.collection.indexes.filter(
            (candidate) => candidate.unique,
          )) {
            for (const key of operation.keys[index.name]!) {
              const holder = Object.values(records).find(
                (other) =>
                  other.id !== operation.id && extractIndexKeys(other, index).includes(key),
              );
              if (holder) throw uniqueViolation(operation, index.name, "snapshot", key);
            }
          }
          operation.record.revision = actual + 1;
          records[operation.id] = operation.record;
          return { collection: operation.collection.name, id: operation.id, revision: actual + 1 };
        });
        await kv.replace(
          new Map([...documents].map(([name, records]) => [name, JSON.stringify(records)])),
        );
        return outcomes;
      });
      queue = run.catch(() => {});
      return run;
    },
    async clear(collection) {
      assertOpen(closed, "snapshot");
      const names =
        collection === undefined
          ? [...catalog.collections.keys()]
          : [catalog.collection(collection).name];
      await kv.replace(new Map(names.map((name) => [name, "{}"])));
    },
    async close() {
      closed = true;
      closing.settle("close() was called", true);
    },
    closed: closing.promise,
  };
  return adapter;
}
