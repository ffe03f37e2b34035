import { membershipRequest, outboxEntry, outboxTable } from "../email-lists/index.js";
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { EventBus } from "../events/index.js";
import { type EventJournal, noJournal } from "../events/index.js";
import { type ConditionScope, compileCondition } from "../query/index.js";
import { asStored, type ChangeHook, type Contact, tables } from "../records/index.js";
import type { StorageAdapter, WriteOperation } from "../storage/index.js";
import { type CompiledModel, type DesiredEntry, deriveHitEntries } from "./derive.js";
import { liveEntries, reconcile, scoresAt } from "./ledger.js";
import { scoringTables } from "./tables.js";
import type { Hit, ScoreCard, ScoreEntry, ScoringEvents } from "./types.js";

/** What one scoring run of a contact stores and re-derives. */
export interface ScoreRun {
  /** New hits of the contact, written with the run (a hit already stored is a duplicate). */
  readonly newHits?: readonly Hit[];
  /** Stored anonymous hits the run links to the contact. */
  readonly relink?: readonly Hit[];
  /** Other records written in the same batch (the visitor link). */
  readonly extra?: readonly WriteOperation[];
  /** Re-derive the entries of hits. */
  readonly hits: boolean;
  /** Re-evaluate fit rules (they are also evaluated the first time a contact is scored). */
  readonly fit: boolean;
  /** What the entries are recorded as caused by. */
  readonly cause: ScoreEntry["cause"];
}

/** What a run did. */
export interface RunOutcome {
  /** Ids of the new hits stored (the others were duplicates). */
  readonly stored: readonly string[];
  /** Entries appended. */
  readonly appended: number;
  /** Groups left waiting for a hand-off. */
  readonly pending: readonly string[];
  /** The scores written. */
  readonly scores: Readonly<Record<string, number>>;
}

/** What the scorer is built on. */
export interface ScorerDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly timezone: string;
  readonly events: Pick<EventBus<ScoringEvents>, "emit">;
  /** Where a contact rewritten with new scores is announced (segments and deal goals read them). */
  readonly hook: ChangeHook;
  /** Records threshold crossings in the batch that makes them. @defaultValue none @internal */
  readonly journal?: EventJournal;
}

/** Attempts of a revision-checked write before the conflict is thrown. @internal */
export const maxAttempts = 64;

/**
 * Scores one contact: reads its hits and ledger, derives what the rules say they are worth,
 * appends the difference, and writes hits, entries, the score card and the contact's cached
 * scores in one revision-checked batch (retried from fresh reads when another writer got there
 * first).
 * @internal
 */
export async function scoreContact(
  deps: ScorerDeps,
  model: CompiledModel,
  contactId: string,
  prepare: () => Promise<ScoreRun>,
  fitScope: (contact: Contact) => Promise<ConditionScope>,
): Promise<RunOutcome> {
  const { storage, environment } = deps;
  for (let attempt = 1; ; attempt++) {
    const run = await prepare();
    const now = environment.now();
    const at = toIsoInstant(now);
    const [contact, card] = await Promise.all([
      tables.contacts.get(storage, contactId),
      scoringTables.cards.get(storage, contactId),
    ]);
    const candidates = run.newHits ?? [];
    const known = new Set(
      (
        await scoringTables.hits.getMany(
          storage,
          candidates.map((hit) => hit.id),
        )
      ).flatMap((hit) => (hit === null ? [] : [hit.id])),
    );
    const newHits = candidates.filter((hit) => !known.has(hit.id));
    const hitOps: WriteOperation[] = [
      ...newHits.map((hit) => scoringTables.hits.put(hit, 0)),
      ...(run.relink ?? []).map((hit) =>
        scoringTables.hits.put({ ...hit, contactId }, hit.revision),
      ),
      ...(run.extra ?? []),
    ];
    const unscored = { stored: newHits.map((hit) => hit.id), appended: 0, pending: [], scores: {} };
    if (contact === null) {
      // The contact is gone: keep what was sent, score nothing.
      if (hitOps.length > 0 && !(await writeUnlessRaced(storage, hitOps, attempt))) continue;
      return unscored;
    }
    const entries = await scoringTables.entries.all(storage, {
      index: "contactId",
      where: { eq: contactId },
    });
    const desired: DesiredEntry[] = [];
    const families = { hits: run.hits, fit: run.fit || card === null };
    if (families.hits) {
      const stored = await scoringTables.hits.all(storage, {
        index: "contactId",
        where: { eq: contactId },
      });
      const relinked = (run.relink ?? []).map((hit) => ({ ...hit, contactId }));
      desired.push(...deriveHitEntries(model, [...stored, ...relinked, ...newHits], deps.timezone));
    }
    if (families.fit && model.fitRules.length > 0)
      desired.push(...fitEntries(model, contact, await fitScope(contact), at));
    const stamp = { contactId, cause: run.cause, recordedAt: at, newId: () => environment.newId() };
    const { append, live } = reconcile(liveEntries(entries), desired, families, stamp);
    const scores = scoresAt(model, live, now);
    if (card === null && live.length === 0 && append.length === 0) {
      if (hitOps.length > 0 && !(await writeUnlessRaced(storage, hitOps, attempt))) continue;
      return unscored;
    }
    const next = thresholds(model, card, scores, contact, at, environment);
    const contactScores: Record<string, number> = { ...contact.scores };
    for (const group of Object.keys(card?.scores ?? {})) delete contactScores[group];
    Object.assign(contactScores, scores);
    const scoresChanged = JSON.stringify(contactScores) !== JSON.stringify(contact.scores);
    const cardChanged =
      card === null ||
      append.length > 0 ||
      JSON.stringify([card.scores, card.qualified, card.nurtured, card.pending]) !==
        JSON.stringify([
          next.card.scores,
          next.card.qualified,
          next.card.nurtured,
          next.card.pending,
        ]);
    if (hitOps.length === 0 && !cardChanged && !scoresChanged) {
      return { stored: [], appended: 0, pending: next.card.pending, scores };
    }
    const after: Contact = { ...contact, scores: contactScores, updatedAt: at };
    const ops: WriteOperation[] = [
      ...hitOps,
      ...append.map((entry) => scoringTables.entries.put(entry, 0)),
      scoringTables.cards.put({ ...next.card, at, scores }, card?.revision ?? 0),
      ...(scoresChanged ? [tables.contacts.put(after, contact.revision)] : []),
      ...next.outbox,
      ...next.events.flatMap(([type, event]) => (deps.journal ?? noJournal)(type, event)),
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
    return {
      stored: newHits.map((hit) => hit.id),
      appended: append.length,
      pending: next.card.pending,
      scores,
    };
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

function fitEntries(
  model: CompiledModel,
  contact: Contact,
  scope: ConditionScope,
  at: string,
): DesiredEntry[] {
  const out: DesiredEntry[] = [];
  for (const compiled of model.fitRules) {
    const condition = compileCondition(compiled.trigger.when, "contact", scope);
    // A rule whose condition no longer resolves (a tag was removed) scores nothing.
    if (!condition.ok || !condition.condition.test(asStored(contact))) continue;
    out.push({
      key: `${compiled.rule.id} fit`,
      group: compiled.group,
      ruleId: compiled.rule.id,
      ...(compiled.rule.name === undefined ? {} : { ruleName: compiled.rule.name }),
      points: compiled.rule.points,
      at,
    });
  }
  return out;
}

/** One event with its own payload (the union keeps each type with its payload). */
type PendingOf<K extends keyof ScoringEvents> = {
  [P in K]: readonly [type: P, event: ScoringEvents[P]];
}[K];
type Pending = PendingOf<keyof ScoringEvents>;

function emitOne<K extends keyof ScoringEvents>(
  events: Pick<EventBus<ScoringEvents>, "emit">,
  [type, event]: PendingOf<K>,
): void {
  events.emit(type, event);
}

function thresholds(
  model: CompiledModel,
  card: ScoreCard | null,
  scores: Record<string, number>,
  contact: Contact,
  at: string,
  environment: Environment,
) {
  const qualified = new Set(card?.qualified ?? []);
  const nurtured = new Set(card?.nurtured ?? []);
  const pending = new Set(card?.pending ?? []);
  const crossings: Record<string, number> = { ...(card?.crossings ?? {}) };
  const events: Pending[] = [];
  const outbox: WriteOperation[] = [];
  const contactId = contact.id;
  const list = (listId: string | undefined, status: "subscribed" | "unsubscribed") => {
    const request = listId === undefined ? null : membershipRequest(contact, listId, status);
    if (request === null) return;
    const order = `${at}#${String(card?.revision ?? 0).padStart(10, "0")}#${String(outbox.length).padStart(4, "0")}`;
    outbox.push(outboxTable.put(outboxEntry(environment, request, { contactId }, at, order), 0));
  };
  for (const [group, threshold] of model.thresholds) {
    const score = scores[group] ?? 0;
    const enterNurture = () => {
      nurtured.add(group);
      events.push(["score.nurture", { contactId, group, action: "entered", score, at }]);
      list(threshold.nurtureListId, "subscribed");
    };
    if (!qualified.has(group) && score >= threshold.qualifyAt) {
      qualified.add(group);
      crossings[group] = (crossings[group] ?? 0) + 1;
      events.push(["score.thresholdCrossed", { contactId, group, direction: "up", score, at }]);
      if (nurtured.delete(group)) {
        events.push(["score.nurture", { contactId, group, action: "left", score, at }]);
        list(threshold.nurtureListId, "unsubscribed");
      }
      if (threshold.handoff !== false) pending.add(group);
    } else if (qualified.has(group) && score < (threshold.unqualifyBelow ?? threshold.qualifyAt)) {
      qualified.delete(group);
      pending.delete(group);
      events.push(["score.thresholdCrossed", { contactId, group, direction: "down", score, at }]);
      enterNurture();
    } else if (!qualified.has(group) && !nurtured.has(group)) {
      enterNurture();
    }
  }
  return {
    card: {
      id: contactId,
      scores,
      at,
      qualified: [...qualified].sort(),
      nurtured: [...nurtured].sort(),
      pending: [...pending].sort(),
      crossings,
      handoffs: { ...(card?.handoffs ?? {}) },
    },
    events,
    outbox,
  };
}
