// Scoring as a fold. Each hit rule keeps a small memory of the hits before (hit-rules.ts), so the
// entries of new in-order hits come without the history; their points are folded here into
// per-group sums that stay exact whatever the batching:
//
// - points without decay (and fit points) add up as whole hundredths;
// - half-life points add up as `Σ points · 2^((at − base) / halfLife)`, in the entries' order, and
//   are read at `now` by one multiplication; the base moves by whole multiples of 64 half-lives,
//   i.e. by exact powers of two, so folding the same entries in the same order gives the same
//   number to the last bit whether it happens at once or in batches;
// - linear decay reaches zero, so those entries are kept until then and read one by one.
//
// Full replay and incremental scoring run this same code, which is what makes them agree.
import { ownEntry } from "../own.js";
import type { CompiledModel } from "./derive.js";
import type { RuleState } from "./hit-rules.js";
import type { EntryDecay } from "./types.js";

/** One group's folded points. */
export interface GroupFold {
  /** Whole hundredths of points that do not decay. */
  fixed: number;
  /** Half-life sums by half-life in ms: base instant and `Σ points · 2^((at − base) / h)`. */
  half: Record<string, { base: number; sum: number }>;
  /** Linear-decay entries still worth something: points, instant, period ms, percent per period. */
  linear: [points: number, at: number, ms: number, percent: number][];
}

/** The incremental scoring state kept on a contact's score card. */
export interface ScoringState {
  /** The model revision the state was derived under; another one means a replay. */
  readonly model: number;
  /** The signature of each rule the state was derived under: a replay re-derives only the rules whose signature changed (or all, without it). */
  readonly signatures?: Readonly<Record<string, string>>;
  /** How many hits were derived: a replay finding as many, the last one at the cursor, has no new hit to derive. */
  readonly hits?: number;
  /** The last hit derived (instant, id): a hit before it means a full replay. */
  readonly cursor: { readonly at: string; readonly id: string } | null;
  /** Each hit rule's memory, by rule id. */
  readonly rules: Record<string, RuleState>;
  /** Folded points by group, as of `folded`. */
  readonly groups: Record<string, GroupFold>;
  /** The instant up to which entries are folded, in ms. */
  readonly folded: number;
  /** Derived entries whose instant is after `folded`, in order. */
  readonly future: readonly FoldEntry[];
}

/** What the fold needs of an entry. */
export interface FoldEntry {
  readonly group: string;
  readonly points: number;
  readonly at: string;
  readonly hitId?: string;
  readonly ruleId: string;
  readonly decay?: EntryDecay;
}

/** The order entries are folded in: instant, hit, rule. @internal */
export function compareEntries(a: FoldEntry, b: FoldEntry): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  const ah = a.hitId ?? "";
  const bh = b.hitId ?? "";
  if (ah !== bh) return ah < bh ? -1 : 1;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}

/** A copy of a state that the next run may change freely. */
export function copyState(state: ScoringState): ScoringState {
  // Object.fromEntries defines own properties: a rule id such as `__proto__` stays a key.
  const rules = Object.fromEntries(
    Object.entries(state.rules).map(([id, rule]) => [id, { ...rule }]),
  );
  const groups = Object.fromEntries(
    Object.entries(state.groups).map(([id, group]) => [
      id,
      {
        fixed: group.fixed,
        half: Object.fromEntries(Object.entries(group.half).map(([ms, sum]) => [ms, { ...sum }])),
        linear: [...group.linear],
      },
    ]),
  );
  return { ...state, rules, groups, future: [...state.future] };
}

/** 64 half-lives: moving the base by a multiple of this scales the sum by an exact power of two. */
const rebaseStep = 64;

/** Adds one entry (instant ≤ the fold's instant) to its group's sums. */
export function foldEntry(groups: Record<string, GroupFold>, entry: FoldEntry): void {
  const group = ownEntry(groups, entry.group, () => ({ fixed: 0, half: {}, linear: [] }));
  const decay = entry.decay;
  const at = Date.parse(entry.at);
  if (decay === undefined) group.fixed += Math.round(entry.points * 100);
  else if (decay.kind === "linear")
    group.linear.push([entry.points, at, decay.ms, decay.percent ?? 0]);
  else {
    const key = String(decay.ms);
    const span = decay.ms * rebaseStep;
    const base = Math.floor(at / span) * span;
    const half = Object.hasOwn(group.half, key) ? group.half[key]! : undefined;
    if (half === undefined)
      group.half[key] = { base, sum: entry.points * 2 ** ((at - base) / decay.ms) };
    else {
      if (base > half.base) {
        half.sum *= 2 ** (-(base - half.base) / decay.ms);
        half.base = base;
      }
      half.sum += entry.points * 2 ** ((at - half.base) / decay.ms);
    }
  }
}

/** Drops linear entries that are worth nothing at `now` (they never come back). */
export function pruneLinear(groups: Record<string, GroupFold>, now: number): void {
  for (const group of Object.values(groups))
    if (group.linear.length > 0)
      group.linear = group.linear.filter(
        ([, at, ms, percent]) => linearFactor(at, ms, percent, now) > 0,
      );
}

function linearFactor(at: number, ms: number, percent: number, now: number): number {
  return Math.max(0, 1 - (percent / 100) * (Math.max(0, now - at) / ms));
}

/** A group's folded points read at `now` (≥ every folded instant), in whole hundredths. */
export function groupHundredths(group: GroupFold | undefined, now: number): number {
  if (group === undefined) return 0;
  let total = group.fixed;
  for (const [ms, { base, sum }] of Object.entries(group.half))
    total += Math.round(sum * 2 ** ((base - now) / Number(ms)) * 100);
  for (const [points, at, ms, percent] of group.linear)
    total += Math.round(points * linearFactor(at, ms, percent, now) * 100);
  return total;
}

/** Every group's score at `now` from folded points, caps applied. */
export function scoresOf(
  model: CompiledModel,
  groups: Record<string, GroupFold>,
  now: number,
): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const id of model.groups.keys()) {
    const total = groupHundredths(Object.hasOwn(groups, id) ? groups[id] : undefined, now) / 100;
    const cap = model.groups.get(id)?.cap;
    scores[id] = cap === undefined ? total : Math.min(cap, total);
  }
  return scores;
}

/**
 * Folds entries (any order; sorted here) up to `now`: those after it are returned as the future,
 * in order. Unknown groups are skipped.
 */
export function foldAll(
  model: CompiledModel,
  entries: readonly FoldEntry[],
  now: number,
): { groups: Record<string, GroupFold>; future: FoldEntry[] } {
  const groups: Record<string, GroupFold> = {};
  const future: FoldEntry[] = [];
  for (const entry of [...entries].sort(compareEntries)) {
    if (!model.groups.has(entry.group)) continue;
    if (Date.parse(entry.at) > now) future.push(entry);
    else foldEntry(groups, entry);
  }
  pruneLinear(groups, now);
  return { groups, future };
}

/** Folds the future entries the clock has reached, keeping the rest; prunes spent linear entries. */
export function advance(
  model: CompiledModel,
  groups: Record<string, GroupFold>,
  future: readonly FoldEntry[],
  now: number,
): FoldEntry[] {
  let reached = 0;
  while (reached < future.length && Date.parse(future[reached]!.at) <= now) {
    const entry = future[reached++]!;
    if (model.groups.has(entry.group)) foldEntry(groups, entry);
  }
  pruneLinear(groups, now);
  return future.slice(reached);
}
