// The adapter's declarations name neither `pg` nor PGlite: both are optional peers, so a project
// with one of them type-checks without the other. These are the parts of each the adapter uses;
// a `pg.Pool` and a `PGlite` satisfy them.

/** The rows a query returns. */
export interface QueryRows<Row = unknown> {
  /** The rows, in the order the query gives. */
  readonly rows: Row[];
}

/** What the adapter uses of a `pg` client (a pool's connection). */
export interface PgClient {
  /** Runs a query. */
  query(text: string, values?: unknown[]): Promise<QueryRows>;
  /** Gives the connection back to the pool (`true`: it is broken, destroy it). */
  release(destroy?: boolean): void;
  /** Listens to `NOTIFY` messages. */
  on(event: "notification", listener: (message: PgNotification) => void): unknown;
  /** Stops listening. */
  off(event: "notification", listener: (message: PgNotification) => void): unknown;
}

/** A `NOTIFY` message as `pg` delivers it. */
export interface PgNotification {
  /** The channel. */
  readonly channel: string;
  /** The payload, if any. */
  readonly payload?: string | undefined;
}

/** What the adapter uses of a `pg.Pool`. */
export interface PgPool {
  /** Runs a query on any connection. */
  query(text: string, values?: unknown[]): Promise<QueryRows>;
  /** Takes a connection. */
  connect(): Promise<PgClient>;
  /** Closes every connection. */
  end(): Promise<void>;
}

/** What the adapter uses of a PGlite instance (or one of its transactions). */
export interface PgliteQueryable {
  /** Runs a query. */
  query<Row>(text: string, params?: unknown[]): Promise<QueryRows<Row>>;
}

/** What the adapter uses of a `PGlite` database. */
export interface PgliteDatabase extends PgliteQueryable {
  /** Runs `work` in one transaction. */
  transaction<T>(work: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
  /** Listens on a channel; resolves to the function that stops. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes the database. */
  close(): Promise<void>;
}

/** Runs SQL with parameters (never values concatenated into the text). */
export interface SqlExecutor {
  query<Row>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

/** What the adapter needs from a PostgreSQL connection: a real server or PGlite. */
export interface SqlDriver extends SqlExecutor {
  /** `pg` or `pglite`, in error details. */
  readonly kind: "pg" | "pglite";
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Listens on a channel; resolves to the function that stops. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  /** Releases what the driver opened itself (a pool it created, a PGlite it created). */
  close(): Promise<void>;
}

/** A query through `pg` (a pool or one of its clients), rows typed as the caller reads them. */
async function pgQuery<Row>(
  on: Pick<PgPool, "query">,
  text: string,
  params: readonly unknown[] | undefined,
): Promise<{ rows: Row[] }> {
  // pg wants a mutable array; the copy is a handful of values.
  const result = await on.query(text, params === undefined ? [] : [...params]);
  return result as { rows: Row[] };
}

/** A driver over a `pg` pool: each transaction takes one client; LISTEN holds one more. */
export function poolDriver(pool: PgPool, owned: boolean): SqlDriver {
  return {
    kind: "pg",
    query: (text, params) => pgQuery(pool, text, params),
    async transaction(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await work({
          query: (text, params) => pgQuery(client, text, params),
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true; // the connection is gone: do not give it back to the pool
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async listen(channel, handler) {
      const client = await pool.connect();
      const onNotification = (message: PgNotification) => {
        if (message.channel === channel) handler(message.payload ?? "");
      };
      client.on("notification", onNotification);
      await client.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        client.off("notification", onNotification);
        try {
          await client.query(`UNLISTEN ${quoteIdent(channel)}`);
          client.release();
        } catch {
          client.release(true);
        }
      };
    },
    async close() {
      if (owned) await pool.end();
    },
  };
}

/** A driver over PGlite (one in-process connection: transactions queue behind each other). */
export function pgliteDriver(db: PgliteDatabase, owned: boolean): SqlDriver {
  return {
    kind: "pglite",
    query: (text, params) => db.query(text, params === undefined ? undefined : [...params]),
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: (text, params) => tx.query(text, params === undefined ? undefined : [...params]),
        }),
      ),
    async listen(channel, handler) {
      const stop = await db.listen(channel, handler);
      return async () => {
        await stop();
      };
    },
    async close() {
      if (owned) await db.close();
    },
  };
}

/** Quotes an identifier (table, schema, channel): `"name"` with inner quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
