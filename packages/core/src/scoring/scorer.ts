import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { noJournal } from "../events/index.js";
import type { ConditionScope } from "../query/index.js";
import { asStored, type Contact, tables } from "../records/index.js";
import type { StorageAdapter, WriteOperation } from "../storage/index.js";
import { type CompiledModel, compareHits } from "./derive.js";
import { type Derived, foldNew, incrementalFrom, replay } from "./paths.js";
import type { RunOutcome, ScoreRun, ScorerDeps } from "./run-types.js";
import { type StoredCard, scoringTables } from "./tables.js";
import { emitOne, thresholds } from "./thresholds.js";

export { queueId } from "./paths.js";
export type { RunOutcome, ScoreRun, ScorerDeps } from "./run-types.js";

/** Attempts of a revision-checked write before the conflict is thrown. @internal */
export const maxAttempts = 64;

/**
 * Scores one contact. New in-order hits are folded into the state on its score card: their cost
 * does not depend on the contact's history. Anything else — hits before the last one scored, a
 * model change, an identification, fit rules, a first scoring — replays the contact's hits in
 * full and reconciles its ledger. Hits, entries, the card, the contact's cached scores and the
 * queue records claimed are written in one revision-checked batch, retried from fresh reads when
 * another writer got there first.
 * @internal
 */
export async function scoreContact(
  deps: ScorerDeps,
  model: CompiledModel,
  contactId: string,
  prepare: () => Promise<ScoreRun | null>,
  fitScope: (contact: Contact) => Promise<ConditionScope>,
): Promise<RunOutcome> {
  const { storage, environment } = deps;
  for (let attempt = 1; ; attempt++) {
    const run = await prepare();
    if (run === null) return { scored: [], written: 0, pending: [], scores: {} };
    const now = environment.now();
    const at = toIsoInstant(now);
    const [contact, card] = await Promise.all([
      tables.contacts.get(storage, contactId),
      scoringTables.cards.get(storage, contactId),
    ]);
    const newHits = [...(run.newHits ?? [])].sort(compareHits);
    const hitOps: WriteOperation[] = [
      ...(run.relink ?? []).map((hit) =>
        scoringTables.hits.put({ ...hit, contactId }, hit.revision),
      ),
      ...(run.queued ?? []).map((entry) => scoringTables.queue.remove(entry.id, entry.revision)),
      ...(run.extra ?? []),
    ];
    if (contact === null) {
      // The contact is gone: its hits stay stored, unscored.
      if (hitOps.length > 0 && !(await writeUnlessRaced(storage, hitOps, attempt))) continue;
      return { scored: [], written: 0, pending: [], scores: {} };
    }
    const incremental = incrementalFrom(model, card, run, newHits, now);
    const stamp = { contactId, cause: run.cause, recordedAt: at, newId: () => environment.newId() };
    const derived =
      incremental === undefined
        ? await replay(deps, model, contact, card, run, newHits, now, fitScope, stamp)
        : foldNew(deps, model, incremental, newHits, now, stamp);
    const { scores } = derived;
    const written = derived.puts.length + derived.deletes.length;
    // A replay scores every hit of the contact, queued ones included.
    const scored = [...newHits.map((hit) => hit.id), ...derived.alsoQueued.map((q) => q.hitId)];
    if (card === null && written === 0 && Object.values(scores).every((s) => s === 0)) {
      const ops = [
        ...hitOps,
        ...derived.alsoQueued.map((q) => scoringTables.queue.remove(q.id, q.revision)),
      ];
      if (ops.length > 0 && !(await writeUnlessRaced(storage, ops, attempt))) continue;
      return { scored, written: 0, pending: [], scores };
    }
    const settled = settle(deps, model, contact, card, derived, at);
    const { next, scoresChanged, after } = settled;
    const unchanged =
      card !== null &&
      card.state?.model === model.revision &&
      hitOps.length === 0 &&
      derived.alsoQueued.length === 0 &&
      written === 0 &&
      !scoresChanged &&
      JSON.stringify([card.scores, card.qualified, card.nurtured, card.pending]) ===
        JSON.stringify([scores, next.card.qualified, next.card.nurtured, next.card.pending]);
    if (unchanged) return { scored, written: 0, pending: next.card.pending, scores };
    const ops: WriteOperation[] = [
      ...hitOps,
      ...derived.alsoQueued.map((q) => scoringTables.queue.remove(q.id, q.revision)),
      ...settled.ops,
    ];
    const outcomes = await writeUnlessRaced(storage, ops, attempt);
    if (outcomes === false) continue;
    if (scoresChanged) {
      const revision = outcomes.find((o) => o.collection === tables.contacts.name)?.revision ?? 0;
      await deps.hook.committed({
        collection: tables.contacts.name,
        changes: [{ before: asStored(contact), after: asStored({ ...after, revision }) }],
        at: deps.environment.now(),
        source: "scoring",
      });
    }
    for (const pending of next.events) emitOne(deps.events, pending);
    return { scored, written, pending: next.card.pending, scores };
  }
}

/**
 * Writes a revision-checked batch: the outcomes, or `false` when another writer got there first and
 * the caller should re-read and try again (attempt `maxAttempts` throws the conflict instead).
 * @internal
 */
export async function writeUnlessRaced(
  storage: StorageAdapter,
  ops: readonly WriteOperation[],
  attempt: number,
) {
  try {
    return await storage.write(ops);
  } catch (error) {
    if (CrmkitError.is(error, "REVISION_CONFLICT") && attempt < maxAttempts) return false;
    throw error;
  }
}

/** A contact's scoring outcome as writes: ledger, card, cached scores, list requests, journal. */
export interface Settled {
  readonly ops: readonly WriteOperation[];
  readonly next: ReturnType<typeof thresholds>;
  readonly scoresChanged: boolean;
  /** The contact with its new scores. */
  readonly after: Contact;
}

/**
 * The writes that record what a run derived for a contact: its ledger entries, its card with the
 * new state and threshold states, its cached scores (when they changed), the list requests and
 * the journal of the threshold events. @internal
 */
export function settle(
  deps: ScorerDeps,
  model: CompiledModel,
  contact: Contact,
  card: StoredCard | null,
  derived: Pick<Derived, "puts" | "deletes" | "state" | "scores">,
  at: string,
): Settled {
  const { scores, state } = derived;
  const next = thresholds(model, card, scores, contact, at, deps.environment);
  const contactScores: Record<string, number> = { ...contact.scores };
  for (const group of Object.keys(card?.scores ?? {})) delete contactScores[group];
  Object.assign(contactScores, scores);
  const scoresChanged = JSON.stringify(contactScores) !== JSON.stringify(contact.scores);
  const after: Contact = { ...contact, scores: contactScores, updatedAt: at };
  const ops: WriteOperation[] = [
    ...derived.puts.map((entry) => scoringTables.entries.put(entry, entry.revision ?? 0)),
    ...derived.deletes.map((entry) => scoringTables.entries.remove(entry.id, entry.revision ?? 0)),
    scoringTables.cards.put({ ...next.card, at, scores, state }, card?.revision ?? 0),
    ...(scoresChanged ? [tables.contacts.put(after, contact.revision)] : []),
    ...next.outbox,
    ...next.events.flatMap(([type, event]) => (deps.journal ?? noJournal)(type, event)),
  ];
  return { ops, next, scoresChanged, after };
}
