// Erasure of one person: removed where a record is only about them, unlinked and cleared where the
// company still needs the record (a won deal's revenue, a rep's meetings held), in bounded atomic
// batches, in an order that lets a rerun finish an interrupted erasure.
import { toIsoInstant } from "../environment.js";
import { collections } from "../records/index.js";
import type { StorageAdapter, StoredRecord, WriteOperation } from "../storage/index.js";
import { hashId } from "../text.js";
import { aboutContact, byIndex, byScan, hitsOf, type PersonalBatch } from "./personal.js";
import type { ErasedCollection, ErasureReport } from "./types.js";

const maxBatch = 500;

/** A record as written back: without the revision the storage keeps. */
function draft(record: StoredRecord): Record<string, unknown> {
  const { revision: _revision, ...rest } = record;
  return { ...rest };
}

/** Collects operations and writes them in batches of at most 500, counting per collection. */
class Eraser {
  readonly #storage: StorageAdapter;
  readonly #counts = new Map<string, { removed: number; anonymised: number }>();
  #pending: WriteOperation[] = [];
  batches = 0;

  constructor(storage: StorageAdapter) {
    this.#storage = storage;
  }

  #count(collection: string, kind: "removed" | "anonymised") {
    const counts = this.#counts.get(collection) ?? { removed: 0, anonymised: 0 };
    counts[kind]++;
    this.#counts.set(collection, counts);
  }

  async remove(collection: string, record: StoredRecord): Promise<void> {
    this.#count(collection, "removed");
    await this.#add({
      type: "delete",
      collection,
      id: record.id,
      expectedRevision: record.revision,
    });
  }

  async replace(collection: string, record: StoredRecord, next: Record<string, unknown>) {
    this.#count(collection, "anonymised");
    await this.#add({
      type: "put",
      collection,
      record: next as never,
      expectedRevision: record.revision,
    });
  }

  async put(operation: WriteOperation): Promise<void> {
    await this.#add(operation);
  }

  async #add(operation: WriteOperation): Promise<void> {
    this.#pending.push(operation);
    if (this.#pending.length >= maxBatch) await this.flush();
  }

  /** Writes what is pending: one atomic batch (a conflict writes nothing; a rerun redoes it). */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    await this.#storage.write(batch);
    this.batches++;
  }

  report(): ErasedCollection[] {
    return [...this.#counts].map(([collection, counts]) => ({ collection, ...counts }));
  }
}

/** Whether a text mentions the person: their name or address, ignoring case. */
function mentions(text: unknown, traits: readonly string[]): boolean {
  if (typeof text !== "string") return false;
  const lower = text.toLowerCase();
  return traits.some((trait) => trait.length >= 2 && lower.includes(trait));
}

/**
 * Erases a contact. Idempotent and resumable: each step reads what is still linked to the person,
 * and the contact itself goes last, so a rerun after an interruption (a crash, a conflict) finds
 * what is left and finishes; a rerun after completion finds nothing.
 * @internal
 */
export async function eraseContact(
  storage: StorageAdapter,
  contactId: string,
  now: number,
): Promise<ErasureReport> {
  const contact = await storage.get(collections.contacts, contactId);
  const eraser = new Eraser(storage);
  const at = toIsoInstant(now);
  const traits = [contact?.firstName, contact?.lastName, contact?.email]
    .filter((t): t is string => typeof t === "string")
    .map((t) => t.toLowerCase());
  const queued: string[] = [];
  const each = async (
    batches: AsyncGenerator<PersonalBatch>,
    act: (record: StoredRecord, collection: string) => Promise<void>,
  ) => {
    // Read everything first: writing while a scan pages through the same index moves its cursor.
    const found: PersonalBatch[] = [];
    for await (const batch of batches) found.push(batch);
    for (const { collection, records } of found)
      for (const record of records) await act(record, collection);
  };

  // 1. The list provider: one permanent deletion per list the address was sent to, queued in the
  //    batch that removes the contact's own entries (so a rerun cannot lose it).
  const lists = new Set<string>();
  await each(byIndex(storage, collections.outbox, "contactId", contactId), async (entry) => {
    const request = entry.request as { readonly listId?: unknown; readonly email?: unknown };
    if (typeof request.listId === "string" && typeof request.email === "string")
      lists.add(`${request.listId}\u001f${request.email}`);
    await eraser.remove(collections.outbox, entry);
  });
  for (const key of lists) {
    const [listId, email] = key.split("\u001f") as [string, string];
    const id = `erase-${hashId(key)}`;
    if ((await storage.get(collections.outbox, id)) !== null) continue;
    await eraser.put({
      type: "put",
      collection: collections.outbox,
      record: {
        id,
        key,
        order: `${at}#erase`,
        request: { listId, email, status: "deleted" },
        status: "pending",
        attempts: 0,
        dueAt: at,
        createdAt: at,
        updatedAt: at,
      },
      expectedRevision: 0,
    });
    queued.push(`list ${listId}: permanent deletion of the address`);
  }
  await eraser.flush();

  // 2. Automations: the runs about them, and journal entries that would start new ones.
  await each(byIndex(storage, collections.automationRuns, "contactId", contactId), (run) =>
    eraser.remove(collections.automationRuns, run),
  );
  await each(
    byScan(storage, collections.eventJournal, (entry) => aboutContact(entry, contactId)),
    (entry) => eraser.remove(collections.eventJournal, entry),
  );
  await eraser.flush();

  // 3. Web visits and scores: hits of their browsers (anonymous ones too) before the visitor
  //    links that find them, the ledger, the card, the hand-offs.
  const erasedHits = new Set<string>();
  await each(hitsOf(storage, contactId), async (hit) => {
    erasedHits.add(hit.id);
    await eraser.remove(collections.hits, hit);
  });
  await eraser.flush();
  await each(
    byScan(storage, collections.scoreQueue, (queued) => erasedHits.has(String(queued.hitId))),
    (entry) => eraser.remove(collections.scoreQueue, entry),
  );
  await each(byIndex(storage, collections.scoreEntries, "contactId", contactId), (entry) =>
    eraser.remove(collections.scoreEntries, entry),
  );
  const card = await storage.get(collections.scoreCards, contactId);
  if (card !== null) await eraser.remove(collections.scoreCards, card);
  await each(byIndex(storage, collections.scoreHandoffs, "contactId", contactId), (handoff) =>
    eraser.remove(collections.scoreHandoffs, handoff),
  );
  await each(byIndex(storage, collections.visitors, "contactId", contactId), (visitor) =>
    eraser.remove(collections.visitors, visitor),
  );
  await eraser.flush();

  // 4. The company's records: kept, unlinked, their words about the person cleared.
  await each(byIndex(storage, collections.activities, "contactId", contactId), (activity) => {
    const { contactId: _c, title: _t, outcome: _o, ...rest } = draft(activity);
    return eraser.replace(collections.activities, activity, { ...rest, updatedAt: at });
  });
  await each(byIndex(storage, collections.tasks, "contactId", contactId), (task) => {
    const { contactId: _c, notes: _n, outcome: _o, ...rest } = draft(task);
    return eraser.replace(collections.tasks, task, {
      ...rest,
      title: `${String(task.actionType ?? "task")} (erased contact)`,
      updatedAt: at,
    });
  });
  await each(byIndex(storage, collections.deals, "contactId", contactId), (deal) => {
    const { contactId: _c, ...rest } = draft(deal);
    return eraser.replace(collections.deals, deal, {
      ...rest,
      ...(mentions(deal.title, traits) ? { title: "Deal (erased contact)" } : {}),
      ...(mentions(deal.lostReason, traits) ? { lostReason: "(erased)" } : {}),
      updatedAt: at,
    });
  });
  await each(
    byScan(storage, collections.recurrences, (r) => r.contactId === contactId),
    (recurrence) => eraser.remove(collections.recurrences, recurrence),
  );
  await each(byIndex(storage, collections.consents, "contactId", contactId), (consent) =>
    eraser.remove(collections.consents, consent),
  );
  await eraser.flush();

  // 5. The contact, last: until it is gone, a rerun can find everything above.
  if (contact !== null) await eraser.remove(collections.contacts, contact);
  await eraser.flush();
  return {
    found: contact !== null,
    collections: eraser.report(),
    batches: eraser.batches,
    queued,
    hostTodo: [
      "copies outside crmkit: exports, spreadsheets, the e-mail provider's sent messages and logs",
      "backups of the store, which keep the person until they expire",
      ...(queued.length > 0
        ? ["deliver the outbox (crm.outbox.deliver) so the list provider deletes the address"]
        : []),
    ],
  };
}
