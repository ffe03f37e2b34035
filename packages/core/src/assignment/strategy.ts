import type { PoolStrategy } from "./types.js";

/** A pool's rotation state, stored as a record and updated with a revision check. */
export interface RotationState {
  /** The member chosen last (round-robin continues after it). */
  readonly lastUserId?: string;
  /** Smooth weighted round-robin's running weights, by user id. */
  readonly currents?: Readonly<Record<string, number>>;
}

/** An eligible member of a pool as a strategy sees it. */
export interface Contender {
  /** The user id. */
  readonly userId: string;
  /** Its weight (weighted round-robin). */
  readonly weight: number;
  /** Its load (least loaded). */
  readonly load: number;
}

/** What a strategy chose. */
export interface Choice {
  /** The chosen user. */
  readonly userId: string;
  /** The rotation state after the choice. */
  readonly state: RotationState;
  /** Why, in words. */
  readonly why: string;
}

/** The members in rotation order: those after `lastUserId` (by id), then the others. */
function rotation(contenders: readonly Contender[], lastUserId: string | undefined) {
  const sorted = [...contenders].sort((a, b) => (a.userId < b.userId ? -1 : 1));
  if (lastUserId === undefined) return sorted;
  const after = sorted.findIndex((contender) => contender.userId > lastUserId);
  return after === -1 ? sorted : [...sorted.slice(after), ...sorted.slice(0, after)];
}

/**
 * Chooses among eligible members, deterministically. Round-robin takes the next member after the
 * last chosen one (by id, wrapping), so members that come back from an absence rejoin the rotation
 * in place; weighted round-robin is nginx's smooth weighted round-robin (each member's share of
 * every window of Σweights choices is exactly its weight when all stay eligible); least loaded takes
 * the lowest load, ties broken in rotation order.
 *
 * @internal
 */
export function choose(
  strategy: PoolStrategy,
  contenders: readonly Contender[],
  state: RotationState,
  loadName = "open deals",
): Choice | undefined {
  if (contenders.length === 0) return undefined;
  const order = rotation(contenders, state.lastUserId);
  switch (strategy) {
    case "roundRobin": {
      const next = order[0]!;
      return {
        userId: next.userId,
        state: { ...state, lastUserId: next.userId },
        why: "next in rotation",
      };
    }
    case "weightedRoundRobin": {
      // A Map, not an object: user ids are keys chosen by the host.
      const currents = new Map<string, number>(Object.entries(state.currents ?? {}));
      let total = 0;
      let best: Contender | undefined;
      // Iterate in id order so ties go to the lowest id, independent of the cursor.
      for (const contender of [...contenders].sort((a, b) => (a.userId < b.userId ? -1 : 1))) {
        total += contender.weight;
        currents.set(contender.userId, (currents.get(contender.userId) ?? 0) + contender.weight);
        if (best === undefined || currents.get(contender.userId)! > currents.get(best.userId)!)
          best = contender;
      }
      currents.set(best!.userId, currents.get(best!.userId)! - total);
      return {
        userId: best!.userId,
        state: { ...state, lastUserId: best!.userId, currents: Object.fromEntries(currents) },
        why: `weighted rotation (weight ${best!.weight} of ${total})`,
      };
    }
    case "leastLoaded": {
      let best = order[0]!;
      for (const contender of order) if (contender.load < best.load) best = contender;
      return {
        userId: best.userId,
        state: { ...state, lastUserId: best.userId },
        why: `fewest ${loadName} (${best.load})`,
      };
    }
  }
}
