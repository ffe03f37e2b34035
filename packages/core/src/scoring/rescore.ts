// Rescoring every contact after a rule change, by difference and in streams. Contacts are read a
// page at a time in id order; the hits and ledger entries of a page come from one range read of
// each (by contact), not one query per contact; each contact re-derives only the rules whose
// signature changed (see `recompute`), and the writes of many contacts go in one batch. A batch
// that meets another writer (a drain scoring the same contact) is redone contact by contact.
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { ConditionScope } from "../query/index.js";
import { asStored, type Contact, type RecordChange, tables } from "../records/index.js";
import type { WriteOperation } from "../storage/index.js";
import type { CompiledModel } from "./derive.js";
import type { NewEntry } from "./ledger.js";
import { fitEntries, recompute } from "./paths.js";
import type { RunOutcome, ScorerDeps } from "./run-types.js";
import { settle } from "./scorer.js";
import { scoringTables } from "./tables.js";
import { emitOne, type Pending } from "./thresholds.js";
import type { Hit } from "./types.js";

/** What a streamed rescore is built on. */
export interface RescoreDeps extends ScorerDeps {
  /** The scope of one contact's fit rules. */
  readonly fitScope: (contact: Contact) => Promise<ConditionScope>;
  /** Rescores one contact on its own (after a batch met another writer). */
  readonly one: (contactId: string) => Promise<RunOutcome>;
}

/** What a streamed rescore did; hand-offs are the caller's to make. */
export interface StreamedRescore {
  contacts: number;
  written: number;
  /** Contacts with groups waiting for a hand-off. */
  readonly pending: [contactId: string, groups: readonly string[]][];
}

/** Rescores every contact, a page of `pageSize` contacts at a time. @internal */
export async function rescoreAll(
  deps: RescoreDeps,
  model: CompiledModel,
  pageSize = 500,
): Promise<StreamedRescore> {
  const { storage } = deps;
  const report: StreamedRescore = { contacts: 0, written: 0, pending: [] };
  for await (const page of tables.contacts.scan(storage, { batchSize: pageSize })) {
    if (page.length === 0) continue;
    const ids = page.map((contact) => contact.id);
    const range = { index: "contactId", where: { gte: ids[0]!, lte: ids.at(-1)! } };
    const [cards, hits, entries] = await Promise.all([
      scoringTables.cards.getMany(storage, ids),
      scoringTables.hits.all(storage, range),
      scoringTables.entries.all(storage, range),
    ]);
    const hitsOf = groupBy(hits);
    const entriesOf = groupBy(entries);
    const now = deps.environment.now();
    const at = toIsoInstant(now);
    const ops: WriteOperation[] = [];
    const changes: RecordChange[] = [];
    const events: Pending[] = [];
    const outcomes: [string, RunOutcome][] = [];
    for (const [index, contact] of page.entries()) {
      const card = cards[index] ?? null;
      const fit =
        model.fitRules.length > 0
          ? fitEntries(model, contact, await deps.fitScope(contact), at)
          : [];
      const stamp = {
        contactId: contact.id,
        cause: "rescore" as const,
        recordedAt: at,
        newId: () => deps.environment.newId(),
      };
      const derived = recompute(model, {
        card,
        hits: hitsOf.get(contact.id) ?? [],
        entries: entriesOf.get(contact.id) ?? [],
        fit,
        now,
        timezone: deps.timezone,
        stamp,
      });
      const written = derived.puts.length + derived.deletes.length;
      const { scores } = derived;
      if (card === null && written === 0 && Object.values(scores).every((s) => s === 0)) continue;
      const {
        ops: writes,
        next,
        scoresChanged,
        after,
      } = settle(deps, model, contact, card, derived, at);
      ops.push(...writes);
      if (scoresChanged) changes.push({ before: asStored(contact), after: asStored(after) });
      events.push(...next.events);
      outcomes.push([contact.id, { scored: [], written, pending: next.card.pending, scores }]);
    }
    report.contacts += page.length;
    if (!(await writeOrConflict(deps, ops, changes))) {
      // Another writer changed one of these contacts meanwhile: each is rescored on its own.
      for (const contact of page) {
        const outcome = await deps.one(contact.id);
        report.written += outcome.written;
        if (outcome.pending.length > 0) report.pending.push([contact.id, outcome.pending]);
      }
      continue;
    }
    for (const pending of events) emitOne(deps.events, pending);
    for (const [contactId, outcome] of outcomes) {
      report.written += outcome.written;
      if (outcome.pending.length > 0) report.pending.push([contactId, outcome.pending]);
    }
  }
  return report;
}

/** Writes a page's batch and announces its contacts' new scores; `false` on a revision conflict. */
async function writeOrConflict(
  deps: RescoreDeps,
  ops: readonly WriteOperation[],
  changes: RecordChange[],
): Promise<boolean> {
  if (ops.length === 0) return true;
  let outcomes: Awaited<ReturnType<typeof deps.storage.write>>;
  try {
    outcomes = await deps.storage.write(ops);
  } catch (error) {
    if (CrmkitError.is(error, "REVISION_CONFLICT")) return false;
    throw error;
  }
  if (changes.length === 0) return true;
  const revisions = new Map(
    outcomes
      .filter((outcome) => outcome.collection === tables.contacts.name)
      .map((outcome) => [outcome.id, outcome.revision ?? 0]),
  );
  await deps.hook.committed({
    collection: tables.contacts.name,
    changes: changes.map(({ before, after }) => ({
      before,
      after: after === null ? null : { ...after, revision: revisions.get(after.id) ?? 0 },
    })),
    at: deps.environment.now(),
    source: "scoring",
  });
  return true;
}

function groupBy<T extends Hit | NewEntry>(records: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const record of records) {
    const contactId = record.contactId;
    if (contactId === undefined) continue;
    const list = out.get(contactId);
    if (list === undefined) out.set(contactId, [record]);
    else list.push(record);
  }
  return out;
}
