import {
  createSchemaCatalog,
  extractIndexKeys,
  type ResolvedIndex,
  type SchemaCatalog,
  type StorageSchema,
  sameIndexDefinition,
} from "@crmkit/core/storage";
import type { IDBPDatabase, IDBPTransaction } from "idb";
import { keyPathOf, metaStore, type StoredValue } from "./layout.js";

/** The key under which the schema is kept in the metadata store. */
export const schemaKey = "schema";

/**
 * Brings a database to a schema inside its `versionchange` transaction: creates missing object
 * stores, rebuilds the keys of every index that is new or whose definition changed (one cursor
 * pass over the collection), drops indexes no longer declared, and records the schema. Object
 * stores of collections the schema no longer names are kept: a migration never drops data.
 *
 * Only requests of the upgrade transaction are awaited, so the transaction stays alive throughout.
 */
export async function migrate(
  db: IDBPDatabase,
  transaction: IDBPTransaction<unknown, string[], "versionchange">,
  catalog: SchemaCatalog,
): Promise<void> {
  let previous: SchemaCatalog | undefined;
  if (db.objectStoreNames.contains(metaStore)) {
    const stored = (await transaction.objectStore(metaStore).get(schemaKey)) as
      | StorageSchema
      | undefined;
    previous = stored ? createSchemaCatalog(stored) : undefined;
  } else {
    db.createObjectStore(metaStore);
  }

  for (const collection of catalog.collections.values()) {
    const store = db.objectStoreNames.contains(collection.name)
      ? transaction.objectStore(collection.name)
      : db.createObjectStore(collection.name, { keyPath: "id" });
    const before = previous?.collections.get(collection.name);
    const rebuilt: ResolvedIndex[] = collection.indexes.filter((index) => {
      const old = before?.indexByName.get(index.name);
      return (
        old === undefined ||
        !sameIndexDefinition(old, index) ||
        !store.indexNames.contains(index.name)
      );
    });
    const dropped = [...store.indexNames].filter((name) => !collection.indexByName.has(name));
    for (const name of [...dropped, ...rebuilt.map((index) => index.name)]) {
      if (store.indexNames.contains(name)) store.deleteIndex(name);
    }
    if (rebuilt.length > 0 || dropped.length > 0) {
      let cursor = await store.openCursor();
      while (cursor) {
        const value = cursor.value as StoredValue;
        for (const name of dropped) delete value.k[name];
        for (const index of rebuilt) {
          const keys = extractIndexKeys(value.r, index);
          if (index.multiEntry) value.k[index.name] = keys;
          else if (keys.length === 1) value.k[index.name] = keys[0]!;
          else delete value.k[index.name];
        }
        await cursor.update(value);
        cursor = await cursor.continue();
      }
    }
    for (const index of rebuilt) {
      store.createIndex(index.name, keyPathOf(index), {
        unique: index.unique,
        multiEntry: index.multiEntry,
      });
    }
  }
  await transaction.objectStore(metaStore).put(catalog.schema, schemaKey);
}

/** Tells whether two schemas declare the same collections and indexes (order-insensitive). */
export function sameSchema(a: StorageSchema, b: StorageSchema): boolean {
  const describe = (schema: StorageSchema): string =>
    JSON.stringify(
      [...createSchemaCatalog(schema).collections.values()]
        .map((collection) => ({
          name: collection.name,
          indexes: collection.indexes
            .map(({ name, path, unique, multiEntry }) => ({ name, path, unique, multiEntry }))
            .sort((x, y) => x.name.localeCompare(y.name)),
        }))
        .sort((x, y) => x.name.localeCompare(y.name)),
    );
  return a.version === b.version && describe(a) === describe(b);
}
