// Length: one class implements the whole StorageAdapter contract over IndexedDB transactions.
import {
  ChangeHub,
  type ChangeListener,
  CloseSignal,
  CrmkitError,
  createSchemaCatalog,
  type Page,
  prepareQuery,
  prepareWrite,
  type QueryOptions,
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
  type WriteOperation,
  type WriteOutcome,
} from "@crmkit/core/storage";
import { type IDBPDatabase, openDB, unwrap } from "idb";
import { adapterName, toCrmkitError } from "./errors.js";
import { metaStore, type StoredValue } from "./layout.js";
import { migrate, sameSchema, schemaKey } from "./migrate.js";
import { countSelection, readListed } from "./read.js";
import { writeBatch } from "./write-batch.js";

/** Options for {@link openIndexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /** The IndexedDB database name; one database per crmkit store. */
  readonly name: string;
  /** The collections and indexes to hold. Its version is the database version. */
  readonly schema: StorageSchema;
  /**
   * Whether writes are announced to other tabs and workers of the same origin (through a
   * `BroadcastChannel`), so that their `watch` listeners see them.
   * @default true
   */
  readonly crossTabNotifications?: boolean;
  /**
   * How long an upgrade may wait for other connections to close before failing with
   * `UPGRADE_BLOCKED`. Other crmkit stores close at once; a connection that is still finishing a
   * transaction closes shortly after.
   * @default 5000
   */
  readonly blockedTimeoutMs?: number;
}

interface ChangeMessage {
  readonly changes: readonly WriteOutcome[];
}

/**
 * Opens (creating or migrating as needed) a crmkit store in IndexedDB.
 *
 * Opening with a higher schema version than the stored one migrates in the upgrade transaction:
 * new collections and indexes are created and the keys of new or changed indexes are computed for
 * every existing record. Other connections of older versions (other tabs) close themselves so the
 * upgrade can proceed.
 *
 * @throws CrmkitError `VALIDATION_FAILED` for an invalid schema; `SCHEMA_MISMATCH` when the
 * database has a newer version, or the same version with other definitions; `UPGRADE_BLOCKED` when
 * a connection that is not a crmkit store refuses to close; `UNIQUE_VIOLATION` when a migration
 * adds a unique index that existing records violate; `QUOTA_EXCEEDED` or `TRANSACTION_ABORTED`
 * when a migration cannot complete (a failed migration leaves the database as it was);
 * `STORAGE_FAILURE` otherwise
 * @example
 * ```ts
 * import { openIndexedDbStorage } from "@crmkit/storage-indexeddb";
 *
 * const store = await openIndexedDbStorage({ name: "crm", schema });
 * await store.write([{ type: "put", collection: "contacts", record: { id: "c1", status: "prospect" } }]);
 * ```
 */
export async function openIndexedDbStorage(
  options: IndexedDbStorageOptions,
): Promise<IndexedDbStorage> {
  const catalog = createSchemaCatalog(options.schema);
  const { name } = options;
  let migrationFailure: unknown;
  let transactionFailure: unknown;
  let instance: IndexedDbStorage | undefined;

  let rejectBlocked: (error: CrmkitError) => void = () => {};
  const blocked = new Promise<never>((_, reject) => {
    rejectBlocked = reject;
  });
  const opening = openDB(name, catalog.schema.version, {
    upgrade(db, _oldVersion, _newVersion, transaction) {
      // A failed upgrade rejects the open with a bare AbortError; keep the transaction's own error
      // (a QuotaExceededError, a ConstraintError) to report the real cause.
      transaction.done.catch((error: unknown) => {
        transactionFailure = error;
      });
      migrate(db, transaction, catalog).catch((error: unknown) => {
        migrationFailure = error;
        try {
          transaction.abort();
        } catch {
          // The transaction already aborted (e.g. a new unique index met duplicate keys).
        }
      });
    },
    blocked(currentVersion) {
      const timer = setTimeout(() => {
        rejectBlocked(
          new CrmkitError(
            "UPGRADE_BLOCKED",
            `Upgrading IndexedDB database "${name}" from version ${currentVersion} to ${catalog.schema.version} is blocked by another open connection.`,
            { details: { adapter: adapterName, database: name, currentVersion } },
          ),
        );
      }, options.blockedTimeoutMs ?? 5000);
      opening.then(
        () => clearTimeout(timer),
        () => clearTimeout(timer),
      );
    },
    blocking(_currentVersion, _blockedVersion, event) {
      // Another tab wants to upgrade: step aside rather than block it.
      (event.target as IDBDatabase).close();
      instance?.markClosed("another connection upgraded the database");
    },
    terminated() {
      instance?.markClosed("the browser closed the connection");
    },
  });
  let db: IDBPDatabase;
  try {
    db = await Promise.race([opening, blocked]);
  } catch (error) {
    opening.then(
      (late) => late.close(),
      () => {},
    );
    if (CrmkitError.is(error)) throw error;
    // The transaction's own error names the cause; a request of the migration then only saw an
    // AbortError, and the open request too.
    const cause = [transactionFailure, migrationFailure, error].find(
      (candidate) => candidate instanceof Error && candidate.name !== "AbortError",
    );
    if (cause instanceof Error && cause.name === "ConstraintError") {
      throw new CrmkitError(
        "UNIQUE_VIOLATION",
        `Migrating IndexedDB database "${name}" to version ${catalog.schema.version} failed: a unique index meets records with the same key; the database was left as it was.`,
        { details: { adapter: adapterName, database: name }, cause },
      );
    }
    throw toCrmkitError(cause ?? error, `opening database "${name}"`, { database: name });
  }
  const stored = db.objectStoreNames.contains(metaStore)
    ? ((await db.get(metaStore, schemaKey)) as StorageSchema | undefined)
    : undefined;
  if (!stored || !sameSchema(stored, catalog.schema)) {
    db.close();
    throw new CrmkitError(
      "SCHEMA_MISMATCH",
      `IndexedDB database "${name}" holds other definitions at version ${catalog.schema.version}: bump the schema version when the schema changes.`,
      { details: { adapter: adapterName, database: name } },
    );
  }
  instance = new IndexedDbStorage(db, catalog, options.crossTabNotifications ?? true);
  return instance;
}

/**
 * Deletes a crmkit IndexedDB database and everything in it. Open crmkit stores on it close
 * themselves; the returned promise settles once every connection has closed.
 *
 * @throws CrmkitError `STORAGE_FAILURE` when the browser refuses the deletion
 */
export async function deleteIndexedDbStorage(name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(toCrmkitError(request.error, `deleting database "${name}"`));
  });
}

/** The IndexedDB adapter returned by {@link openIndexedDbStorage}. */
export class IndexedDbStorage implements StorageAdapter {
  /** The adapter's name: `indexeddb`. */
  readonly name = adapterName;
  /** Persistent, atomic, with change notifications across tabs where `BroadcastChannel` exists. */
  readonly capabilities: StorageCapabilities;
  readonly #db: IDBPDatabase;
  readonly #raw: IDBDatabase;
  readonly #catalog: SchemaCatalog;
  readonly #hub = new ChangeHub();
  readonly #channel: BroadcastChannel | undefined;
  readonly #closing = new CloseSignal();
  /**
   * Settles when the store closes: by `close()`, when another tab upgrades the database (this
   * connection then steps aside), or when the browser ends the connection. Writes already under
   * way still settle as they should: committed ones resolve, refused ones reject with
   * `STORAGE_CLOSED` having written nothing.
   */
  readonly closed: Promise<StorageClosed> = this.#closing.promise;

  /** @internal Use {@link openIndexedDbStorage}. */
  constructor(db: IDBPDatabase, catalog: SchemaCatalog, crossTab: boolean) {
    this.#db = db;
    this.#raw = unwrap(db);
    this.#catalog = catalog;
    this.#channel =
      crossTab && typeof BroadcastChannel === "function"
        ? new BroadcastChannel(`crmkit:${db.name}`)
        : undefined;
    if (this.#channel) {
      this.#channel.onmessage = (event: MessageEvent<ChangeMessage>) => {
        this.#hub.emit({ changes: event.data.changes, origin: "remote" });
      };
    }
    this.capabilities = {
      persistent: true,
      atomicWrites: true,
      changeNotifications: true,
      crossInstanceNotifications: this.#channel !== undefined,
    };
  }

  /** The schema the store was opened with. */
  get schema(): StorageSchema {
    return this.#catalog.schema;
  }

  async get(collection: string, id: string): Promise<StoredRecord | null> {
    const [record] = await this.getMany(collection, [id]);
    return record ?? null;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<(StoredRecord | null)[]> {
    this.#assertOpen();
    const name = this.#catalog.collection(collection).name;
    return this.#run(`reading "${name}"`, async () => {
      const store = this.#db.transaction(name, "readonly").store;
      const values = (await Promise.all(ids.map((id) => store.get(id)))) as (
        | StoredValue
        | undefined
      )[];
      return values.map((value) => value?.r ?? null);
    });
  }

  async query(options: QueryOptions): Promise<Page> {
    this.#assertOpen();
    const query = prepareQuery(this.#catalog, options);
    const listed = await this.#run(`querying "${query.collection.name}"`, () =>
      readListed(this.#db, query),
    );
    return toPage(query, listed);
  }

  async count(selection: Selection): Promise<number> {
    this.#assertOpen();
    const query = prepareQuery(this.#catalog, selection);
    return this.#run(`counting "${query.collection.name}"`, () => countSelection(this.#db, query));
  }

  scan(options: ScanOptions): AsyncIterable<StoredRecord[]> {
    return scanByPages(this, options);
  }

  async write(operations: readonly WriteOperation[]): Promise<WriteOutcome[]> {
    this.#assertOpen();
    const prepared = prepareWrite(this.#catalog, operations);
    if (prepared.length === 0) return [];
    const outcomes = await this.#run("writing a batch", () => writeBatch(this.#raw, prepared));
    // The batch is committed: whatever happens to the connection meanwhile (another tab's upgrade
    // closed it, and the channel with it), the caller gets its outcome.
    if (this.#closing.reason === undefined) {
      if (this.#hub.active) this.#hub.emit({ changes: outcomes, origin: "local" });
      try {
        this.#channel?.postMessage({ changes: outcomes } satisfies ChangeMessage);
      } catch {
        // A channel closed in the same turn: the other tabs reload on their own upgrade anyway.
      }
    }
    return outcomes;
  }

  async clear(collection?: string): Promise<void> {
    this.#assertOpen();
    const names =
      collection === undefined
        ? [...this.#catalog.collections.keys()]
        : [this.#catalog.collection(collection).name];
    await this.#run("clearing", async () => {
      const transaction = this.#db.transaction(names, "readwrite");
      await Promise.all([
        ...names.map((name) => transaction.objectStore(name).clear()),
        transaction.done,
      ]);
    });
  }

  async close(): Promise<void> {
    this.markClosed("close() was called", true);
    this.#db.close();
  }

  watch(listener: ChangeListener): () => void {
    this.#assertOpen();
    return this.#hub.subscribe(listener);
  }

  /** @internal Marks the store closed (by the host, another tab's upgrade, or the browser). */
  markClosed(reason: string, byHost = false): void {
    if (!this.#closing.settle(reason, byHost)) return;
    this.#hub.clear();
    this.#channel?.close();
  }

  #assertOpen(): void {
    const closed = this.#closing.reason;
    if (closed !== undefined) {
      throw new CrmkitError("STORAGE_CLOSED", `The IndexedDB store is closed: ${closed.reason}.`, {
        details: { adapter: adapterName, database: this.#db.name },
      });
    }
  }

  async #run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      // A transaction refused or aborted because the connection closed under it wrote nothing.
      const closed = this.#closing.reason;
      if (closed !== undefined && !CrmkitError.is(error))
        throw new CrmkitError(
          "STORAGE_CLOSED",
          `The IndexedDB store closed while ${what}: ${closed.reason}; nothing was written.`,
          { details: { adapter: adapterName, database: this.#db.name }, cause: error },
        );
      throw toCrmkitError(error, what, { database: this.#db.name });
    }
  }
}
