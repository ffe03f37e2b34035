import type { CompiledModel, DesiredEntry } from "./derive.js";
import { decayFactor } from "./durations.js";
import { foldAll, groupHundredths, scoresOf } from "./fold.js";
import type { ScoreContribution, ScoreEntry, ScoreExplanation } from "./types.js";

/** An entry before storage gives it a revision. */
export type NewEntry = Omit<ScoreEntry, "revision">;

/**
 * The entries that count: an entry and its reversal cancel exactly, so both are left out (summing
 * them would only add floating-point noise).
 * @internal
 */
export function liveEntries(entries: readonly NewEntry[]): NewEntry[] {
  const reversed = new Set<string>();
  for (const entry of entries) if (entry.reverses !== undefined) reversed.add(entry.reverses);
  return entries.filter((entry) => entry.reverses === undefined && !reversed.has(entry.id));
}

const keyOf = (entry: { ruleId: string; hitId?: string }) =>
  `${entry.ruleId} ${entry.hitId ?? "fit"}`;

// What makes two entries of one key equal: a change in any of these rewrites the entry.
const signature = (entry: Omit<DesiredEntry, "key">) =>
  entry.hitId === undefined
    ? `${entry.group}|${entry.points}`
    : `${entry.group}|${entry.points}|${entry.at}|${JSON.stringify(entry.decay ?? null)}`;

/** Which kinds of entries a reconciliation rewrites; the others are kept as they are. */
export interface Families {
  readonly hits: boolean;
  readonly fit: boolean;
}

/**
 * The entries to append so that the live ledger holds exactly `desired` (for the families given):
 * a reversal for each live entry no longer wanted or changed, a new entry for each wanted one
 * missing.
 * @internal
 */
export function reconcile(
  live: readonly NewEntry[],
  desired: readonly DesiredEntry[],
  families: Families,
  stamp: { contactId: string; cause: ScoreEntry["cause"]; recordedAt: string; newId: () => string },
): { append: NewEntry[]; live: NewEntry[] } {
  const wanted = new Map(desired.map((entry) => [entry.key, entry]));
  const append: NewEntry[] = [];
  const kept: NewEntry[] = [];
  const present = new Set<string>();
  for (const entry of live) {
    const inScope = entry.hitId === undefined ? families.fit : families.hits;
    const key = keyOf(entry);
    const want = inScope ? wanted.get(key) : undefined;
    if (
      !inScope ||
      (want !== undefined && signature(want) === signature(entry) && !present.has(key))
    ) {
      kept.push(entry);
      present.add(key);
      continue;
    }
    append.push({
      ...pick(entry),
      id: stamp.newId(),
      points: -entry.points,
      reverses: entry.id,
      cause: stamp.cause,
      recordedAt: stamp.recordedAt,
    });
  }
  const added: NewEntry[] = [];
  for (const want of desired) {
    if (present.has(want.key)) continue;
    const { key: _key, ...fields } = want;
    added.push({
      ...fields,
      id: stamp.newId(),
      contactId: stamp.contactId,
      cause: stamp.cause,
      recordedAt: stamp.recordedAt,
    });
    present.add(want.key);
  }
  return { append: [...append, ...added], live: [...kept, ...added] };
}

function pick(entry: NewEntry) {
  return {
    contactId: entry.contactId,
    group: entry.group,
    ruleId: entry.ruleId,
    ...(entry.ruleName === undefined ? {} : { ruleName: entry.ruleName }),
    ...(entry.hitId === undefined ? {} : { hitId: entry.hitId }),
    at: entry.at,
    ...(entry.decay === undefined ? {} : { decay: entry.decay }),
  };
}

/** What an entry is worth at `now`, in hundredths of a point, before the group's rounding. */
function entryRaw(entry: NewEntry, now: number): number {
  const at = Date.parse(entry.at);
  if (at > now) return 0;
  return entry.points * decayFactor(entry.decay, at, now) * 100;
}

/** Every group's score at `now` from the live entries (caps applied). @internal */
export function scoresAt(
  model: CompiledModel,
  live: readonly NewEntry[],
  now: number,
): Record<string, number> {
  return scoresOf(model, foldAll(model, live, now).groups, now);
}

/**
 * The explanation of one group's score at `now`. The group's total is rounded to hundredths once
 * per kind of decay (see fold.ts); each line is its entry's value rounded, with the rounding
 * remainder given to the lines closest to the next hundredth, so the lines add up to the total.
 * @internal
 */
export function explainGroup(
  model: CompiledModel,
  group: string,
  live: readonly NewEntry[],
  now: number,
  hitOf: (id: string) => ScoreContribution["hit"] | undefined,
): ScoreExplanation {
  const mine = live.filter((entry) => entry.group === group && Date.parse(entry.at) <= now);
  const { groups } = foldAll(model, mine, now);
  const hundredths = groupHundredths(groups[group], now);
  const raw = mine.map((entry) => entryRaw(entry, now));
  const values = raw.map(Math.round);
  let diff = hundredths - values.reduce((sum, value) => sum + value, 0);
  if (diff !== 0) {
    // Whose rounding lost (or gained) the most goes first.
    const order = raw
      .map((value, index) => ({ index, error: value - values[index]! }))
      .sort((a, b) => (diff > 0 ? b.error - a.error : a.error - b.error) || a.index - b.index);
    for (let k = 0; diff !== 0 && order.length > 0; k = (k + 1) % order.length) {
      values[order[k]!.index]! += Math.sign(diff);
      diff -= Math.sign(diff);
    }
  }
  const contributions: ScoreContribution[] = mine.map((entry, index) => {
    const hit = entry.hitId === undefined ? undefined : hitOf(entry.hitId);
    return {
      entryId: entry.id,
      ruleId: entry.ruleId,
      ...(entry.ruleName === undefined ? {} : { ruleName: entry.ruleName }),
      ...(hit === undefined ? {} : { hit }),
      points: entry.points,
      value: values[index]! / 100,
      at: entry.at,
    };
  });
  contributions.sort(
    (a, b) =>
      Math.abs(b.value) - Math.abs(a.value) ||
      a.at.localeCompare(b.at) ||
      a.entryId.localeCompare(b.entryId),
  );
  const cap = model.groups.get(group)?.cap;
  const total = hundredths / 100;
  return {
    group,
    at: new Date(now).toISOString(),
    score: cap === undefined ? total : Math.min(cap, total),
    total,
    ...(cap === undefined ? {} : { cap }),
    contributions,
  };
}
