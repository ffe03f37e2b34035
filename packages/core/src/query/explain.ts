import { toIsoInstant } from "../environment.js";
import type { PathSegment } from "../errors.js";
import { compileRegex } from "../patterns/index.js";
import type { StoredRecord } from "../storage/index.js";
import { countActivities, type EvaluationContext } from "./compile.js";
import { type FieldInfo, readPath, resolveField } from "./fields.js";
import type { QueryOperator, Scalar, SegmentQuery } from "./query.js";
import type { QueryEnvironment } from "./resolved.js";
import { parseQueryInstant, relativeDateSpan, relativeSpan, type TimeSpan } from "./values.js";

/** How one node of a query fared against one record. */
export interface ExplainNode {
  /** The node's path in the query, as in validation errors. */
  readonly path: readonly PathSegment[];
  /** The node's operator. */
  readonly op: QueryOperator;
  /** Whether the record satisfies the node. */
  readonly matched: boolean;
  /** The field compared, for field clauses. */
  readonly field?: string;
  /** The record's value that was compared (`undefined` when missing). */
  readonly actual?: unknown;
  /** What it was compared with: the query's value(s), or the span a relative date stands for. */
  readonly expected?: unknown;
  /** One line a UI can show, e.g. `country eq "FR": actual "DE" → no`. */
  readonly summary: string;
  /** The explanations of a combinator's children (or of a referenced segment's query). */
  readonly children?: readonly ExplainNode[];
}

const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);

/**
 * Evaluates a query on one record the simple way, recording every comparison. This is the
 * reference interpreter: compiled predicates are checked against it, so it favours obviousness
 * over speed (it never short-circuits, and compares instants as numbers where the compiled form
 * compares canonical strings). The query must already be valid.
 *
 * @internal
 */
export function explainQuery(
  query: SegmentQuery,
  record: StoredRecord,
  env: QueryEnvironment,
  context: EvaluationContext,
  path: readonly PathSegment[] = [],
): ExplainNode {
  const fieldOf = (name: string): FieldInfo => {
    const info = resolveField(name, env.target, env.taxonomy);
    if (info === undefined) throw new Error(`unknown field ${name}`);
    return info;
  };
  const read = (info: FieldInfo): unknown => {
    let value: unknown;
    if (info.source === "team") {
      value = typeof record.ownerId === "string" ? context.teamOf(record.ownerId) : undefined;
    } else {
      const holder = info.source === "account" ? context.account(record) : record;
      value = holder === null ? undefined : readPath(holder, info.path);
    }
    return (value === undefined || value === null) && info.fallback !== undefined
      ? info.fallback
      : value;
  };
  /** Turns a value of a comparable field into a number, or undefined. */
  const numeric = (info: FieldInfo, value: unknown): number | undefined => {
    if (info.type === "number") return typeof value === "number" ? value : undefined;
    if (typeof value !== "string") return undefined;
    const ms = info.type === "date" ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  };
  const expectedNumber = (info: FieldInfo, value: Scalar): number => {
    if (info.type === "number") return value as number;
    if (info.type === "date") return Date.parse(`${value as string}T00:00:00Z`);
    return parseQueryInstant(value as string, env.timezone)!;
  };
  const same = (info: FieldInfo, actual: unknown, expected: Scalar): boolean => {
    if (info.type === "instant") {
      const a = numeric(info, actual);
      return a !== undefined && a === expectedNumber(info, expected);
    }
    return actual === expected;
  };
  const done = (
    op: QueryOperator,
    matched: boolean,
    extra: { field?: string; actual?: unknown; expected?: unknown; children?: ExplainNode[] },
  ): ExplainNode => {
    const shown = (v: unknown) => (v === undefined ? "missing" : JSON.stringify(v));
    const summary =
      extra.field === undefined
        ? `${op}: ${matched ? "yes" : "no"}`
        : `${extra.field} ${op}${extra.expected === undefined ? "" : ` ${shown(extra.expected)}`}: actual ${shown(extra.actual)} → ${matched ? "yes" : "no"}`;
    return { path, op, matched, summary, ...extra };
  };
  const sub = (child: SegmentQuery, at: readonly PathSegment[]) =>
    explainQuery(child, record, env, context, at);

  switch (query.op) {
    case "and":
    case "or": {
      const children = query.of.map((child, index) => sub(child, [...path, "of", index]));
      const matched =
        query.op === "and" ? children.every((c) => c.matched) : children.some((c) => c.matched);
      return done(query.op, matched, { children });
    }
    case "not": {
      const child = sub(query.of, [...path, "of"]);
      return done("not", !child.matched, { children: [child] });
    }
    case "eq":
    case "ne": {
      const info = fieldOf(query.field);
      const actual = read(info);
      const equal = actual !== undefined && actual !== null && same(info, actual, query.value);
      return done(query.op, query.op === "eq" ? equal : !equal, {
        field: query.field,
        actual,
        expected: query.value,
      });
    }
    case "in":
    case "notIn": {
      const info = fieldOf(query.field);
      const actual = read(info);
      const found =
        actual !== undefined && actual !== null && query.values.some((v) => same(info, actual, v));
      return done(query.op, query.op === "in" ? found : !found, {
        field: query.field,
        actual,
        expected: query.values,
      });
    }
    case "lt":
    case "lte":
    case "gt":
    case "gte":
    case "between": {
      const info = fieldOf(query.field);
      const actual = read(info);
      const a = numeric(info, actual);
      let matched = false;
      if (a !== undefined) {
        if (query.op === "between") {
          matched = a >= expectedNumber(info, query.from) && a <= expectedNumber(info, query.to);
        } else {
          const b = expectedNumber(info, query.value);
          matched =
            query.op === "lt"
              ? a < b
              : query.op === "lte"
                ? a <= b
                : query.op === "gt"
                  ? a > b
                  : a >= b;
        }
      }
      const expected = query.op === "between" ? [query.from, query.to] : query.value;
      return done(query.op, matched, { field: query.field, actual, expected });
    }
    case "exists":
    case "empty": {
      const actual = read(fieldOf(query.field));
      return done(query.op, query.op === "empty" ? isEmpty(actual) : !isEmpty(actual), {
        field: query.field,
        actual,
      });
    }
    case "contains":
    case "startsWith":
    case "endsWith": {
      const actual = read(fieldOf(query.field));
      let matched = false;
      if (typeof actual === "string") {
        const text = query.ignoreCase ? actual.toLowerCase() : actual;
        const value = query.ignoreCase ? query.value.toLowerCase() : query.value;
        const at = text.indexOf(value);
        matched =
          query.op === "contains"
            ? at !== -1
            : query.op === "startsWith"
              ? text.slice(0, value.length) === value
              : text.slice(text.length - value.length) === value;
      }
      return done(query.op, matched, { field: query.field, actual, expected: query.value });
    }
    case "matches": {
      const actual = read(fieldOf(query.field));
      const compiled = compileRegex(query.pattern, { ignoreCase: query.ignoreCase ?? false });
      const matched = compiled.ok && typeof actual === "string" && compiled.regex.test(actual);
      return done("matches", matched, { field: query.field, actual, expected: query.pattern });
    }
    case "hasTag":
    case "hasAnyTag":
    case "hasAllTags":
    case "hasTagInCategory":
    case "categoryIs": {
      const raw =
        env.target === "deal"
          ? readPath(record, [query.of ?? "self", "tags"])
          : (query.of === "account" ? context.account(record) : record)?.tags;
      const actual = Array.isArray(raw) ? raw : [];
      let matched: boolean;
      let expected: unknown;
      if (query.op === "hasTag" || query.op === "categoryIs") {
        matched = actual.includes(query.tag);
        expected = query.tag;
      } else if (query.op === "hasAnyTag") {
        matched = query.tags.some((tag) => actual.includes(tag));
        expected = query.tags;
      } else if (query.op === "hasAllTags") {
        matched = query.tags.every((tag) => actual.includes(tag));
        expected = query.tags;
      } else {
        const category = (query as { readonly category: string }).category;
        matched = actual.some(
          (tag) => env.taxonomy.tags.get(tag as string)?.categoryId === category,
        );
        expected = category;
      }
      const field = query.of === "account" || query.of === "contact" ? `${query.of}.tags` : "tags";
      return done(query.op, matched, { field, actual: raw, expected });
    }
    case "withinLast":
    case "olderThan":
    case "withinNext":
    case "inPeriod": {
      const info = fieldOf(query.field);
      const actual = read(info);
      const timezone = query.timezone ?? env.timezone;
      const amount = query.op === "inPeriod" ? (query.offset ?? 0) : query.amount;
      let span: TimeSpan;
      if (info.type === "date") {
        const days = relativeDateSpan(query.op, amount, query.unit, env.at, timezone);
        const ms = (d: string | undefined) =>
          d === undefined ? undefined : Date.parse(`${d}T00:00:00Z`);
        const from = ms(days.from);
        const to = ms(days.to);
        span = {
          ...(from === undefined ? {} : { from }),
          fromInclusive: days.fromInclusive,
          ...(to === undefined ? {} : { to }),
          toInclusive: days.toInclusive,
        };
      } else {
        span = relativeSpan(query.op, amount, query.unit, env.at, timezone);
      }
      const a = numeric(info, actual);
      const matched =
        a !== undefined &&
        (span.from === undefined || (span.fromInclusive ? a >= span.from : a > span.from)) &&
        (span.to === undefined || (span.toInclusive ? a <= span.to : a < span.to));
      const iso = (ms: number | undefined) => (ms === undefined ? null : toIsoInstant(ms));
      const expected = {
        from: iso(span.from),
        fromInclusive: span.fromInclusive,
        to: iso(span.to),
        toInclusive: span.toInclusive,
      };
      return done(query.op, matched, { field: query.field, actual, expected });
    }
    case "activities": {
      const since = query.since ?? "stageEntry";
      const atLeast = query.atLeast ?? 1;
      const actual = countActivities(record, query.types, since);
      return done("activities", actual >= atLeast, {
        field: "activities",
        actual,
        expected: { types: query.types ?? null, since, atLeast },
      });
    }
    case "inSegment": {
      const segment = env.segments.get(query.segment);
      if (segment === undefined) throw new Error(`unknown segment ${query.segment}`);
      const child = explainQuery(segment.query, record, env, context, [...path, "segment"]);
      return done("inSegment", child.matched, { expected: query.segment, children: [child] });
    }
  }
}
