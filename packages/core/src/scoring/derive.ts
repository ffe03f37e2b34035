import { ownValue } from "../own.js";
import { startOfPeriod } from "../time/index.js";
import { durationMs, entryDecay } from "./durations.js";
import { compileUrlPattern, type UrlPattern } from "./patterns.js";
import type {
  EntryDecay,
  FitTrigger,
  Hit,
  RepeatPolicy,
  ScoreGroup,
  ScoreThreshold,
  ScoringModel,
  ScoringRule,
} from "./types.js";

/** The group every model has. */
export const globalGroup = "global";

/** A rule ready to evaluate. */
export interface CompiledRule {
  readonly rule: ScoringRule;
  readonly group: string;
  readonly decay: EntryDecay | undefined;
  readonly repeat: RepeatPolicy;
  readonly url: UrlPattern | undefined;
  readonly returnWithin: number | undefined;
  readonly returnAfter: number | undefined;
}

/** A model ready to evaluate: rules compiled once, not per hit. */
export interface CompiledModel {
  readonly model: ScoringModel;
  readonly groups: ReadonlyMap<string, ScoreGroup>;
  readonly hitRules: readonly CompiledRule[];
  readonly fitRules: readonly (CompiledRule & { readonly trigger: FitTrigger })[];
  readonly thresholds: ReadonlyMap<string, ScoreThreshold>;
}

/** What the rules say one hit or fit is worth: the ledger must hold exactly these. */
export interface DesiredEntry {
  /** `<rule id> <hit id>` or `<rule id> fit`: one desired entry per key. */
  readonly key: string;
  readonly group: string;
  readonly ruleId: string;
  readonly ruleName?: string;
  readonly hitId?: string;
  readonly points: number;
  readonly at: string;
  readonly decay?: EntryDecay;
}

/** Compiles a validated model. @internal */
export function compileModel(model: ScoringModel): CompiledModel {
  const groups = new Map<string, ScoreGroup>([[globalGroup, { id: globalGroup }]]);
  for (const group of model.groups) groups.set(group.id, group);
  const hitRules: CompiledRule[] = [];
  const fitRules: (CompiledRule & { trigger: FitTrigger })[] = [];
  for (const rule of model.rules) {
    const group = rule.group ?? globalGroup;
    const when = rule.when;
    const compiled: CompiledRule = {
      rule,
      group,
      decay: entryDecay(rule.decay ?? groups.get(group)?.decay),
      repeat: rule.repeat ?? "always",
      url: when.type === "fit" || when.url === undefined ? undefined : compileUrlPattern(when.url),
      returnWithin:
        when.type === "page" && when.returnWithin !== undefined
          ? durationMs(when.returnWithin)
          : undefined,
      returnAfter:
        when.type === "page" && when.returnAfter !== undefined
          ? durationMs(when.returnAfter)
          : undefined,
    };
    if (when.type === "fit") fitRules.push({ ...compiled, trigger: when });
    else hitRules.push(compiled);
  }
  return {
    model,
    groups,
    hitRules,
    fitRules,
    thresholds: new Map(model.thresholds.map((threshold) => [threshold.group, threshold])),
  };
}

/** The order hits are read in: by instant, then id, so every delivery order reads them alike. @internal */
export function compareHits(a: Hit, b: Hit): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The entries a contact's hits are worth under the rules: a pure function of the set of hits
 * (sorted here), so the result cannot depend on how they arrived.
 * @internal
 */
export function deriveHitEntries(
  model: CompiledModel,
  hits: readonly Hit[],
  timezone: string,
): DesiredEntry[] {
  const sorted = [...hits].sort(compareHits);
  const urls = new Map<string, URL | null>();
  const urlOf = (hit: Hit) => {
    if (hit.url === undefined) return null;
    let url = urls.get(hit.id);
    if (url === undefined) {
      url = URL.canParse(hit.url) ? new URL(hit.url) : null;
      urls.set(hit.id, url);
    }
    return url;
  };
  const out: DesiredEntry[] = [];
  for (const compiled of model.hitRules) {
    const qualifying = qualifyingHits(compiled, sorted, urlOf);
    for (const hit of applyRepeat(compiled.repeat, qualifying, timezone)) {
      out.push({
        key: `${compiled.rule.id} ${hit.id}`,
        group: compiled.group,
        ruleId: compiled.rule.id,
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

function qualifyingHits(
  compiled: CompiledRule,
  hits: readonly Hit[],
  urlOf: (hit: Hit) => URL | null,
): Hit[] {
  const when = compiled.rule.when;
  const matchesUrl = (hit: Hit) => {
    if (compiled.url === undefined) return true;
    const url = urlOf(hit);
    return url !== null && compiled.url.test(url);
  };
  switch (when.type) {
    case "page": {
      const visits = hits.filter((hit) => hit.type === "pageview" && matchesUrl(hit));
      return visits.filter((hit, index) => {
        if (when.first === true && index > 0) return false;
        if (when.minVisits !== undefined && index + 1 < when.minVisits) return false;
        if (compiled.returnWithin !== undefined || compiled.returnAfter !== undefined) {
          const previous = visits[index - 1];
          if (previous === undefined) return false;
          const gap = Date.parse(hit.at) - Date.parse(previous.at);
          if (compiled.returnWithin !== undefined && gap > compiled.returnWithin) return false;
          if (compiled.returnAfter !== undefined && gap < compiled.returnAfter) return false;
        }
        return true;
      });
    }
    case "engagement": {
      let seconds = 0;
      return hits.filter((hit) => {
        if (hit.type !== "engagement" || !matchesUrl(hit)) return false;
        seconds += hit.seconds ?? 0;
        return seconds >= when.minSeconds;
      });
    }
    case "event":
      return hits.filter(
        (hit) =>
          hit.type === "event" &&
          hit.name === when.name &&
          matchesUrl(hit) &&
          Object.entries(when.props ?? {}).every(([key, expected]) => {
            const actual = ownValue(hit.props, key);
            return Array.isArray(expected)
              ? expected.includes(actual ?? null)
              : actual === expected;
          }),
      );
    case "fit":
      return [];
  }
}

function applyRepeat(repeat: RepeatPolicy, hits: readonly Hit[], timezone: string): readonly Hit[] {
  if (repeat === "always") return hits;
  if (repeat === "once") return hits.slice(0, 1);
  const seen = new Set<number>();
  return hits.filter((hit) => {
    const period = startOfPeriod(Date.parse(hit.at), repeat, timezone);
    if (seen.has(period)) return false;
    seen.add(period);
    return true;
  });
}
