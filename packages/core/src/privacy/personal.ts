// Where crmkit keeps what it knows about one person, collection by collection: the reads erasure
// and export share.
import { collections } from "../records/index.js";
import type { StorageAdapter, StoredRecord } from "../storage/index.js";

/** Records of one collection about the person, read a batch at a time. */
export interface PersonalBatch {
  readonly collection: string;
  readonly records: readonly StoredRecord[];
}

const batchSize = 500;

/** Every record of a collection whose `index` equals `key`. */
export async function* byIndex(
  storage: StorageAdapter,
  collection: string,
  index: string,
  key: string,
): AsyncGenerator<PersonalBatch> {
  for await (const records of storage.scan({ collection, index, where: { eq: key }, batchSize }))
    if (records.length > 0) yield { collection, records };
}

/** Every record of a (small, transient) collection that `test` picks: a scan. */
export async function* byScan(
  storage: StorageAdapter,
  collection: string,
  test: (record: StoredRecord) => boolean,
): AsyncGenerator<PersonalBatch> {
  for await (const records of storage.scan({ collection, batchSize })) {
    const picked = records.filter(test);
    if (picked.length > 0) yield { collection, records: picked };
  }
}

/** The visitor keys linked to a contact (its identified browsers). */
export async function visitorKeys(storage: StorageAdapter, contactId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const { records } of byIndex(storage, collections.visitors, "contactId", contactId))
    for (const visitor of records) keys.push(visitor.id);
  return keys;
}

/**
 * A person's web visits, each once: the hits of their browsers (anonymous ones from before they
 * identified too), then those linked to them from elsewhere.
 */
export async function* hitsOf(
  storage: StorageAdapter,
  contactId: string,
): AsyncGenerator<PersonalBatch> {
  const seen = new Set<string>();
  for (const key of await visitorKeys(storage, contactId))
    for await (const batch of byIndex(storage, collections.hits, "visitorKey", key)) {
      for (const hit of batch.records) seen.add(hit.id);
      yield batch;
    }
  for await (const batch of byIndex(storage, collections.hits, "contactId", contactId)) {
    const records = batch.records.filter((hit) => !seen.has(hit.id));
    if (records.length > 0) yield { collection: batch.collection, records };
  }
}

/** Whether a record's `subject` (a journal entry's) names the contact. */
export function aboutContact(record: StoredRecord, contactId: string): boolean {
  const subject = record.subject;
  return (
    typeof subject === "object" &&
    subject !== null &&
    !Array.isArray(subject) &&
    Object.hasOwn(subject, "contactId") &&
    (subject as { readonly contactId?: unknown }).contactId === contactId
  );
}

/**
 * Everything held about a person, collection by collection, in a stable order: what an export
 * lists. Anonymous hits of the person's browsers (before they identified) are theirs too.
 */
export async function* personalRecords(
  storage: StorageAdapter,
  contactId: string,
): AsyncGenerator<PersonalBatch> {
  yield* byIndex(storage, collections.consents, "contactId", contactId);
  yield* byIndex(storage, collections.activities, "contactId", contactId);
  yield* byIndex(storage, collections.tasks, "contactId", contactId);
  yield* byIndex(storage, collections.deals, "contactId", contactId);
  yield* byIndex(storage, collections.visitors, "contactId", contactId);
  yield* hitsOf(storage, contactId);
  yield* byIndex(storage, collections.scoreEntries, "contactId", contactId);
  const card = await storage.get(collections.scoreCards, contactId);
  if (card !== null) yield { collection: collections.scoreCards, records: [card] };
  yield* byIndex(storage, collections.scoreHandoffs, "contactId", contactId);
  yield* byIndex(storage, collections.automationRuns, "contactId", contactId);
  yield* byIndex(storage, collections.outbox, "contactId", contactId);
  yield* byScan(storage, collections.recurrences, (r) => r.contactId === contactId);
}
