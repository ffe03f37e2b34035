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
  /** The stored model's revision (0 for the empty model). */
  readonly revision: number;
  readonly groups: ReadonlyMap<string, ScoreGroup>;
  readonly hitRules: readonly CompiledRule[];
  readonly fitRules: readonly (CompiledRule & { readonly trigger: FitTrigger })[];
  readonly thresholds: ReadonlyMap<string, ScoreThreshold>;
  /** What each rule gives, as a string: a rule whose signature changed must be re-derived. */
  readonly signatures: ReadonlyMap<string, string>;
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
export function compileModel(model: ScoringModel, revision = 0): CompiledModel {
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
  const signatures = new Map(
    [...hitRules, ...fitRules].map((compiled) => [
      compiled.rule.id,
      JSON.stringify([
        compiled.group,
        compiled.rule.points,
        compiled.rule.name ?? null,
        compiled.rule.when,
        compiled.repeat,
        compiled.decay ?? null,
      ]),
    ]),
  );
  return {
    model,
    revision,
    signatures,
    groups,
    hitRules,
    fitRules,
    thresholds: new Map(model.thresholds.map((threshold) => [threshold.group, threshold])),
  };
}

/** The order hits are read in: by instant, then id, so every delivery order reads them alike. @internal */
export function compareHits(a: Pick<Hit, "at" | "id">, b: Pick<Hit, "at" | "id">): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
