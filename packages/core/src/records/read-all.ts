import type { KeyRange, StorageAdapter, StoredRecord } from "../storage/index.js";

/**
 * Reads a whole (small) collection, or every record of one index range, untyped: for code that
 * works on any collection (the query engine, exports). Typed reads go through a `Table`.
 */
export async function readAll(
  storage: StorageAdapter,
  collection: string,
  selection?: { readonly index: string; readonly where: KeyRange },
): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  for await (const batch of storage.scan({ collection, batchSize: 1_000, ...selection })) {
    out.push(...batch);
  }
  return out;
}
