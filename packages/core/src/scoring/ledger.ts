import type { CompiledModel, DesiredEntry } from "./derive.js";
import { decayFactor } from "./durations.js";
import { foldAll, groupHundredths, scoresOf } from "./fold.js";
import type { ScoreContribution, ScoreEntry, ScoreExplanation } from "./types.js";

/** An entry as the ledger holds it; `revision` is absent until storage gives it one. */
export type NewEntry = Omit<ScoreEntry, "revision"> & { readonly revision?: number };

const keyOf = (entry: { ruleId: string; hitId?: string }) =>
  `${entry.ruleId} ${entry.hitId ?? "fit"}`;

// What makes two entries of one key equal: a change in any of these rewrites the entry.
const signature = (entry: Omit<DesiredEntry, "key">) =>
  entry.hitId === undefined
    ? `${entry.group}|${entry.points}|${entry.ruleName ?? ""}`
    : `${entry.group}|${entry.points}|${entry.at}|${JSON.stringify(entry.decay ?? null)}|${entry.ruleName ?? ""}`;

/** What a reconciliation writes so that the ledger holds exactly what is desired. */
export interface Reconciled {
  /** Entries to write: new ones (no revision) and changed ones (rewritten in place, same id). */
  readonly puts: readonly NewEntry[];
  /** Entries no longer earned, to remove. */
  readonly deletes: readonly NewEntry[];
  /** The ledger afterwards. */
  readonly live: readonly NewEntry[];
}

/**
 * The writes that make a contact's ledger hold exactly `desired` for the entries `inScope` says
 * are being recomputed (the others are kept as they are): one entry per rule and hit (or rule and
 * fit). An entry whose worth changed is rewritten in place, keeping its id; one no longer earned
 * is removed; one newly earned is added. The ledger stays the size of what counts, however many
 * times the rules change.
 * @internal
 */
export function reconcile(
  current: readonly NewEntry[],
  desired: readonly DesiredEntry[],
  inScope: (entry: { ruleId: string; hitId?: string }) => boolean,
  stamp: { contactId: string; cause: ScoreEntry["cause"]; recordedAt: string; newId: () => string },
): Reconciled {
  const wanted = new Map(desired.map((entry) => [entry.key, entry]));
  const puts: NewEntry[] = [];
  const deletes: NewEntry[] = [];
  const live: NewEntry[] = [];
  const present = new Set<string>();
  for (const entry of current) {
    const key = keyOf(entry);
    if (!inScope(entry)) {
      live.push(entry);
      present.add(key);
      continue;
    }
    const want = wanted.get(key);
    if (want === undefined || present.has(key)) {
      deletes.push(entry);
      continue;
    }
    present.add(key);
    if (signature(want) === signature(entry)) {
      live.push(entry);
      continue;
    }
    const { key: _key, ...fields } = want;
    const rewritten: NewEntry = {
      ...fields,
      id: entry.id,
      ...(entry.revision === undefined ? {} : { revision: entry.revision }),
      contactId: stamp.contactId,
      cause: stamp.cause,
      recordedAt: stamp.recordedAt,
    };
    puts.push(rewritten);
    live.push(rewritten);
  }
  for (const want of desired) {
    if (present.has(want.key)) continue;
    present.add(want.key);
    const { key: _key, ...fields } = want;
    const added: NewEntry = {
      ...fields,
      id: stamp.newId(),
      contactId: stamp.contactId,
      cause: stamp.cause,
      recordedAt: stamp.recordedAt,
    };
    puts.push(added);
    live.push(added);
  }
  return { puts, deletes, live };
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
