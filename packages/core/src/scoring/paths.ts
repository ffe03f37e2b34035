// The two ways a scoring run derives a contact's entries and state: folding new in-order hits into
// the state on its card, or recomputing from every hit and reconciling the ledger.
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
import { deriveInOrder, type RuleState } from "./hit-rules.js";
import { type NewEntry, reconcile } from "./ledger.js";
import type { ScoreRun, ScorerDeps } from "./run-types.js";
import { type QueuedHit, type StoredCard, scoringTables } from "./tables.js";
import type { Hit, ScoreEntry } from "./types.js";

/** What either path of a run computed: ledger writes, the new state, the scores. */
export interface Derived {
  /** Entries to write: new (no revision) or rewritten in place. */
  readonly puts: readonly NewEntry[];
  /** Entries to remove. */
  readonly deletes: readonly NewEntry[];
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
  const puts = desired.map((entry) => newEntry(entry, stamp));
  const future = advance(model, state.groups, [...state.future, ...puts], now);
  const last = newHits.at(-1);
  const next: ScoringState = {
    ...state,
    cursor: last === undefined ? state.cursor : { at: last.at, id: last.id },
    ...(state.hits === undefined ? {} : { hits: state.hits + newHits.length }),
    folded: now,
    future,
  };
  const scores = scoresOf(model, next.groups, now);
  return { puts, deletes: [], state: next, scores, alsoQueued: [] };
}

/** The full path: read every hit and entry of the contact, then {@link recompute}. */
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
  const fit =
    (run.fit || card === null) && model.fitRules.length > 0
      ? fitEntries(model, contact, await fitScope(contact), toIsoInstant(now))
      : run.fit || card === null
        ? []
        : undefined;
  const result = recompute(model, {
    card,
    hits,
    entries,
    fit,
    now,
    timezone: deps.timezone,
    stamp,
  });
  // Every hit of the contact is scored now: those still queued (besides the claimed ones) leave too.
  const claimed = new Set((run.queued ?? []).map((entry) => entry.id));
  const queued = (
    await scoringTables.queue.getMany(
      storage,
      hits.map((hit) => queueId(hit)),
    )
  ).filter((entry): entry is QueuedHit => entry !== null && !claimed.has(entry.id));
  return { ...result, alsoQueued: queued };
}

/** What {@link recompute} works from: everything held about one contact. */
export interface ContactHistory {
  readonly card: StoredCard | null;
  /** Every stored hit of the contact. */
  readonly hits: readonly Hit[];
  /** The contact's ledger. */
  readonly entries: readonly NewEntry[];
  /** Its fit entries when fit rules were evaluated now; `undefined` keeps the ledger's. */
  readonly fit: readonly DesiredEntry[] | undefined;
  readonly now: number;
  readonly timezone: string;
  readonly stamp: Stamp;
}

/**
 * A contact's ledger writes and state from its whole history. When the state on its card was
 * derived from exactly these hits, only the rules whose signature changed are re-derived (a rule
 * change costs what that rule reads); otherwise every rule is.
 * @internal
 */
export function recompute(
  model: CompiledModel,
  history: ContactHistory,
): Omit<Derived, "alsoQueued"> {
  const { card, hits, now, stamp } = history;
  const previous = card?.state;
  const sorted = [...hits].sort(compareHits);
  const last = sorted.at(-1);
  const sameHits =
    previous?.signatures !== undefined &&
    previous.hits === hits.length &&
    (last === undefined
      ? previous.cursor === null
      : previous.cursor !== null && compareHits(last, previous.cursor) === 0);
  const signatures = previous?.signatures ?? {};
  const changed = sameHits
    ? model.hitRules.filter(
        (rule) =>
          !Object.hasOwn(signatures, rule.rule.id) ||
          signatures[rule.rule.id] !== model.signatures.get(rule.rule.id),
      )
    : model.hitRules;
  const rederived = new Set(changed.map((rule) => rule.rule.id));
  // Unchanged rules keep their memory; changed ones start afresh and replay the sorted hits.
  const rules: Record<string, RuleState> =
    sameHits && previous !== undefined
      ? Object.fromEntries(
          Object.entries(previous.rules)
            .filter(([id]) => !rederived.has(id))
            .map(([id, rule]) => [id, { ...rule }]),
        )
      : {};
  const entries = deriveInOrder({ ...model, hitRules: changed }, rules, sorted, history.timezone);
  const current = new Set(model.hitRules.map((rule) => rule.rule.id));
  const kept = new Set(hits.map((hit) => hit.id));
  // An entry of a hit that is gone (removed under a retention policy) keeps what it earned: the
  // hit cannot be judged again.
  const inScope = (entry: { ruleId: string; hitId?: string }) =>
    entry.hitId === undefined
      ? history.fit !== undefined
      : kept.has(entry.hitId) && (rederived.has(entry.ruleId) || !current.has(entry.ruleId));
  const desired = [...entries, ...(history.fit ?? [])];
  const { puts, deletes, live } = reconcile(history.entries, desired, inScope, stamp);
  const { groups, future } = foldAll(model, live, now);
  const state: ScoringState = {
    model: model.revision,
    signatures: Object.fromEntries(model.signatures),
    hits: hits.length,
    cursor: last === undefined ? null : { at: last.at, id: last.id },
    rules,
    groups,
    folded: now,
    future,
  };
  return { puts, deletes, state, scores: scoresOf(model, groups, now) };
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

export function fitEntries(
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
