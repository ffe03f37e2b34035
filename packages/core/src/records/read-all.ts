import type { StorageAdapter, StoredRecord } from "../storage/types.js";

/** Reads a whole (small) collection: definitions such as statuses, tags or saved segments. */
export async function readAll<T = StoredRecord>(
  storage: StorageAdapter,
  collection: string,
): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of storage.scan({ collection, batchSize: 1_000 })) {
    for (const record of batch) out.push(record as unknown as T);
  }
  return out;
}
