import type { KeyRange, StorageAdapter, StoredRecord } from "../storage/index.js";

/**
 * Reads a whole (small) collection, such as statuses, tags or saved segments, or every record of
 * one index key (a contact's hits).
 */
export async function readAll<T = StoredRecord>(
  storage: StorageAdapter,
  collection: string,
  selection?: { readonly index: string; readonly where: KeyRange },
): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of storage.scan({ collection, batchSize: 1_000, ...selection })) {
    for (const record of batch) out.push(record as unknown as T);
  }
  return out;
}
