// The two ways a scoring run derives a contact's entries and state: folding new in-order hits into
// the state on its card, or replaying every hit and reconciling the ledger.
import { toIsoInstant } from "../environment.js";
import { type ConditionScope, compileCondition } from "../query/index.js";
import { asStored, type Contact } from "../records/index.js";
import { type CompiledModel, compareHits, type DesiredEntry } from "./derive.js";
import {
  advance,
  compareEntries,
  copyState,
  foldAll,
  type ScoringState,
  scoresOf,
} from "./fold.js";
import { deriveHitEntries, deriveInOrder } from "./hit-rules.js";
import { liveEntries, type NewEntry, reconcile } from "./ledger.js";
import type { ScoreRun, ScorerDeps } from "./run-types.js";
import { type QueuedHit, type StoredCard, scoringTables } from "./tables.js";
import type { Hit, ScoreEntry } from "./types.js";

/** What either path of a run computed: entries to append, the new state, the scores. */
export interface Derived {
  readonly append: readonly NewEntry[];
  readonly state: ScoringState;
  readonly scores: Record<string, number>;
  /** Queue records of the contact's hits that this run scored besides the claimed ones. */
  readonly alsoQueued: readonly QueuedHit[];
}

/** The state to continue from, when this run only adds hits after the last one scored. */
export function incrementalFrom(
  model: CompiledModel,
  card: StoredCard | null,
  run: ScoreRun,
  newHits: readonly Hit[],
  now: number,
): ScoringState | undefined {
  const state = card?.state;
  if (state === undefined || run.hits || run.fit || (run.relink ?? []).length > 0) return undefined;
  if (state.model !== model.revision || now < state.folded) return undefined;
  const first = newHits[0];
  const cursor = state.cursor;
  if (first !== undefined && cursor !== null && compareHits(first, cursor) <= 0) return undefined;
  return state;
}

/** The incremental path: derive the new hits from the rules' memory and fold their points. */
export function foldNew(
  deps: ScorerDeps,
  model: CompiledModel,
  from: ScoringState,
  newHits: readonly Hit[],
  now: number,
  stamp: Stamp,
): Derived {
  const state = copyState(from);
  const desired = deriveInOrder(model, state.rules, newHits, deps.timezone).sort(compareEntries);
  const append = desired.map((entry) => newEntry(entry, stamp));
  const future = advance(model, state.groups, [...state.future, ...append], now);
  const last = newHits.at(-1);
  const next: ScoringState = {
    ...state,
    cursor: last === undefined ? state.cursor : { at: last.at, id: last.id },
    folded: now,
    future,
  };
  return { append, state: next, scores: scoresOf(model, next.groups, now), alsoQueued: [] };
}

/** The full path: replay every hit of the contact, reconcile its ledger, rebuild the state. */
export async function replay(
  deps: ScorerDeps,
  model: CompiledModel,
  contact: Contact,
  card: StoredCard | null,
  run: ScoreRun,
  newHits: readonly Hit[],
  now: number,
  fitScope: (contact: Contact) => Promise<ConditionScope>,
  stamp: Stamp,
): Promise<Derived> {
  const { storage } = deps;
  const [entries, stored] = await Promise.all([
    scoringTables.entries.all(storage, { index: "contactId", where: { eq: contact.id } }),
    scoringTables.hits.all(storage, { index: "contactId", where: { eq: contact.id } }),
  ]);
  const byId = new Map(stored.map((hit) => [hit.id, hit]));
  for (const hit of [...(run.relink ?? []), ...newHits])
    byId.set(hit.id, { ...hit, contactId: contact.id });
  const hits = [...byId.values()];
  const derived = deriveHitEntries(model, hits, deps.timezone);
  const desired: DesiredEntry[] = [...derived.entries];
  const families = { hits: true, fit: run.fit || card === null };
  if (families.fit && model.fitRules.length > 0)
    desired.push(...fitEntries(model, contact, await fitScope(contact), toIsoInstant(now)));
  const { append, live } = reconcile(liveEntries(entries), desired, families, stamp);
  const { groups, future } = foldAll(model, live, now);
  const last = derived.last;
  const state: ScoringState = {
    model: model.revision,
    cursor: last === undefined ? null : { at: last.at, id: last.id },
    rules: derived.rules,
    groups,
    folded: now,
    future,
  };
  // Every hit of the contact is scored now: those still queued (besides the claimed ones) leave too.
  const claimed = new Set((run.queued ?? []).map((entry) => entry.id));
  const queued = (
    await scoringTables.queue.getMany(
      storage,
      hits.map((hit) => queueId(hit)),
    )
  ).filter((entry): entry is QueuedHit => entry !== null && !claimed.has(entry.id));
  return { append, state, scores: scoresOf(model, groups, now), alsoQueued: queued };
}

/** The queue record id of a hit: sorts in hit order (instant, then id). @internal */
export function queueId(hit: Pick<Hit, "at" | "id">): string {
  return `${hit.at}|${hit.id}`;
}

export type Stamp = {
  contactId: string;
  cause: ScoreEntry["cause"];
  recordedAt: string;
  newId: () => string;
};

function newEntry(entry: DesiredEntry, stamp: Stamp): NewEntry {
  const { key: _key, ...fields } = entry;
  return {
    ...fields,
    id: stamp.newId(),
    contactId: stamp.contactId,
    cause: stamp.cause,
    recordedAt: stamp.recordedAt,
  };
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
