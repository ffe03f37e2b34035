// What each hit rule remembers of a contact's hits, read in order (instant, then id): visits
// counted, the last visit, seconds read, whether it fired and in which period. From that memory,
// the entries of new in-order hits come without the history; from an empty memory, the same code
// replays the whole history.
import { ownEntry, ownValue } from "../own.js";
import { startOfPeriod } from "../time/index.js";
import type { CompiledModel, CompiledRule, DesiredEntry } from "./derive.js";
import type { Hit } from "./types.js";

/** What one hit rule remembers of the hits before. */
export interface RuleState {
  /** Visits (pageviews on the rule's URL) seen. */
  v: number;
  /** The instant of the last of those visits, in ms. */
  last?: number;
  /** Engagement seconds read on the rule's URL. */
  s: number;
  /** Whether a `once` rule has fired. */
  fired: boolean;
  /** The start of the last period a periodic rule fired in, in ms. */
  period?: number;
}

const emptyRule = (): RuleState => ({ v: 0, s: 0, fired: false });

/**
 * The entries of hits under the rules, continuing from each rule's state (changed in place). The
 * hits must be in order and after every hit the states have seen.
 */
export function deriveInOrder(
  model: CompiledModel,
  rules: Record<string, RuleState>,
  hits: readonly Hit[],
  timezone: string,
): DesiredEntry[] {
  const out: DesiredEntry[] = [];
  const urls = new Map<string, URL | null>();
  const urlOf = (hit: Hit): URL | null => {
    if (hit.url === undefined) return null;
    let url = urls.get(hit.id);
    if (url === undefined) {
      url = URL.canParse(hit.url) ? new URL(hit.url) : null;
      urls.set(hit.id, url);
    }
    return url;
  };
  for (const compiled of model.hitRules) {
    const id = compiled.rule.id;
    const state = ownEntry(rules, id, emptyRule);
    for (const hit of hits) {
      if (!qualifies(compiled, state, hit, urlOf) || !repeatAllows(compiled, state, hit, timezone))
        continue;
      out.push({
        key: `${id} ${hit.id}`,
        group: compiled.group,
        ruleId: id,
        ...(compiled.rule.name === undefined ? {} : { ruleName: compiled.rule.name }),
        hitId: hit.id,
        points: compiled.rule.points,
        at: hit.at,
        ...(compiled.decay === undefined ? {} : { decay: compiled.decay }),
      });
    }
  }
  return out;
}

/** Whether a hit satisfies a rule's trigger, given what came before (updating that memory). */
function qualifies(
  compiled: CompiledRule,
  state: RuleState,
  hit: Hit,
  urlOf: (hit: Hit) => URL | null,
): boolean {
  const when = compiled.rule.when;
  switch (when.type) {
    case "page": {
      if (hit.type !== "pageview" || !matchesUrl(compiled, hit, urlOf)) return false;
      const index = state.v++;
      const previous = state.last;
      const at = Date.parse(hit.at);
      state.last = at;
      if (when.first === true && index > 0) return false;
      if (when.minVisits !== undefined && index + 1 < when.minVisits) return false;
      if (compiled.returnWithin !== undefined || compiled.returnAfter !== undefined) {
        if (previous === undefined) return false;
        const gap = at - previous;
        if (compiled.returnWithin !== undefined && gap > compiled.returnWithin) return false;
        if (compiled.returnAfter !== undefined && gap < compiled.returnAfter) return false;
      }
      return true;
    }
    case "engagement":
      if (hit.type !== "engagement" || !matchesUrl(compiled, hit, urlOf)) return false;
      state.s += hit.seconds ?? 0;
      return state.s >= when.minSeconds;
    case "event":
      return (
        hit.type === "event" &&
        hit.name === when.name &&
        matchesUrl(compiled, hit, urlOf) &&
        Object.entries(when.props ?? {}).every(([key, expected]) => {
          const actual = ownValue(hit.props, key);
          return Array.isArray(expected) ? expected.includes(actual ?? null) : actual === expected;
        })
      );
    case "fit":
      return false;
  }
}

function matchesUrl(compiled: CompiledRule, hit: Hit, urlOf: (hit: Hit) => URL | null): boolean {
  if (compiled.url === undefined) return true;
  const url = urlOf(hit);
  return url !== null && compiled.url.test(url);
}

/** Whether the repeat policy lets a qualifying hit score (recording that it did). */
function repeatAllows(
  compiled: CompiledRule,
  state: RuleState,
  hit: Hit,
  timezone: string,
): boolean {
  const repeat = compiled.repeat;
  if (repeat === "always") return true;
  if (repeat === "once") {
    if (state.fired) return false;
    state.fired = true;
    return true;
  }
  // Hits come in order, so periods only move forward: the last one is all there is to remember.
  const period = startOfPeriod(Date.parse(hit.at), repeat, timezone);
  if (state.period === period) return false;
  state.period = period;
  return true;
}
