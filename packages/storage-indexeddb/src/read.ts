import {
  type IndexKey,
  listingKey,
  type PreparedQuery,
  type StoredRecord,
} from "@crmkit/core/storage";
import type { IDBPCursorWithValue, IDBPDatabase, IDBPIndex, IDBPObjectStore } from "idb";
import { keysOfValue, layoutOf, type StoredValue, toKeyRange } from "./layout.js";

type Source =
  | IDBPObjectStore<unknown, [string], string, "readonly">
  | IDBPIndex<unknown, [string], string, string, "readonly">;
type Cursor = IDBPCursorWithValue<unknown, [string], string, string | unknown, "readonly"> | null;

/** A listed record: the key it is listed at, and the record. */
export interface Listed {
  readonly key: IndexKey;
  readonly record: StoredRecord;
}

/**
 * Reads up to `limit + 1` listed records of a query in one readonly transaction. Ascending pages of
 * single-valued indexes and of the primary order are read with one `getAll`; descending pages and
 * multi-entry indexes walk a cursor.
 */
export async function readListed(db: IDBPDatabase, query: PreparedQuery): Promise<Listed[]> {
  const max = query.limit + 1;
  const store = db.transaction(query.collection.name, "readonly").store;
  const { index, order, after } = query;
  const layout = index ? layoutOf(index) : "primary";
  const range = toKeyRange(query.range, layout, after, order);
  if (range === null) return [];
  const source: Source = index ? store.index(index.name) : store;
  const listingOf = (value: StoredValue): IndexKey =>
    index ? (value.k[index.name] as IndexKey) : value.id;

  if (layout !== "multi") {
    if (order === "asc") {
      const values = (await source.getAll(
        range,
        Number.isFinite(max) ? max : undefined,
      )) as StoredValue[];
      return values.map((value) => ({ key: listingOf(value), record: value.r }));
    }
    const listed: Listed[] = [];
    let cursor: Cursor = await source.openCursor(range, "prev");
    while (cursor && listed.length < max) {
      const value = cursor.value as StoredValue;
      listed.push({ key: listingOf(value), record: value.r });
      cursor = await cursor.continue();
    }
    return listed;
  }

  // Multi-entry: a record is listed once, at its first key in range (in query order).
  const multiIndex = index!;
  const listed: Listed[] = [];
  let cursor: Cursor = await source.openCursor(range, order === "asc" ? "next" : "prev");
  if (cursor && after && cursor.key === after.key) {
    // Skip to the entry after the previous page's last one. continuePrimaryKey only moves strictly
    // forward (in the cursor's direction), so it is called only when the target is ahead.
    const id = String(cursor.primaryKey);
    const behind = order === "asc" ? id < after.id : id > after.id;
    if (behind) cursor = await cursor.continuePrimaryKey(after.key, after.id);
    if (cursor && cursor.key === after.key && cursor.primaryKey === after.id)
      cursor = await cursor.continue();
  }
  while (cursor && listed.length < max) {
    const value = cursor.value as StoredValue;
    const key = cursor.key as IndexKey;
    if (listingKey(keysOfValue(value, multiIndex), query.range, order) === key)
      listed.push({ key, record: value.r });
    cursor = await cursor.continue();
  }
  return listed;
}

/** Counts the records a selection matches, each once. */
export async function countSelection(db: IDBPDatabase, query: PreparedQuery): Promise<number> {
  const store = db.transaction(query.collection.name, "readonly").store;
  const { index } = query;
  const layout = index ? layoutOf(index) : "primary";
  const range = toKeyRange(query.range, layout, undefined, "asc");
  if (range === null) return 0;
  if (!index) return store.count(range);
  const source = store.index(index.name);
  if (layout !== "multi" || query.range.single) return source.count(range);
  // Several keys of one record may fall in the range: count distinct records.
  const ids = new Set<unknown>();
  let cursor = await source.openKeyCursor(range);
  while (cursor) {
    ids.add(cursor.primaryKey);
    cursor = await cursor.continue();
  }
  return ids.size;
}
