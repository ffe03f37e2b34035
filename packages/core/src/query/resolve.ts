import { toIsoInstant } from "../environment.js";
import type { PathSegment, ValidationIssue } from "../errors.js";
import { compileRegex, type LinearRegex } from "../patterns/index.js";
import type { PartyKind, Taxonomy } from "../records/index.js";
import { isValidTimezone } from "../time/index.js";
import { type FieldInfo, type FieldSource, type QueryTarget, resolveField } from "./fields.js";
import type { Scalar, SegmentQuery } from "./query.js";
import { isCalendarDate, parseQueryInstant, relativeDateSpan, relativeSpan } from "./values.js";

/** A saved segment as the resolver needs it. */
export interface SegmentDefinitionLike {
  /** The segment id. */
  readonly id: string;
  /** The kind of records it selects. */
  readonly target: PartyKind;
  /** Its query. */
  readonly query: SegmentQuery;
}

/** Everything a query is checked and evaluated against. */
export interface QueryEnvironment {
  /** The kind of records queried. */
  readonly target: QueryTarget;
  /** The workspace's statuses, tags and custom fields. */
  readonly taxonomy: Taxonomy;
  /** Saved segments by id, for `inSegment`. */
  readonly segments: ReadonlyMap<string, SegmentDefinitionLike>;
  /** The instant relative dates are evaluated at, in ms since the epoch. */
  readonly at: number;
  /** The timezone of relative dates and calendar-date values without their own. */
  readonly timezone: string;
  /** The id of the saved segment whose query this is, so a reference back to it is a cycle. */
  readonly self?: string;
}

/** Where a resolved clause reads its value. */
export interface Getter {
  /** The record the value lives in. */
  readonly source: FieldSource;
  /** The value's path in that record. */
  readonly path: readonly string[];
  /** The value a missing field counts as. */
  readonly fallback?: number;
  /** The storage index on the field, when the value lives in the record itself. */
  readonly index?: string;
}

/** A resolved query: fields typed, values normalised, ids checked, saved segments inlined. */
export type ResolvedQuery =
  | { readonly k: "and" | "or"; readonly of: readonly ResolvedQuery[] }
  | { readonly k: "not"; readonly of: ResolvedQuery }
  | { readonly k: "const"; readonly value: boolean }
  | { readonly k: "eq"; readonly get: Getter; readonly value: Scalar }
  | { readonly k: "in"; readonly get: Getter; readonly values: readonly Scalar[] }
  | {
      readonly k: "range";
      readonly get: Getter;
      readonly kind: "number" | "string";
      readonly lower?: number | string;
      readonly lowerInclusive: boolean;
      readonly upper?: number | string;
      readonly upperInclusive: boolean;
      /** Whether the bounds come from the clock (a relative date). */
      readonly relative: boolean;
    }
  | { readonly k: "empty"; readonly get: Getter }
  | {
      readonly k: "text";
      readonly get: Getter;
      readonly mode: "contains" | "startsWith" | "endsWith";
      readonly value: string;
      readonly ignoreCase: boolean;
    }
  | { readonly k: "regex"; readonly get: Getter; readonly regex: LinearRegex }
  | {
      readonly k: "tags";
      readonly get: Getter;
      readonly mode: "any" | "all";
      readonly tags: readonly string[];
    }
  | {
      readonly k: "activities";
      /** The counted action types; `undefined` counts every type. */
      readonly types: readonly string[] | undefined;
      readonly since: "stageEntry" | "dealCreation";
      readonly atLeast: number;
    };

/** The outcome of resolving a query. */
export interface Resolution {
  /** The resolved query, when there were no issues. */
  readonly query?: ResolvedQuery;
  /** Every problem found, with the path of the bad node. */
  readonly issues: ValidationIssue[];
  /** Whether the query depends on the clock (relative dates). */
  readonly usesClock: boolean;
  /** Whether the query reads the contact's account. */
  readonly usesAccount: boolean;
  /** Whether the query reads the owner's team. */
  readonly usesTeam: boolean;
}

const comparable = new Set(["number", "instant", "date"]);
const textual = new Set(["string", "enum", "id", "status"]);

/**
 * Checks a (shape-valid) query against the workspace and resolves it for evaluation. Unknown fields,
 * tags of the wrong category, comparisons of the wrong type, unsafe patterns, unknown or cyclic
 * segment references are all reported, each with its path.
 *
 * @internal
 */
export function resolveQuery(query: SegmentQuery, env: QueryEnvironment): Resolution {
  const issues: ValidationIssue[] = [];
  const flags = { usesClock: false, usesAccount: false, usesTeam: false };
  const problem = (path: readonly PathSegment[], message: string, code = "invalid_query") => {
    issues.push({ path: [...path], message, code });
  };

  const field = (name: string, path: readonly PathSegment[]): FieldInfo | undefined => {
    const info = resolveField(name, env.target, env.taxonomy);
    if (info === undefined)
      problem([...path, "field"], `unknown field "${name}" on ${env.target}s`, "unknown_field");
    return info;
  };
  const getter = (info: FieldInfo): Getter => {
    if (info.source === "account") flags.usesAccount = true;
    if (info.source === "team") flags.usesTeam = true;
    return {
      source: info.source,
      path: info.path,
      ...(info.fallback === undefined ? {} : { fallback: info.fallback }),
      ...(info.index === undefined ? {} : { index: info.index }),
    };
  };

  /** Checks one value against a field; returns the normalised value or undefined after reporting. */
  const value = (
    info: FieldInfo,
    raw: Scalar,
    path: readonly PathSegment[],
  ): Scalar | undefined => {
    const fail = (message: string) => {
      problem(path, message, "wrong_type");
      return undefined;
    };
    switch (info.type) {
      case "number":
        return typeof raw === "number"
          ? raw
          : fail(`"${info.name}" is a number; compare it with a number`);
      case "boolean":
        return typeof raw === "boolean"
          ? raw
          : fail(`"${info.name}" is a boolean; compare it with true or false`);
      case "instant": {
        if (typeof raw !== "string")
          return fail(`"${info.name}" is an instant; compare it with an ISO 8601 date-time`);
        const ms = parseQueryInstant(raw, env.timezone);
        return ms === undefined
          ? fail(`"${raw}" is not an ISO 8601 date-time or date`)
          : toIsoInstant(ms);
      }
      case "date":
        if (typeof raw !== "string" || !isCalendarDate(raw))
          return fail(`"${info.name}" is a date; compare it with YYYY-MM-DD`);
        return raw;
      case "enum":
        if (typeof raw !== "string")
          return fail(`"${info.name}" is an enum; compare it with one of its values`);
        return info.options?.includes(raw)
          ? raw
          : fail(`"${raw}" is not a value of "${info.name}" (${info.options?.join(", ")})`);
      case "status":
        if (typeof raw !== "string")
          return fail(`"${info.name}" is a status; compare it with a status id`);
        return env.taxonomy.statuses.has(raw) ? raw : fail(`unknown status "${raw}"`);
      case "tags":
        return fail(`use the tag operators (hasTag, hasAnyTag…) for "${info.name}"`);
      case "list":
        return fail(`"${info.name}" is a list; test it with exists or empty`);
      default:
        return typeof raw === "string"
          ? raw
          : fail(`"${info.name}" is text; compare it with a string`);
    }
  };

  const tagGetter = (
    of: "self" | "account" | "contact" | undefined,
    path: readonly PathSegment[],
  ): Getter | undefined => {
    if (env.target === "user") {
      problem([...path, "op"], "users have no tags");
      return undefined;
    }
    if (env.target === "deal") {
      // A deal's view embeds its contact and account; deals themselves carry no tags.
      if (of === "contact" || of === "account") return { source: "self", path: [of, "tags"] };
      problem([...path, "of"], 'deals have no tags: test of "contact" or of "account"');
      return undefined;
    }
    if (of === "contact") {
      problem([...path, "of"], 'only deal conditions can test "contact" tags');
      return undefined;
    }
    if (of === "account") {
      if (env.target !== "contact") {
        problem([...path, "of"], "only contact queries can test their account's tags");
        return undefined;
      }
      flags.usesAccount = true;
      return { source: "account", path: ["tags"] };
    }
    return { source: "self", path: ["tags"], index: "tags" };
  };
  const knownTag = (tag: string, path: readonly PathSegment[]): boolean => {
    if (env.taxonomy.tags.has(tag)) return true;
    problem(path, `unknown tag "${tag}"`, "unknown_tag");
    return false;
  };

  const visiting: string[] = env.self === undefined ? [] : [env.self];

  const walk = (node: SegmentQuery, path: readonly PathSegment[]): ResolvedQuery | undefined => {
    switch (node.op) {
      case "and":
      case "or": {
        const of = node.of.map((child, index) => walk(child, [...path, "of", index]));
        return of.every((child) => child !== undefined) ? { k: node.op, of } : undefined;
      }
      case "not": {
        const of = walk(node.of, [...path, "of"]);
        return of === undefined ? undefined : { k: "not", of };
      }
      case "eq":
      case "ne": {
        const info = field(node.field, path);
        if (info === undefined) return undefined;
        const normalised = value(info, node.value, [...path, "value"]);
        if (normalised === undefined) return undefined;
        const eq: ResolvedQuery = { k: "eq", get: getter(info), value: normalised };
        return node.op === "eq" ? eq : { k: "not", of: eq };
      }
      case "in":
      case "notIn": {
        const info = field(node.field, path);
        if (info === undefined) return undefined;
        const values = node.values.map((raw, index) =>
          value(info, raw, [...path, "values", index]),
        );
        if (!values.every((entry) => entry !== undefined)) return undefined;
        const resolved: ResolvedQuery = {
          k: "in",
          get: getter(info),
          values: [...new Set(values)],
        };
        return node.op === "in" ? resolved : { k: "not", of: resolved };
      }
      case "lt":
      case "lte":
      case "gt":
      case "gte":
      case "between": {
        const info = field(node.field, path);
        if (info === undefined) return undefined;
        if (!comparable.has(info.type)) {
          problem(
            [...path, "op"],
            `"${info.name}" is ${info.type}; ${node.op} needs a number, instant or date field`,
            "wrong_type",
          );
          return undefined;
        }
        const kind = info.type === "number" ? "number" : "string";
        if (node.op === "between") {
          const from = value(info, node.from, [...path, "from"]);
          const to = value(info, node.to, [...path, "to"]);
          if (from === undefined || to === undefined) return undefined;
          if (from > to) {
            problem([...path, "to"], "between needs from ≤ to");
            return undefined;
          }
          return {
            k: "range",
            get: getter(info),
            kind,
            lower: from as number | string,
            lowerInclusive: true,
            upper: to as number | string,
            upperInclusive: true,
            relative: false,
          };
        }
        const bound = value(info, node.value, [...path, "value"]) as number | string | undefined;
        if (bound === undefined) return undefined;
        const get = getter(info);
        return node.op === "lt" || node.op === "lte"
          ? {
              k: "range",
              get,
              kind,
              upper: bound,
              upperInclusive: node.op === "lte",
              lowerInclusive: false,
              relative: false,
            }
          : {
              k: "range",
              get,
              kind,
              lower: bound,
              lowerInclusive: node.op === "gte",
              upperInclusive: false,
              relative: false,
            };
      }
      case "exists":
      case "empty": {
        const info = field(node.field, path);
        if (info === undefined) return undefined;
        const empty: ResolvedQuery = { k: "empty", get: getter(info) };
        return node.op === "empty" ? empty : { k: "not", of: empty };
      }
      case "contains":
      case "startsWith":
      case "endsWith":
      case "matches": {
        const info = field(node.field, path);
        if (info === undefined) return undefined;
        if (!textual.has(info.type)) {
          problem(
            [...path, "op"],
            `"${info.name}" is ${info.type}; ${node.op} needs a text field`,
            "wrong_type",
          );
          return undefined;
        }
        const ignoreCase = node.ignoreCase ?? false;
        if (node.op === "matches") {
          const compiled = compileRegex(node.pattern, { ignoreCase });
          if (!compiled.ok) {
            problem([...path, "pattern"], compiled.reason, "unsafe_pattern");
            return undefined;
          }
          return { k: "regex", get: getter(info), regex: compiled.regex };
        }
        return {
          k: "text",
          get: getter(info),
          mode: node.op,
          value: ignoreCase ? node.value.toLowerCase() : node.value,
          ignoreCase,
        };
      }
      case "hasTag": {
        const get = tagGetter(node.of, path);
        return get && knownTag(node.tag, [...path, "tag"])
          ? { k: "tags", get, mode: "any", tags: [node.tag] }
          : undefined;
      }
      case "hasAnyTag":
      case "hasAllTags": {
        const get = tagGetter(node.of, path);
        const known = node.tags.map((tag, index) => knownTag(tag, [...path, "tags", index]));
        if (get === undefined || !known.every(Boolean)) return undefined;
        return {
          k: "tags",
          get,
          mode: node.op === "hasAnyTag" ? "any" : "all",
          tags: [...new Set(node.tags)],
        };
      }
      case "hasTagInCategory":
      case "categoryIs": {
        const get = tagGetter(node.of, path);
        if (!env.taxonomy.categories.has(node.category)) {
          problem(
            [...path, "category"],
            `unknown tag category "${node.category}"`,
            "unknown_category",
          );
          return undefined;
        }
        if (get === undefined) return undefined;
        if (node.op === "categoryIs") {
          const tag = env.taxonomy.tags.get(node.tag);
          if (tag === undefined) {
            problem([...path, "tag"], `unknown tag "${node.tag}"`, "unknown_tag");
            return undefined;
          }
          if (tag.categoryId !== node.category) {
            problem(
              [...path, "tag"],
              `tag "${node.tag}" is not in category "${node.category}"`,
              "wrong_category",
            );
            return undefined;
          }
          return { k: "tags", get, mode: "any", tags: [node.tag] };
        }
        const tags = [...env.taxonomy.tags.values()]
          .filter((tag) => tag.categoryId === node.category)
          .map((tag) => tag.id);
        return tags.length === 0
          ? { k: "const", value: false }
          : { k: "tags", get, mode: "any", tags };
      }
      case "withinLast":
      case "olderThan":
      case "withinNext":
      case "inPeriod": {
        const info = field(node.field, path);
        if (info === undefined) return undefined;
        if (info.type !== "instant" && info.type !== "date") {
          problem(
            [...path, "op"],
            `"${info.name}" is ${info.type}; relative dates need an instant or date field`,
            "wrong_type",
          );
          return undefined;
        }
        const timezone = node.timezone ?? env.timezone;
        if (!isValidTimezone(timezone)) {
          problem([...path, "timezone"], `unknown timezone "${timezone}"`);
          return undefined;
        }
        flags.usesClock = true;
        const amount = node.op === "inPeriod" ? (node.offset ?? 0) : node.amount;
        const get = getter(info);
        if (info.type === "date") {
          const span = relativeDateSpan(node.op, amount, node.unit, env.at, timezone);
          return {
            k: "range",
            get,
            kind: "string",
            ...bounds(span.from, span.fromInclusive, span.to, span.toInclusive),
            relative: true,
          };
        }
        const span = relativeSpan(node.op, amount, node.unit, env.at, timezone);
        const iso = (ms: number | undefined) => (ms === undefined ? undefined : toIsoInstant(ms));
        return {
          k: "range",
          get,
          kind: "string",
          ...bounds(iso(span.from), span.fromInclusive, iso(span.to), span.toInclusive),
          relative: true,
        };
      }
      case "activities": {
        if (env.target !== "deal") {
          problem([...path, "op"], "activity facts only apply to deal conditions");
          return undefined;
        }
        return {
          k: "activities",
          types: node.types === undefined ? undefined : [...new Set(node.types)],
          since: node.since ?? "stageEntry",
          atLeast: node.atLeast ?? 1,
        };
      }
      case "inSegment": {
        const segment = env.segments.get(node.segment);
        if (segment === undefined) {
          problem([...path, "segment"], `unknown segment "${node.segment}"`, "unknown_segment");
          return undefined;
        }
        if (segment.target !== env.target) {
          problem(
            [...path, "segment"],
            `segment "${node.segment}" selects ${segment.target}s, not ${env.target}s`,
          );
          return undefined;
        }
        if (visiting.includes(segment.id)) {
          problem(
            [...path, "segment"],
            `segment cycle: ${[...visiting, segment.id].join(" → ")}`,
            "segment_cycle",
          );
          return undefined;
        }
        visiting.push(segment.id);
        const before = issues.length;
        const inner = walk(segment.query, path);
        visiting.pop();
        if (
          issues.length > before &&
          !issues.slice(before).some((issue) => issue.code === "segment_cycle")
        ) {
          // Errors inside a saved segment are reported at the reference, naming the segment.
          const inside = issues.splice(before);
          problem(
            [...path, "segment"],
            `segment "${segment.id}" is invalid: ${inside[0]!.message}`,
          );
        }
        return inner;
      }
    }
  };

  const resolved = walk(query, []);
  return {
    ...(issues.length === 0 && resolved !== undefined ? { query: resolved } : {}),
    issues,
    ...flags,
  };
}

function bounds(
  lower: string | undefined,
  lowerInclusive: boolean,
  upper: string | undefined,
  upperInclusive: boolean,
): { lower?: string; lowerInclusive: boolean; upper?: string; upperInclusive: boolean } {
  return {
    ...(lower === undefined ? {} : { lower }),
    lowerInclusive,
    ...(upper === undefined ? {} : { upper }),
    upperInclusive,
  };
}
