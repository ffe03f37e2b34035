// Length: one class implements the whole StorageAdapter contract in SQL (DDL, errors and the
// driver already live beside it); its write path is to be split when the adapters are reworked for
// speed.
import {
  assertOpen,
  ChangeHub,
  type ChangeListener,
  CloseSignal,
  CrmkitError,
  checkCondition,
  createSchemaCatalog,
  matchesCondition,
  type Page,
  type PreparedOperation,
  type PreparedPut,
  prepareQuery,
  prepareWrite,
  type QueryOptions,
  type RecordCondition,
  revisionConflict,
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
import {
  type PgliteDatabase,
  type PgPool,
  pgliteDriver,
  poolDriver,
  type SqlDriver,
  type SqlExecutor,
} from "./driver.js";
import { adapterName, toCrmkitError } from "./errors.js";
import { addEntries, type EntryColumns, keyColumns, Layout, utf16Hex } from "./layout.js";
import { insertEntries, migrate } from "./migrate.js";
import {
  countMatching,
  countSelection,
  type Listed,
  readMany,
  readMatching,
  readPage,
} from "./read.js";

/** Where the store's data lives: a PostgreSQL server or an embedded PGlite. */
export type PostgresConnection =
  | {
      /** A connection string (`postgres://user:pass@host:5432/db`): the adapter opens a pool. */
      readonly connectionString: string;
      /** The pool's size. @defaultValue 10 */
      readonly maxConnections?: number;
    }
  | {
      /** An existing `pg` pool (a `pg.Pool`); the adapter never ends it. */
      readonly pool: PgPool;
    }
  | {
      /** An existing PGlite instance (a `PGlite`); the adapter never closes it. */
      readonly pglite: PgliteDatabase;
    }
  | {
      /**
       * A PGlite data directory (a folder in Node, `idb://name` in a browser), opened by the adapter;
       * omitted, PGlite keeps everything in memory.
       */
      readonly dataDir?: string;
    };

/** Options of {@link openPostgresStorage}. */
export interface PostgresStorageOptions {
  /** The collections and indexes to hold; a higher version migrates the stored tables. */
  readonly schema: StorageSchema;
  /**
   * The database.
   * @defaultValue an in-memory PGlite
   */
  readonly connection?: PostgresConnection;
  /**
   * The PostgreSQL schema (namespace) of the tables; created if missing.
   * @defaultValue "public"
   */
  readonly schemaName?: string;
  /**
   * The prefix of every table name, so several stores can share one schema.
   * @defaultValue "crmkit_"
   */
  readonly tablePrefix?: string;
}

const capabilities: StorageCapabilities = {
  persistent: true,
  atomicWrites: true,
  changeNotifications: true,
  crossInstanceNotifications: true,
};

/** Payload of a change notification; large batches are split over several. */
interface Notice {
  readonly from: string;
  readonly changes: WriteOutcome[];
}

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;

/**
 * Opens a crmkit store in PostgreSQL — a real server through `pg`, or PGlite (PostgreSQL compiled
 * to WebAssembly, in process) by default. Creates or migrates the tables to the schema once, under
 * an advisory lock, even when several processes start together.
 *
 * Each collection is a table of records (jsonb) with their revision; each index a table of keys in
 * the contract's order, written in the same transaction. A write batch is one transaction;
 * `expectedRevision` is checked by the statement itself, so no update is lost between servers.
 * Writes are announced with NOTIFY: `watch` sees other processes' writes (`origin: "remote"`).
 *
 * @throws CrmkitError `VALIDATION_FAILED` for an invalid schema or options, `SCHEMA_MISMATCH` when
 * the stored schema is newer (or differs at the same version), `STORAGE_FAILURE` when the database
 * cannot be reached
 * @example
 * ```ts
 * const storage = await openPostgresStorage({
 *   schema: crmStorageSchema,
 *   connection: { connectionString: process.env.DATABASE_URL! },
 * });
 * const crm = await createCrm({ storage });
 * ```
 */
export async function openPostgresStorage(
  options: PostgresStorageOptions,
): Promise<StorageAdapter> {
  const catalog = createSchemaCatalog(options.schema);
  const schemaName = options.schemaName ?? "public";
  const prefix = options.tablePrefix ?? "crmkit_";
  if (schemaName.length === 0) {
    throw new CrmkitError("VALIDATION_FAILED", "The schema name must not be empty.", {
      details: { path: ["schemaName"] },
    });
  }
  const driver = await openDriver(options.connection ?? {});
  const layout = new Layout(schemaName, prefix);
  try {
    await migrate(driver, layout, catalog, adapterName);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw toCrmkitError(error, "opening the store");
  }
  return new PostgresStorage(driver, layout, catalog);
}

async function openDriver(connection: PostgresConnection): Promise<SqlDriver> {
  if ("pool" in connection) return poolDriver(connection.pool, false);
  if ("pglite" in connection) return pgliteDriver(connection.pglite, false);
  if ("connectionString" in connection) {
    const { default: driver } = await optionalPeer("pg", () => import("pg"));
    const pool = new driver.Pool({
      connectionString: connection.connectionString,
      max: connection.maxConnections ?? 10,
    });
    // An idle client losing its connection must not crash the process; the next query reports it.
    pool.on("error", () => undefined);
    return poolDriver(pool, true);
  }
  const { PGlite: Embedded } = await optionalPeer(
    "@electric-sql/pglite",
    () => import("@electric-sql/pglite"),
  );
  const db = await Embedded.create(
    connection.dataDir === undefined ? {} : { dataDir: connection.dataDir },
  );
  return pgliteDriver(db, true);
}

/**
 * Loads a driver only when a connection needs it: `pg` and PGlite are optional peers, so a `pg`
 * user neither installs nor loads PGlite, and the other way round.
 */
async function optionalPeer<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw error;
    throw new CrmkitError(
      "CAPABILITY_MISSING",
      `This connection needs the "${name}" package: install it next to @crmkit/storage-postgres.`,
      { details: { package: name }, cause: error },
    );
  }
}

class PostgresStorage implements StorageAdapter {
  readonly name = adapterName;
  readonly capabilities = capabilities;
  readonly #driver: SqlDriver;
  readonly #layout: Layout;
  readonly #catalog: SchemaCatalog;
  readonly #hub = new ChangeHub();
  // Tells this instance's own notifications from other processes'.
  readonly #instance = crypto.randomUUID();
  #closed = false;
  readonly #closing = new CloseSignal();
  /** Settles when the store is closed. */
  readonly closed: Promise<StorageClosed> = this.#closing.promise;
  #unlisten: Promise<() => Promise<void>> | null = null;

  constructor(driver: SqlDriver, layout: Layout, catalog: SchemaCatalog) {
    this.#driver = driver;
    this.#layout = layout;
    this.#catalog = catalog;
  }

  get schema(): StorageSchema {
    return this.#catalog.schema;
  }

  async get(collection: string, id: string): Promise<StoredRecord | null> {
    return (await this.getMany(collection, [id]))[0] ?? null;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<(StoredRecord | null)[]> {
    assertOpen(this.#closed, adapterName);
    const resolved = this.#catalog.collection(collection);
    return this.#read(() => readMany(this.#driver, this.#layout, resolved.name, ids), "reading");
  }

  async query(options: QueryOptions): Promise<Page> {
    assertOpen(this.#closed, adapterName);
    const query = prepareQuery(this.#catalog, options);
    const listed = await this.#read(() => readPage(this.#driver, this.#layout, query), "querying");
    return toPage(query, listed);
  }

  async count(selection: Selection): Promise<number> {
    assertOpen(this.#closed, adapterName);
    const query = prepareQuery(this.#catalog, selection);
    return this.#read(() => countSelection(this.#driver, this.#layout, query), "counting");
  }

  /**
   * Counts in SQL: the condition is compiled to a WHERE clause over the records' jsonb (parameters
   * only), so only the number leaves the server. A condition SQL cannot decide exactly (see
   * `conditions.ts`) is counted by reading its candidates and checking each.
   */
  async countMatching(selection: Selection, condition: RecordCondition): Promise<number> {
    assertOpen(this.#closed, adapterName);
    const checked = checkCondition(condition);
    const query = prepareQuery(this.#catalog, selection);
    const count = await this.#read(
      () => countMatching(this.#driver, this.#layout, query, checked),
      "counting",
    );
    if (count !== null) return count;
    let counted = 0;
    let cursor: string | null = null;
    do {
      const page: Page = await this.queryMatching({ ...selection, limit: 1_000, cursor }, checked);
      counted += page.records.length;
      cursor = page.cursor;
    } while (cursor !== null);
    return counted;
  }

  /**
   * One page of the records matching a condition: SQL selects them (or a superset, checked here
   * with `matchesCondition` when SQL cannot decide exactly), in the query's order.
   */
  async queryMatching(options: QueryOptions, condition: RecordCondition): Promise<Page> {
    assertOpen(this.#closed, adapterName);
    const checked = checkCondition(condition);
    const query = prepareQuery(this.#catalog, options);
    // SQL selects the matches, or a superset read page by page (pages of the query's own size)
    // until limit + 1 matches, or the end, are known.
    const matched: Listed[] = [];
    let after = query.after;
    for (;;) {
      const batch = { ...query, after };
      const { listed, exact } = await this.#read(
        () => readMatching(this.#driver, this.#layout, batch, checked),
        "querying",
      );
      if (exact) return toPage(query, listed);
      for (const entry of listed.slice(0, query.limit)) {
        if (matchesCondition(entry.record, checked)) matched.push(entry);
        if (matched.length > query.limit) return toPage(query, matched);
      }
      if (listed.length <= query.limit) return toPage(query, matched);
      const last = listed[query.limit - 1]!;
      after = { key: last.key, id: last.record.id };
    }
  }

  scan(options: ScanOptions): AsyncIterable<StoredRecord[]> {
    return scanByPages(this, options);
  }

  async write(operations: readonly WriteOperation[]): Promise<WriteOutcome[]> {
    assertOpen(this.#closed, adapterName);
    const prepared = prepareWrite(this.#catalog, operations);
    if (prepared.length === 0) return [];
    let outcomes: WriteOutcome[];
    try {
      outcomes = await this.#driver.transaction(async (tx) => {
        const done = await applyBatch(tx, this.#layout, prepared);
        await this.#announce(tx, done);
        return done;
      });
    } catch (error) {
      throw toCrmkitError(error, "writing a batch");
    }
    if (this.#hub.active) this.#hub.emit({ changes: outcomes, origin: "local" });
    return outcomes;
  }

  async clear(collection?: string): Promise<void> {
    assertOpen(this.#closed, adapterName);
    const collections =
      collection === undefined
        ? [...this.#catalog.collections.values()]
        : [this.#catalog.collection(collection)];
    const tables = collections.flatMap((c) => [
      this.#layout.records(c),
      ...c.indexes.map((index) => this.#layout.entries(c, index)),
    ]);
    try {
      await this.#driver.query(`TRUNCATE ${tables.join(", ")}`);
    } catch (error) {
      throw toCrmkitError(error, "clearing");
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.settle("close() was called", true);
    this.#hub.clear();
    const unlisten = this.#unlisten;
    this.#unlisten = null;
    const stop = await unlisten?.catch(() => undefined);
    await stop?.().catch(() => undefined);
    await this.#driver.close();
  }

  watch(listener: ChangeListener): () => void {
    assertOpen(this.#closed, adapterName);
    const unsubscribe = this.#hub.subscribe(listener);
    if (this.#unlisten === null) {
      const listening = this.#driver.listen(this.#layout.channel, (payload) =>
        this.#received(payload),
      );
      this.#unlisten = listening;
      // A failure to LISTEN surfaces like a listener error: asynchronously, without failing
      // writes; the next watch tries again.
      listening.catch((error) => {
        if (this.#unlisten === listening) this.#unlisten = null;
        queueMicrotask(() => {
          throw toCrmkitError(error, "listening for other processes' writes");
        });
      });
    }
    return unsubscribe;
  }

  #received(payload: string): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload) as Notice;
    } catch {
      return;
    }
    if (notice.from === this.#instance || this.#closed) return;
    this.#hub.emit({ changes: notice.changes, origin: "remote" });
  }

  async #announce(tx: SqlExecutor, outcomes: readonly WriteOutcome[]): Promise<void> {
    // pg_notify inside the transaction is delivered on commit only, so a rolled-back batch is never
    // announced. Changes are packed into payloads under PostgreSQL's 8,000-byte limit, all sent in
    // one statement.
    const payloads: string[] = [];
    const head = `{"from":${JSON.stringify(this.#instance)},"changes":[`;
    let body: string[] = [];
    let size = byteLength(head) + 2;
    for (const change of outcomes) {
      const item = JSON.stringify(change);
      const itemSize = byteLength(item) + 1;
      if (body.length > 0 && size + itemSize > 7_900) {
        payloads.push(`${head}${body.join(",")}]}`);
        body = [];
        size = byteLength(head) + 2;
      }
      body.push(item);
      size += itemSize;
    }
    if (body.length > 0) payloads.push(`${head}${body.join(",")}]}`);
    await tx.query("SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload", [
      this.#layout.channel,
      payloads,
    ]);
  }

  async #read<T>(work: () => Promise<T>, what: string): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toCrmkitError(error, what);
    }
  }
}

/**
 * Applies a batch inside a transaction, in order. Runs of plain puts (no expected revision) into one
 * collection go as multi-row statements when no unique key changes hands inside the run; everything
 * else statement by statement, so that a revision or unique check names the exact operation.
 */
async function applyBatch(
  tx: SqlExecutor,
  layout: Layout,
  operations: readonly PreparedOperation[],
): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = new Array(operations.length);
  let i = 0;
  while (i < operations.length) {
    const run = plainRun(operations, i);
    const revisions = run.length > 1 ? await putMany(tx, layout, run) : null;
    if (revisions !== null) {
      run.forEach((op, k) => {
        outcomes[op.opIndex] = {
          collection: op.collection.name,
          id: op.id,
          revision: revisions[k]!,
        };
      });
      i += run.length;
      continue;
    }
    // One at a time: a single operation, or a run whose unique keys change hands.
    for (const op of run.length > 1 ? run : [operations[i]!]) {
      outcomes[op.opIndex] = {
        collection: op.collection.name,
        id: op.id,
        revision:
          op.type === "put" ? await putOne(tx, layout, op) : await deleteOne(tx, layout, op),
      };
    }
    i += Math.max(run.length, 1);
  }
  return outcomes;
}

/** The longest run (at most 1,000) of plain puts from `start` into one collection, with distinct ids. */
function plainRun(operations: readonly PreparedOperation[], start: number): PreparedPut[] {
  const first = operations[start]!;
  // Upserts (no expected revision) or creations (expected revision 0), not mixed.
  if (first.type !== "put" || (first.expectedRevision ?? 0) !== 0) return [];
  const run: PreparedPut[] = [];
  const ids = new Set<string>();
  for (let i = start; i < operations.length && run.length < 1_000; i++) {
    const op = operations[i]!;
    if (
      op.type !== "put" ||
      op.expectedRevision !== first.expectedRevision ||
      op.collection !== first.collection
    )
      break;
    if (ids.has(op.id)) break;
    ids.add(op.id);
    run.push(op);
  }
  return run;
}

function dataOf(op: PreparedPut): string {
  const { revision: _revision, ...data } = op.record as StoredRecord & { revision?: number };
  return JSON.stringify(data);
}

/**
 * Writes a run of plain puts with multi-row statements, or returns `null` (having written nothing)
 * when a unique key the run claims is held by another record or claimed twice: applied one by one,
 * that run must fail (or succeed) at the exact operation, as the contract orders it.
 */
async function putMany(
  tx: SqlExecutor,
  layout: Layout,
  run: readonly PreparedPut[],
): Promise<number[] | null> {
  const collection = run[0]!.collection;
  const records = layout.records(collection);
  const iks = run.map((op) => utf16Hex(op.id));
  for (const index of collection.indexes) {
    if (!index.unique) continue;
    const claims: EntryColumns = [[], [], [], []];
    const seen = new Set<string>();
    for (const [k, op] of run.entries()) {
      for (const key of op.keys[index.name] ?? []) {
        const [t, n, s] = keyColumns(key);
        const id = `${t}|${n}|${s}`;
        if (seen.has(id)) return null;
        seen.add(id);
        claims[0].push(t);
        claims[1].push(n);
        claims[2].push(s);
        claims[3].push(iks[k]!);
      }
    }
    if (claims[0].length === 0) continue;
    const { rows } = await tx.query(
      `SELECT 1 FROM unnest($1::int2[], $2::float8[], $3::text[], $4::text[]) AS u(t, n, s, claimant)
       JOIN ${layout.entries(collection, index)} e ON e.t = u.t AND e.n = u.n AND e.s = decode(u.s, 'hex')
       WHERE e.ik <> decode(u.claimant, 'hex') LIMIT 1`,
      claims,
    );
    if (rows.length > 0) return null;
  }
  const create = run[0]!.expectedRevision === 0;
  // A creation skips a row that exists (stored before, or inserted meanwhile by another
  // transaction, whichever unique index — id or ik — notices first): the first skipped one is the
  // operation that fails, as one by one it would; the batch's transaction then writes nothing. An
  // upsert racing such an insert is refused as a revision conflict.
  const { rows } = await raceAsConflict(run[0]!, () =>
    tx.query<{ id: string; revision: string | number }>(
      `INSERT INTO ${records} AS r (id, ik, revision, data)
       SELECT id, decode(ik, 'hex'), 1, data::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, ik, data)
       ON CONFLICT ${create ? "DO NOTHING" : "(id) DO UPDATE SET revision = r.revision + 1, data = excluded.data"}
       RETURNING id, revision`,
      [run.map((op) => op.id), iks, run.map(dataOf)],
    ),
  );
  if (rows.length < run.length) {
    const created = new Set(rows.map((row) => row.id));
    const op = run.find((candidate) => !created.has(candidate.id))!;
    throw revisionConflict(op, await currentRevision(tx, layout, op), adapterName);
  }
  const revisions = new Map(rows.map((row) => [row.id, Number(row.revision)]));
  // Only records that existed before (revision above 1) can have index entries to replace: a
  // creation deletes nothing.
  const replaced = iks.filter((_, k) => revisions.get(run[k]!.id)! > 1);
  for (const index of collection.indexes) {
    const table = layout.entries(collection, index);
    if (replaced.length > 0)
      await tx.query(
        `DELETE FROM ${table} WHERE ik IN (SELECT decode(x, 'hex') FROM unnest($1::text[]) AS x)`,
        [replaced],
      );
    const columns: EntryColumns = [[], [], [], []];
    for (const [k, op] of run.entries()) addEntries(columns, op.keys[index.name] ?? [], iks[k]!);
    await insertEntries(tx, table, columns);
  }
  return run.map((op) => revisions.get(op.id)!);
}

async function currentRevision(
  tx: SqlExecutor,
  layout: Layout,
  op: PreparedOperation,
): Promise<number> {
  const { rows } = await tx.query<{ revision: string | number }>(
    `SELECT revision FROM ${layout.records(op.collection)} WHERE id = $1`,
    [op.id],
  );
  return rows[0] === undefined ? 0 : Number(rows[0].revision);
}

/**
 * Runs an insert that another transaction may race on the same record id: the unique index it
 * meets first may be one `ON CONFLICT (id)` does not arbitrate (`ik`), which PostgreSQL reports as
 * a unique violation. That is a revision conflict — the record now exists — not a storage failure.
 */
async function raceAsConflict<T>(op: PreparedOperation, insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    if ((error as { code?: string }).code === "23505") throw revisionConflict(op, 1, adapterName);
    throw error;
  }
}

async function putOne(tx: SqlExecutor, layout: Layout, op: PreparedPut): Promise<number> {
  const records = layout.records(op.collection);
  const ik = utf16Hex(op.id);
  const data = dataOf(op);
  let rows: { revision: string | number }[];
  if (op.expectedRevision === undefined) {
    ({ rows } = await raceAsConflict(op, () =>
      tx.query<{ revision: string | number }>(
        `INSERT INTO ${records} AS r (id, ik, revision, data) VALUES ($1, decode($2, 'hex'), 1, $3::jsonb)
         ON CONFLICT (id) DO UPDATE SET revision = r.revision + 1, data = excluded.data RETURNING revision`,
        [op.id, ik, data],
      ),
    ));
  } else if (op.expectedRevision === 0) {
    // No conflict target: a concurrent insert of the same record is skipped whichever of its
    // unique indexes (id, ik) sees it first, and reported below as a revision conflict.
    ({ rows } = await tx.query<{ revision: string | number }>(
      `INSERT INTO ${records} (id, ik, revision, data) VALUES ($1, decode($2, 'hex'), 1, $3::jsonb)
       ON CONFLICT DO NOTHING RETURNING revision`,
      [op.id, ik, data],
    ));
  } else {
    ({ rows } = await tx.query<{ revision: string | number }>(
      `UPDATE ${records} SET revision = revision + 1, data = $2::jsonb
       WHERE id = $1 AND revision = $3 RETURNING revision`,
      [op.id, data, op.expectedRevision],
    ));
  }
  if (rows[0] === undefined)
    throw revisionConflict(op, await currentRevision(tx, layout, op), adapterName);
  const revision = Number(rows[0].revision);
  for (const index of op.collection.indexes) {
    const table = layout.entries(op.collection, index);
    // A record at revision 1 was just created: it has no entries to replace.
    if (revision > 1) await tx.query(`DELETE FROM ${table} WHERE ik = decode($1, 'hex')`, [ik]);
    const keys = op.keys[index.name] ?? [];
    if (keys.length === 0) continue;
    if (index.unique) {
      for (const key of keys) {
        const [t, n, s] = keyColumns(key);
        const held = await tx.query(
          `SELECT 1 FROM ${table} WHERE t = $1 AND n = $2 AND s = decode($3, 'hex') LIMIT 1`,
          [t, n, s],
        );
        if (held.rows.length > 0) throw uniqueViolation(op, index.name, adapterName, key);
      }
    }
    const columns: EntryColumns = [[], [], [], []];
    addEntries(columns, keys, ik);
    try {
      await insertEntries(tx, table, columns);
    } catch (error) {
      // Another transaction took the key between the check and the insert.
      if ((error as { code?: string }).code === "23505")
        throw uniqueViolation(op, index.name, adapterName);
      throw error;
    }
  }
  return revision;
}

async function deleteOne(tx: SqlExecutor, layout: Layout, op: PreparedOperation): Promise<null> {
  const records = layout.records(op.collection);
  if (op.expectedRevision === 0) {
    const actual = await currentRevision(tx, layout, op);
    if (actual !== 0) throw revisionConflict(op, actual, adapterName);
    return null;
  }
  const { rows } =
    op.expectedRevision === undefined
      ? await tx.query(`DELETE FROM ${records} WHERE id = $1 RETURNING ik`, [op.id])
      : await tx.query(`DELETE FROM ${records} WHERE id = $1 AND revision = $2 RETURNING ik`, [
          op.id,
          op.expectedRevision,
        ]);
  if (rows.length === 0 && op.expectedRevision !== undefined)
    throw revisionConflict(op, await currentRevision(tx, layout, op), adapterName);
  if (rows.length > 0) {
    for (const index of op.collection.indexes)
      await tx.query(
        `DELETE FROM ${layout.entries(op.collection, index)} WHERE ik = decode($1, 'hex')`,
        [utf16Hex(op.id)],
      );
  }
  return null;
}
