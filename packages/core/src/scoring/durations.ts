import type { Decay, Duration, EntryDecay } from "./types.js";

const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** The pattern durations are written in: a positive whole number and a unit. @internal */
export const durationPattern = /^([1-9]\d{0,5})([smhdw])$/;

/** Milliseconds of a {@link Duration} (already validated). @internal */
export function durationMs(duration: Duration): number {
  const match = durationPattern.exec(duration);
  if (match === null) throw new RangeError(`Invalid duration "${duration}"`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}

/** The decay a ledger entry keeps, resolved from the rule's or the group's. @internal */
export function entryDecay(decay: Decay | "none" | undefined): EntryDecay | undefined {
  if (decay === undefined || decay === "none") return undefined;
  return decay.kind === "halfLife"
    ? { kind: "halfLife", ms: durationMs(decay.halfLife) }
    : { kind: "linear", percent: decay.percent, ms: durationMs(decay.every) };
}

/** The share of its points an entry earned at `at` keeps at `now` (1 before any time passed). @internal */
export function decayFactor(decay: EntryDecay | undefined, at: number, now: number): number {
  if (decay === undefined) return 1;
  const elapsed = Math.max(0, now - at);
  if (decay.kind === "halfLife") return 0.5 ** (elapsed / decay.ms);
  return Math.max(0, 1 - ((decay.percent ?? 0) / 100) * (elapsed / decay.ms));
}
