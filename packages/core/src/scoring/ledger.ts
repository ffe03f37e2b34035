import type { CompiledModel, DesiredEntry } from "./derive.js";
import { decayFactor } from "./durations.js";
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

/**
 * What an entry is worth at `now`, in hundredths of a point. Whole hundredths make the score an
 * integer sum: exact, the same in every order, and equal to the sum of its explanation's lines.
 * @internal
 */
export function entryHundredths(entry: NewEntry, now: number): number {
  const at = Date.parse(entry.at);
  if (at > now) return 0;
  return Math.round(entry.points * decayFactor(entry.decay, at, now) * 100);
}

/** The capped score of a group from its hundredths total. @internal */
export function capped(model: CompiledModel, group: string, hundredths: number): number {
  const cap = model.groups.get(group)?.cap;
  const total = hundredths / 100;
  return cap === undefined ? total : Math.min(cap, total);
}

/** Every group's score at `now` from the live entries. @internal */
export function scoresAt(
  model: CompiledModel,
  live: readonly NewEntry[],
  now: number,
): Record<string, number> {
  const totals = new Map<string, number>([...model.groups.keys()].map((group) => [group, 0]));
  for (const entry of live) {
    if (!totals.has(entry.group)) continue;
    totals.set(entry.group, totals.get(entry.group)! + entryHundredths(entry, now));
  }
  return Object.fromEntries(
    [...totals].map(([group, hundredths]) => [group, capped(model, group, hundredths)]),
  );
}

/** The explanation of one group's score at `now`. @internal */
export function explainGroup(
  model: CompiledModel,
  group: string,
  live: readonly NewEntry[],
  now: number,
  hitOf: (id: string) => ScoreContribution["hit"] | undefined,
): ScoreExplanation {
  const contributions: ScoreContribution[] = [];
  let hundredths = 0;
  for (const entry of live) {
    if (entry.group !== group || Date.parse(entry.at) > now) continue;
    const value = entryHundredths(entry, now);
    hundredths += value;
    const hit = entry.hitId === undefined ? undefined : hitOf(entry.hitId);
    contributions.push({
      entryId: entry.id,
      ruleId: entry.ruleId,
      ...(entry.ruleName === undefined ? {} : { ruleName: entry.ruleName }),
      ...(hit === undefined ? {} : { hit }),
      points: entry.points,
      value: value / 100,
      at: entry.at,
    });
  }
  contributions.sort(
    (a, b) =>
      Math.abs(b.value) - Math.abs(a.value) ||
      a.at.localeCompare(b.at) ||
      a.entryId.localeCompare(b.entryId),
  );
  const cap = model.groups.get(group)?.cap;
  return {
    group,
    at: new Date(now).toISOString(),
    score: capped(model, group, hundredths),
    total: hundredths / 100,
    ...(cap === undefined ? {} : { cap }),
    contributions,
  };
}
