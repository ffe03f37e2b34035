// Length: the query language's declarations and their zod schema side by side, one operator per
// block, so they cannot drift.
import type { CalendarUnit } from "../time/index.js";
import * as z from "../zod.js";

/** A value a field can be compared with. */
export type Scalar = string | number | boolean;

/** Operators comparing a field with one value. */
export type EqualityOperator = "eq" | "ne";
/** Operators comparing a field with a list of values. */
export type SetOperator = "in" | "notIn";
/** Ordering operators, for numbers, instants and dates. */
export type OrderOperator = "lt" | "lte" | "gt" | "gte";
/** Text operators. */
export type TextOperator = "contains" | "startsWith" | "endsWith";
/** Relative-date operators, evaluated against the injected clock. */
export type RelativeOperator = "withinLast" | "olderThan" | "withinNext";

/**
 * Whose tags a tag clause tests: the record itself, (from a contact or a deal) its account, or (from
 * a deal) its contact.
 */
export type TagOwner = "self" | "account" | "contact";

/** All of the clauses. */
export interface AndQuery {
  /** The operator. */
  readonly op: "and";
  /** The clauses (at least one). */
  readonly of: readonly SegmentQuery[];
}

/** Any of the clauses. */
export interface OrQuery {
  /** The operator. */
  readonly op: "or";
  /** The clauses (at least one). */
  readonly of: readonly SegmentQuery[];
}

/** The complement of a clause. */
export interface NotQuery {
  /** The operator. */
  readonly op: "not";
  /** The clause. */
  readonly of: SegmentQuery;
}

/** A field equal (`eq`) or not equal (`ne`) to a value. */
export interface EqualityQuery {
  /** The operator. */
  readonly op: EqualityOperator;
  /** The field's path. */
  readonly field: string;
  /** The value, of the field's type. */
  readonly value: Scalar;
}

/** A field in (`in`) or not in (`notIn`) a list of values. */
export interface SetQuery {
  /** The operator. */
  readonly op: SetOperator;
  /** The field's path. */
  readonly field: string;
  /** The values (at least one). */
  readonly values: readonly Scalar[];
}

/** A number, instant or date field compared with a bound. */
export interface OrderQuery {
  /** The operator. */
  readonly op: OrderOperator;
  /** The field's path. */
  readonly field: string;
  /** A number, an ISO 8601 instant or a `YYYY-MM-DD` date. */
  readonly value: number | string;
}

/** A number, instant or date field between two bounds, both included. */
export interface BetweenQuery {
  /** The operator. */
  readonly op: "between";
  /** The field's path. */
  readonly field: string;
  /** The lower bound. */
  readonly from: number | string;
  /** The upper bound. */
  readonly to: number | string;
}

/** A field that has a value (`exists`) or none (`empty`: missing, null, "" or []). */
export interface PresenceQuery {
  /** The operator. */
  readonly op: "exists" | "empty";
  /** The field's path. */
  readonly field: string;
}

/** A text field that contains, starts with or ends with a text. */
export interface TextQuery {
  /** The operator. */
  readonly op: TextOperator;
  /** The field's path. */
  readonly field: string;
  /** The text looked for. */
  readonly value: string;
  /** Whether case is ignored. @defaultValue false */
  readonly ignoreCase?: boolean | undefined;
}

/** A text field matching a bounded, backtracking-safe regular expression. */
export interface MatchesQuery {
  /** The operator. */
  readonly op: "matches";
  /** The field's path. */
  readonly field: string;
  /** The pattern, at most {@link maxPatternLength} characters. */
  readonly pattern: string;
  /** Whether case is ignored. @defaultValue false */
  readonly ignoreCase?: boolean | undefined;
}

/** The record (or, from a contact, its account) has a tag. */
export interface HasTagQuery {
  /** The operator. */
  readonly op: "hasTag";
  /** The tag id. */
  readonly tag: string;
  /** Whose tags: the record's own or its account's. @defaultValue "self" */
  readonly of?: TagOwner | undefined;
}

/** The record has any (`hasAnyTag`) or all (`hasAllTags`) of some tags. */
export interface TagListQuery {
  /** The operator. */
  readonly op: "hasAnyTag" | "hasAllTags";
  /** The tag ids (at least one). */
  readonly tags: readonly string[];
  /** Whose tags. @defaultValue "self" */
  readonly of?: TagOwner | undefined;
}

/** The record has some tag of a category. */
export interface TagCategoryQuery {
  /** The operator. */
  readonly op: "hasTagInCategory";
  /** The category id. */
  readonly category: string;
  /** Whose tags. @defaultValue "self" */
  readonly of?: TagOwner | undefined;
}

/** The record's tag in a category is this one ("potential is Gold"). */
export interface CategoryIsQuery {
  /** The operator. */
  readonly op: "categoryIs";
  /** The category id. */
  readonly category: string;
  /** The tag id, which must belong to the category. */
  readonly tag: string;
  /** Whose tags. @defaultValue "self" */
  readonly of?: TagOwner | undefined;
}

/** An instant or date field relative to the clock: within the last or next n units, or older. */
export interface RelativeDateQuery {
  /** The operator. */
  readonly op: RelativeOperator;
  /** The field's path. */
  readonly field: string;
  /** How many units. */
  readonly amount: number;
  /** The calendar unit. */
  readonly unit: CalendarUnit;
  /** The timezone of the calendar arithmetic. @defaultValue the workspace's */
  readonly timezone?: string | undefined;
}

/** An instant or date field in a calendar period relative to the current one. */
export interface PeriodQuery {
  /** The operator. */
  readonly op: "inPeriod";
  /** The field's path. */
  readonly field: string;
  /** The period's unit. */
  readonly unit: CalendarUnit;
  /** 0 for the current period, -1 for the previous one, 1 for the next. @defaultValue 0 */
  readonly offset?: number | undefined;
  /** The timezone of the calendar. @defaultValue the workspace's */
  readonly timezone?: string | undefined;
}

/** Membership of another saved segment (of the same target). */
export interface InSegmentQuery {
  /** The operator. */
  readonly op: "inSegment";
  /** The saved segment's id. */
  readonly segment: string;
}

/**
 * A fact about a deal's activities (deal conditions only): at least `atLeast` activities of the
 * given types marked done since the deal entered its current stage (or since it was created).
 */
export interface ActivityFactQuery {
  /** The operator. */
  readonly op: "activities";
  /** The action types that count; any type when omitted. */
  readonly types?: readonly string[] | undefined;
  /** From when done activities count. @defaultValue "stageEntry" */
  readonly since?: "stageEntry" | "dealCreation" | undefined;
  /** How many are needed. @defaultValue 1 */
  readonly atLeast?: number | undefined;
}

/**
 * A segment query: a JSON-serialisable tree that selects contacts or accounts. Fields are named by
 * their path in the record (`status`, `country`, `custom.industry`, `scores.global`), `teamId` (the
 * owner's team), or, from a contact, `account.<field>` for its account's fields.
 *
 * A field that is missing (or `null`) matches no comparison except `ne`, `notIn` and `empty`, so
 * `not` is always the exact complement.
 */
export type SegmentQuery =
  | AndQuery
  | OrQuery
  | NotQuery
  | EqualityQuery
  | SetQuery
  | OrderQuery
  | BetweenQuery
  | PresenceQuery
  | TextQuery
  | MatchesQuery
  | HasTagQuery
  | TagListQuery
  | TagCategoryQuery
  | CategoryIsQuery
  | RelativeDateQuery
  | PeriodQuery
  | InSegmentQuery
  | ActivityFactQuery;

/** The `op` of every query node. */
export type QueryOperator = SegmentQuery["op"];

/** The longest regular expression source a `matches` node accepts. */
export const maxPatternLength = 200;

const fieldName = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(200),
    z.regex(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/, "use a dotted path of field names"),
  );
const id = z.string().check(z.minLength(1), z.maxLength(512));
const scalar = z.union([
  z.string().check(z.maxLength(10_000)),
  z.number().check(z.refine(Number.isFinite, "use a finite number")),
  z.boolean(),
]);
const orderValue = z.union([
  z.string().check(z.maxLength(100)),
  z.number().check(z.refine(Number.isFinite, "use a finite number")),
]);
const unit = z.enum(["day", "week", "month", "quarter", "year"]);
const tagOwner = z.optional(z.enum(["self", "account", "contact"]));
const timezone = z.optional(z.string().check(z.minLength(1), z.maxLength(100)));

const querySchema: z.ZodMiniType<SegmentQuery, SegmentQuery> = z.lazy(() =>
  z.discriminatedUnion("op", [
    z.strictObject({
      op: z.literal("and"),
      of: z.array(querySchema).check(z.minLength(1), z.maxLength(200)),
    }),
    z.strictObject({
      op: z.literal("or"),
      of: z.array(querySchema).check(z.minLength(1), z.maxLength(200)),
    }),
    z.strictObject({ op: z.literal("not"), of: querySchema }),
    z.strictObject({ op: z.enum(["eq", "ne"]), field: fieldName, value: scalar }),
    z.strictObject({
      op: z.enum(["in", "notIn"]),
      field: fieldName,
      values: z.array(scalar).check(z.minLength(1), z.maxLength(10_000)),
    }),
    z.strictObject({ op: z.enum(["lt", "lte", "gt", "gte"]), field: fieldName, value: orderValue }),
    z.strictObject({
      op: z.literal("between"),
      field: fieldName,
      from: orderValue,
      to: orderValue,
    }),
    z.strictObject({ op: z.enum(["exists", "empty"]), field: fieldName }),
    z.strictObject({
      op: z.enum(["contains", "startsWith", "endsWith"]),
      field: fieldName,
      value: z.string().check(z.minLength(1), z.maxLength(1_000)),
      ignoreCase: z.optional(z.boolean()),
    }),
    z.strictObject({
      op: z.literal("matches"),
      field: fieldName,
      pattern: z.string().check(z.minLength(1), z.maxLength(maxPatternLength)),
      ignoreCase: z.optional(z.boolean()),
    }),
    z.strictObject({ op: z.literal("hasTag"), tag: id, of: tagOwner }),
    z.strictObject({
      op: z.enum(["hasAnyTag", "hasAllTags"]),
      tags: z.array(id).check(z.minLength(1), z.maxLength(1_000)),
      of: tagOwner,
    }),
    z.strictObject({ op: z.literal("hasTagInCategory"), category: id, of: tagOwner }),
    z.strictObject({ op: z.literal("categoryIs"), category: id, tag: id, of: tagOwner }),
    z.strictObject({
      op: z.enum(["withinLast", "olderThan", "withinNext"]),
      field: fieldName,
      amount: z.number().check(z.int(), z.gte(0), z.lte(100_000)),
      unit,
      timezone,
    }),
    z.strictObject({
      op: z.literal("inPeriod"),
      field: fieldName,
      unit,
      offset: z.optional(z.number().check(z.int(), z.gte(-10_000), z.lte(10_000))),
      timezone,
    }),
    z.strictObject({ op: z.literal("inSegment"), segment: id }),
    z.strictObject({
      op: z.literal("activities"),
      types: z.optional(z.array(id).check(z.minLength(1), z.maxLength(100))),
      since: z.optional(z.enum(["stageEntry", "dealCreation"])),
      atLeast: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10_000))),
    }),
  ]),
);

/** The zod schema of {@link SegmentQuery}: the shape only (fields and ids are checked on compile). */
export const segmentQuerySchema: z.ZodMiniType<SegmentQuery, SegmentQuery> = querySchema;

/** Calls `visit` on every node of a query, with the node's path from the root. */
export function walkQuery(
  query: SegmentQuery,
  visit: (node: SegmentQuery, path: readonly (string | number)[]) => void,
  path: readonly (string | number)[] = [],
): void {
  visit(query, path);
  if (query.op === "and" || query.op === "or") {
    for (const [index, child] of query.of.entries())
      walkQuery(child, visit, [...path, "of", index]);
  } else if (query.op === "not") {
    walkQuery(query.of, visit, [...path, "of"]);
  }
}

/** The ids a query refers to, by kind: used to refuse removing a definition a segment needs. */
export interface QueryReferences {
  /** Status ids compared with the `status` (or `account.status`) field. */
  readonly statuses: Set<string>;
  /** Tag ids. */
  readonly tags: Set<string>;
  /** Tag category ids. */
  readonly categories: Set<string>;
  /** Saved segment ids. */
  readonly segments: Set<string>;
  /** Fields, as written in the query. */
  readonly fields: Set<string>;
}

/** Lists the statuses, tags, categories, segments and fields a query refers to. */
export function queryReferences(query: SegmentQuery): QueryReferences {
  const refs: QueryReferences = {
    statuses: new Set(),
    tags: new Set(),
    categories: new Set(),
    segments: new Set(),
    fields: new Set(),
  };
  walkQuery(query, (node) => {
    if ("field" in node) {
      refs.fields.add(node.field);
      if (node.field === "status" || node.field === "account.status") {
        if ("value" in node && typeof node.value === "string") refs.statuses.add(node.value);
        if ("values" in node)
          for (const value of node.values) if (typeof value === "string") refs.statuses.add(value);
      }
    }
    if ("tag" in node) refs.tags.add(node.tag);
    if ("tags" in node) for (const tag of node.tags) refs.tags.add(tag);
    if ("category" in node) refs.categories.add(node.category);
    if (node.op === "inSegment") refs.segments.add(node.segment);
  });
  return refs;
}

/** Replaces ids in a query: used to migrate saved segments when a status or tag is replaced. */
export function replaceQueryIds(
  query: SegmentQuery,
  kind: "status" | "tag",
  from: string,
  to: string,
): SegmentQuery {
  const swap = <T>(value: T): T => (value === from ? (to as T) : value);
  switch (query.op) {
    case "and":
    case "or":
      return { ...query, of: query.of.map((child) => replaceQueryIds(child, kind, from, to)) };
    case "not":
      return { ...query, of: replaceQueryIds(query.of, kind, from, to) };
    case "hasTag":
    case "categoryIs":
      return kind === "tag" ? { ...query, tag: swap(query.tag) } : query;
    case "hasAnyTag":
    case "hasAllTags":
      return kind === "tag" ? { ...query, tags: [...new Set(query.tags.map(swap))] } : query;
    default:
      if (
        kind === "status" &&
        "field" in query &&
        (query.field === "status" || query.field === "account.status")
      ) {
        if ("values" in query) return { ...query, values: [...new Set(query.values.map(swap))] };
        if ("value" in query) return { ...query, value: swap(query.value) } as SegmentQuery;
      }
      return query;
  }
}
