/**
 * PostgreSQL storage for crmkit: a real server through `pg`, or PGlite in process.
 *
 * @packageDocumentation
 */
export type {
  PgClient,
  PgliteDatabase,
  PgliteQueryable,
  PgNotification,
  PgPool,
  QueryRows,
} from "./driver.js";
export {
  openPostgresStorage,
  type PostgresConnection,
  type PostgresStorageOptions,
} from "./postgres-storage.js";
