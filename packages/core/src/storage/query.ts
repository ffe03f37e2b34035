import { CrmkitError } from "../errors.js";
import * as z from "../zod.js";
import { isIndexKey, type NormalizedRange, normalizeRange } from "./keys.js";
import { checkQueryShape, keySchema } from "./query-shape.js";
import type { ResolvedCollection, ResolvedIndex, SchemaCatalog } from "./schema.js";
import type {
  IndexKey,
  Page,
  QueryOptions,
  ScanOptions,
  Selection,
  StorageAdapter,
  StorageCapabilities,
  StoredRecord,
} from "./types.js";

/** The position of the last record of a page: its listing key and id. */
export interface QueryPosition {
  /** The key the record was listed at. */
  readonly key: IndexKey;
  /** The record id. */
  readonly id: string;
}

/**
 * A validated query, resolved against the schema. Adapters read everything they need from here so
 * that every adapter interprets options, ranges and cursors identically.
 */
export interface PreparedQuery {
  /** The collection. */
  readonly collection: ResolvedCollection;
  /** The index read; `undefined` for the primary (id) order. */
  readonly index: ResolvedIndex | undefined;
  /** The normalised range. */
  readonly range: NormalizedRange;
  /** The order. */
  readonly order: "asc" | "desc";
  /** The page size; `Infinity` when unlimited. */
  readonly limit: number;
  /** Where the previous page ended, exclusive. */
  readonly after: QueryPosition | undefined;
}

/**
 * Validates query (or count, or scan) options against the schema.
 *
 * @throws CrmkitError `VALIDATION_FAILED` for unknown options, collections or indexes, a bad range,
 * or a cursor that belongs to another query
 */
export function prepareQuery(
  catalog: SchemaCatalog,
  options: QueryOptions | Selection | ScanOptions,
): PreparedQuery {
  const parsed = checkQueryShape(options);
  const collection = catalog.collection(parsed.collection);
  const index = parsed.index === undefined ? undefined : catalog.index(collection, parsed.index);
  const range = normalizeRange(options.where);
  if (index === undefined && range.type === "number") {
    throw new CrmkitError("VALIDATION_FAILED", "Invalid key range: record ids are strings.", {
      details: { path: ["where"] },
    });
  }
  const order = parsed.order ?? "asc";
  const after =
    parsed.cursor === undefined || parsed.cursor === null
      ? undefined
      : decodeCursor(parsed.cursor, collection.name, index?.name, order);
  return {
    collection,
    index,
    range,
    order,
    limit: parsed.limit ?? Number.POSITIVE_INFINITY,
    after,
  };
}

const cursorSchema = z.tuple([
  z.literal(1),
  z.string(),
  z.nullable(z.string()),
  z.enum(["asc", "desc"]),
  keySchema,
  z.string(),
]);

/** Encodes where a page ended as an opaque cursor string. */
export function encodeCursor(query: PreparedQuery, position: QueryPosition): string {
  const payload = [
    1,
    query.collection.name,
    query.index?.name ?? null,
    query.order,
    position.key,
    position.id,
  ];
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(
  cursor: string,
  collection: string,
  index: string | undefined,
  order: "asc" | "desc",
): QueryPosition {
  const fail = (why: string): never => {
    throw new CrmkitError("VALIDATION_FAILED", `Invalid cursor: ${why}.`, {
      details: { path: ["cursor"] },
    });
  };
  let payload: unknown;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    fail("it is not a cursor returned by a query");
  }
  const parsed = cursorSchema.safeParse(payload);
  if (!parsed.success || !isIndexKey(parsed.data[4]))
    return fail("it is not a cursor returned by a query");
  const [, cursorCollection, cursorIndex, cursorOrder, key, id] = parsed.data;
  if (cursorCollection !== collection || cursorIndex !== (index ?? null) || cursorOrder !== order) {
    fail("it belongs to a query on another collection, index or order");
  }
  return { key, id };
}

/**
 * Builds a page from up to `limit + 1` listed entries: the extra entry only tells that a next page
 * exists. Adapters fetch one entry more than the limit so that a `null` cursor always means "done".
 */
export function toPage(
  query: PreparedQuery,
  listed: readonly { readonly key: IndexKey; readonly record: StoredRecord }[],
): Page {
  if (listed.length <= query.limit)
    return { records: listed.map((entry) => entry.record), cursor: null };
  const records = listed.slice(0, query.limit);
  const last = records[records.length - 1]!;
  return {
    records: records.map((entry) => entry.record),
    cursor: encodeCursor(query, { key: last.key, id: last.record.id }),
  };
}

/** A scan's options taken apart: how many records a batch holds, and what is read. */
export interface ScanParts {
  /** How many records each batch holds at most. */
  readonly batchSize: number;
  /** The collection, index and range read. */
  readonly selection: Selection;
}

/**
 * A scan's batch size (500 unless given) and its selection, for adapters that stream natively.
 *
 * @throws CrmkitError `VALIDATION_FAILED` at `batchSize` unless it is a positive integer
 */
export function scanParts(options: ScanOptions): ScanParts {
  const { batchSize = 500, ...selection } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new CrmkitError(
      "VALIDATION_FAILED",
      "Invalid scan: batchSize must be a positive integer.",
      {
        details: { path: ["batchSize"] },
      },
    );
  return { batchSize, selection };
}

/**
 * Streams a selection in batches by following query cursors: each batch is an independent read, so
 * memory stays bounded and no backend transaction is held open between batches. Adapters may use it
 * as their `scan`.
 */
export async function* scanByPages(
  adapter: Pick<StorageAdapter, "query">,
  options: ScanOptions,
): AsyncGenerator<StoredRecord[], void, undefined> {
  const { batchSize, selection } = scanParts(options);
  let cursor: string | null = null;
  do {
    const page: Page = await adapter.query({ ...selection, limit: batchSize, cursor });
    if (page.records.length > 0) yield page.records;
    cursor = page.cursor;
  } while (cursor !== null);
}

/**
 * Checks that an adapter declares a capability before a feature relies on it.
 *
 * @throws CrmkitError `CAPABILITY_MISSING` naming the adapter and the capability
 */
export function requireCapability(
  adapter: Pick<StorageAdapter, "name" | "capabilities">,
  capability: keyof StorageCapabilities,
  purpose: string,
): void {
  if (adapter.capabilities[capability]) return;
  throw new CrmkitError(
    "CAPABILITY_MISSING",
    `The "${adapter.name}" storage adapter lacks the "${capability}" capability needed for ${purpose}.`,
    { details: { adapter: adapter.name, capability } },
  );
}

/**
 * Throws `STORAGE_CLOSED` when an adapter has been closed; adapters call it first in every method.
 */
export function assertOpen(closed: boolean, adapter: string): void {
  if (closed) {
    throw new CrmkitError("STORAGE_CLOSED", `The "${adapter}" store is closed.`, {
      details: { adapter },
    });
  }
}
