import {
  CrmkitError,
  createSchemaCatalog,
  extractIndexKeys,
  type ResolvedCollection,
  type ResolvedIndex,
  type SchemaCatalog,
  type StorageSchema,
  sameIndexDefinition,
} from "@crmkit/core/storage";
import { quoteIdent, type SqlDriver, type SqlExecutor } from "./driver.js";
import { addEntries, type EntryColumns, type Layout, utf16Hex } from "./layout.js";

/**
 * Creates or migrates a store's tables to a schema, once, safely: the whole migration runs in one
 * transaction holding an advisory lock, so two processes starting together migrate one after the
 * other and the second finds the work done. Tables of collections the schema no longer names are
 * kept: a migration never drops data.
 *
 * @throws CrmkitError `SCHEMA_MISMATCH` when the stored schema is newer, or has the same version
 * with other definitions; `UNIQUE_VIOLATION` when a new unique index meets duplicate keys (nothing
 * changed)
 */
export async function migrate(
  driver: SqlDriver,
  layout: Layout,
  catalog: SchemaCatalog,
  adapter: string,
): Promise<void> {
  await driver.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [layout.lockName]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(layout.schema)}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${layout.meta} (key text PRIMARY KEY, value jsonb NOT NULL)`,
    );
    const { rows } = await tx.query<{ value: StorageSchema }>(
      `SELECT value FROM ${layout.meta} WHERE key = 'schema'`,
    );
    const stored = rows[0]?.value;
    const previous = stored === undefined ? undefined : createSchemaCatalog(stored);
    const wanted = catalog.schema.version;
    if (previous !== undefined) {
      const version = previous.schema.version;
      if (version > wanted) {
        throw new CrmkitError(
          "SCHEMA_MISMATCH",
          `The PostgreSQL store "${layout.schema}.${layout.prefix}" is at schema version ${version}, newer than ${wanted}.`,
          { details: { adapter, storedVersion: version, version: wanted } },
        );
      }
      if (version === wanted) {
        if (sameDefinitions(previous, catalog)) return;
        throw new CrmkitError(
          "SCHEMA_MISMATCH",
          `The PostgreSQL store "${layout.schema}.${layout.prefix}" holds other definitions at version ${wanted}: bump the schema version when the schema changes.`,
          { details: { adapter, version: wanted } },
        );
      }
    }
    for (const collection of catalog.collections.values()) {
      const records = layout.records(collection);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS ${records} (
          id text PRIMARY KEY,
          ik bytea NOT NULL UNIQUE,
          revision bigint NOT NULL,
          data jsonb NOT NULL
        )`,
      );
      const before = previous?.collections.get(collection.name);
      for (const old of before?.indexes ?? []) {
        const now = collection.indexByName.get(old.name);
        if (now === undefined || !sameIndexDefinition(old, now))
          await tx.query(`DROP TABLE IF EXISTS ${layout.entries(collection, old)}`);
      }
      for (const index of collection.indexes) {
        const old = before?.indexByName.get(index.name);
        if (old !== undefined && sameIndexDefinition(old, index)) continue;
        await createEntries(tx, layout, collection, index);
        await backfill(tx, layout, collection, index, adapter);
      }
    }
    await tx.query(
      `INSERT INTO ${layout.meta} (key, value) VALUES ('schema', $1::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [JSON.stringify(catalog.schema)],
    );
  });
}

function sameDefinitions(a: SchemaCatalog, b: SchemaCatalog): boolean {
  if (a.collections.size !== b.collections.size) return false;
  for (const [name, collection] of b.collections) {
    const other = a.collections.get(name);
    if (other === undefined || other.indexes.length !== collection.indexes.length) return false;
    for (const index of collection.indexes) {
      const match = other.indexByName.get(index.name);
      if (match === undefined || !sameIndexDefinition(match, index)) return false;
    }
  }
  return true;
}

async function createEntries(
  tx: SqlExecutor,
  layout: Layout,
  collection: ResolvedCollection,
  index: ResolvedIndex,
): Promise<void> {
  const table = layout.entries(collection, index);
  const name = layout.entriesName(collection, index);
  await tx.query(`DROP TABLE IF EXISTS ${table}`);
  // (t, n, s) is the key in the contract's order (numbers first, then strings by UTF-16 code
  // unit); ik is the record id's sort key, the tie-breaker.
  await tx.query(
    `CREATE TABLE ${table} (
      t smallint NOT NULL,
      n double precision NOT NULL,
      s bytea NOT NULL,
      ik bytea NOT NULL,
      PRIMARY KEY (t, n, s, ik)${index.unique ? ",\n      UNIQUE (t, n, s)" : ""}
    )`,
  );
  await tx.query(`CREATE INDEX ${quoteIdent(`${name}_ik`)} ON ${table} (ik, t, n, s)`);
}

async function backfill(
  tx: SqlExecutor,
  layout: Layout,
  collection: ResolvedCollection,
  index: ResolvedIndex,
  adapter: string,
): Promise<void> {
  let after = "";
  for (;;) {
    const { rows } = await tx.query<{ id: string; data: unknown }>(
      `SELECT id, data FROM ${layout.records(collection)} WHERE ik > decode($1, 'hex') ORDER BY ik LIMIT 1000`,
      [after],
    );
    if (rows.length === 0) return;
    const columns: EntryColumns = [[], [], [], []];
    for (const row of rows)
      addEntries(columns, extractIndexKeys(row.data, index), utf16Hex(row.id));
    try {
      await insertEntries(tx, layout.entries(collection, index), columns);
    } catch (error) {
      if ((error as { code?: string }).code === "23505") {
        throw new CrmkitError(
          "UNIQUE_VIOLATION",
          `Migrating to schema version: unique index "${index.name}" of "${collection.name}" meets records with the same key; nothing was changed.`,
          { details: { adapter, collection: collection.name, index: index.name }, cause: error },
        );
      }
      throw error;
    }
    after = utf16Hex(rows[rows.length - 1]!.id);
  }
}

/** Inserts index entries given as columns (type, number, string hex, id sort-key hex). */
export async function insertEntries(
  tx: SqlExecutor,
  table: string,
  [t, n, s, ik]: Readonly<EntryColumns>,
): Promise<void> {
  if (t.length === 0) return;
  await tx.query(
    `INSERT INTO ${table} (t, n, s, ik)
     SELECT t, n, decode(s, 'hex'), decode(ik, 'hex')
     FROM unnest($1::int2[], $2::float8[], $3::text[], $4::text[]) AS u(t, n, s, ik)`,
    [t, n, s, ik],
  );
}
