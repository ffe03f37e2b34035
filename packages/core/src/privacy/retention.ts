// Retention: per-collection policies and the sweep that applies them, in bounded batches any
// process can run (two at once remove each record once).
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { collections } from "../records/index.js";
import { forgetHits } from "../scoring/index.js";
import type { StorageAdapter, StoredRecord, WriteOperation } from "../storage/index.js";
import * as z from "../zod.js";

/** A retention period in days. */
export interface RetentionDays {
  /** Days kept, 1 to 36,500. */
  readonly days: number;
}

/** A retention period in months (of 30 days). */
export interface RetentionMonths {
  /** Months kept, 1 to 1,200. */
  readonly months: number;
}

/** How long each kind of record is kept. Omitted: kept until erased. */
export interface RetentionPolicy {
  /** Raw web hits, by the day they happened. Scores stay: the ledger keeps its entries. */
  readonly hits?: RetentionDays;
  /** Automation runs that ended (done, stopped, failed), by the day they ended. */
  readonly finishedRuns?: RetentionDays;
  /** Outbox entries delivered, by the day they were delivered. */
  readonly deliveredOutbox?: RetentionDays;
  /**
   * Activities about a contact that no longer exists (removed, not erased), by the month of their
   * last change.
   */
  readonly activitiesOfRemovedContacts?: RetentionMonths;
}

const days = z.strictObject({ days: z.number().check(z.int(), z.gte(1), z.lte(36_500)) });

/** @internal */
export const retentionPolicySchema = z.strictObject({
  hits: z.optional(days),
  finishedRuns: z.optional(days),
  deliveredOutbox: z.optional(days),
  activitiesOfRemovedContacts: z.optional(
    z.strictObject({ months: z.number().check(z.int(), z.gte(1), z.lte(1_200)) }),
  ),
});

/** Options of `crm.privacy.sweep`. */
export interface SweepOptions {
  /** The instant the policy is applied at. @defaultValue now */
  readonly now?: number;
  /** At most this many records removed in this call (call again while `more`). @defaultValue 10000 */
  readonly maxRecords?: number;
}

/** What a retention sweep removed. */
export interface SweepReport {
  /** Records removed, by collection. */
  readonly removed: Readonly<Record<string, number>>;
  /** Write batches used. */
  readonly batches: number;
  /** Whether records past their retention remain (the call hit `maxRecords`): call again. */
  readonly more: boolean;
}

const day = 86_400_000;
const batchSize = 500;

/** Applies a retention policy once, up to `maxRecords` removals. @internal */
export async function sweepRetention(
  storage: StorageAdapter,
  policy: RetentionPolicy,
  now: number,
  maxRecords: number,
): Promise<SweepReport> {
  const removed: Record<string, number> = {};
  let budget = maxRecords;
  let batches = 0;
  let more = false;
  // Deletes one batch; a record another sweeper removed (or changed) meanwhile fails the batch
  // whole — then each is tried alone, so nothing is removed twice and nothing is lost.
  const remove = async (collection: string, records: readonly StoredRecord[]) => {
    const ops: WriteOperation[] = records.map((record) => ({
      type: "delete",
      collection,
      id: record.id,
      expectedRevision: record.revision,
    }));
    let done = 0;
    try {
      await storage.write(ops);
      done = ops.length;
      batches++;
    } catch (error) {
      if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
      for (const op of ops)
        try {
          await storage.write([op]);
          done++;
          batches++;
        } catch (single) {
          if (!CrmkitError.is(single, "REVISION_CONFLICT")) throw single;
        }
    }
    removed[collection] = (removed[collection] ?? 0) + done;
    budget -= records.length;
  };
  const cutoff = (ageDays: number) => toIsoInstant(now - ageDays * day);

  if (policy.hits !== undefined) {
    const before = cutoff(policy.hits.days);
    // Hits go with their contacts' cards adjusted, in one batch; a batch that meets another
    // writer's change writes nothing and the page is read again.
    for (let conflicts = 0; budget > 0 && conflicts < 100; ) {
      const page = await storage.query({
        collection: collections.hits,
        index: "at",
        where: { lt: before },
        limit: Math.min(batchSize, budget),
      });
      if (page.records.length === 0) break;
      const done = await forgetHits(storage, page.records);
      if (done === 0) {
        conflicts++;
        continue;
      }
      batches++;
      removed[collections.hits] = (removed[collections.hits] ?? 0) + done;
      budget -= done;
    }
    if (budget <= 0) more = true;
  }
  // Removes what was found, within the budget, in batches; what is left over waits for a next call.
  const removeWithin = async (collection: string, found: readonly StoredRecord[]) => {
    if (found.length > budget) more = true;
    const take = found.slice(0, Math.max(0, budget));
    for (let i = 0; i < take.length; i += batchSize)
      await remove(collection, take.slice(i, i + batchSize));
  };
  // The others have no index on their age: a scan, removing what is past it, within the budget.
  const sweepScan = async (collection: string, expired: (record: StoredRecord) => boolean) => {
    if (budget <= 0) {
      more = true;
      return;
    }
    const found: StoredRecord[] = [];
    for await (const batch of storage.scan({ collection, batchSize })) {
      for (const record of batch) if (expired(record)) found.push(record);
      if (found.length >= budget) break;
    }
    await removeWithin(collection, found);
  };
  if (policy.finishedRuns !== undefined) {
    const before = cutoff(policy.finishedRuns.days);
    await sweepScan(
      collections.automationRuns,
      (run) =>
        (run.status === "done" || run.status === "stopped" || run.status === "failed") &&
        typeof run.endedAt === "string" &&
        run.endedAt < before,
    );
  }
  if (policy.deliveredOutbox !== undefined) {
    const before = cutoff(policy.deliveredOutbox.days);
    await sweepScan(
      collections.outbox,
      (entry) =>
        entry.status === "done" &&
        typeof entry.deliveredAt === "string" &&
        entry.deliveredAt < before,
    );
  }
  if (policy.activitiesOfRemovedContacts !== undefined) {
    const before = toIsoInstant(now - policy.activitiesOfRemovedContacts.months * 30 * day);
    const gone = new Map<string, boolean>();
    const candidates: StoredRecord[] = [];
    for await (const batch of storage.scan({ collection: collections.activities, batchSize })) {
      const old = batch.filter(
        (a) =>
          typeof a.contactId === "string" &&
          typeof a.updatedAt === "string" &&
          a.updatedAt < before,
      );
      const unknown = [...new Set(old.map((a) => a.contactId as string))].filter(
        (id) => !gone.has(id),
      );
      const contacts = await storage.getMany(collections.contacts, unknown);
      unknown.forEach((id, i) => {
        gone.set(id, contacts[i] === null);
      });
      candidates.push(...old.filter((a) => gone.get(a.contactId as string) === true));
    }
    await removeWithin(collections.activities, candidates);
  }
  return { removed, batches, more };
}
