import type { CalendarUnit } from "../time/index.js";
import type { Scalar, SegmentQuery, TagOwner } from "./query.js";

/** The field names a contact or account query accepts (custom fields and score groups by prefix). */
export type QueryField =
  | "status"
  | "ownerId"
  | "teamId"
  | "source"
  | "territory"
  | "country"
  | "externalId"
  | "createdAt"
  | "updatedAt"
  | "firstName"
  | "lastName"
  | "email"
  | "phone"
  | "accountId"
  | "role"
  | "name"
  | "domain"
  | "tags"
  | `custom.${string}`
  | `scores.${string}`
  | `account.${string}`
  // Deal conditions (stage goals, routing, assignment rules):
  | "title"
  | "pipelineId"
  | "stageId"
  | "state"
  | "contactId"
  | "value"
  | "currency"
  | "products"
  | "expectedCloseDate"
  | "stageEnteredAt"
  | `contact.${string}`
  // Pool queries over users:
  | "active"
  | "timezone";

/** Clauses on one field, as returned by {@link q}.field. */
export interface FieldClauses {
  /** Equal to the value. */
  eq(value: Scalar): SegmentQuery;
  /** Not equal to the value (a missing field is not equal). */
  ne(value: Scalar): SegmentQuery;
  /** One of the values. */
  in(...values: Scalar[]): SegmentQuery;
  /** None of the values (a missing field is none of them). */
  notIn(...values: Scalar[]): SegmentQuery;
  /** Lower than. */
  lt(value: number | string): SegmentQuery;
  /** Lower than or equal. */
  lte(value: number | string): SegmentQuery;
  /** Greater than. */
  gt(value: number | string): SegmentQuery;
  /** Greater than or equal. */
  gte(value: number | string): SegmentQuery;
  /** Between two values, both included. */
  between(from: number | string, to: number | string): SegmentQuery;
  /** Has a value (not missing, null, "" or []). */
  exists(): SegmentQuery;
  /** Has no value. */
  empty(): SegmentQuery;
  /** Contains the text. */
  contains(value: string, options?: { ignoreCase?: boolean }): SegmentQuery;
  /** Starts with the text. */
  startsWith(value: string, options?: { ignoreCase?: boolean }): SegmentQuery;
  /** Ends with the text. */
  endsWith(value: string, options?: { ignoreCase?: boolean }): SegmentQuery;
  /** Matches a (checked, bounded) regular expression. */
  matches(pattern: string, options?: { ignoreCase?: boolean }): SegmentQuery;
  /** In the last `amount` units up to now ("created in the last 30 days"). */
  withinLast(amount: number, unit: CalendarUnit, options?: { timezone?: string }): SegmentQuery;
  /** Before the same instant `amount` units ago ("not updated for 90 days"). */
  olderThan(amount: number, unit: CalendarUnit, options?: { timezone?: string }): SegmentQuery;
  /** From now to `amount` units ahead. */
  withinNext(amount: number, unit: CalendarUnit, options?: { timezone?: string }): SegmentQuery;
  /** In the calendar period `offset` units from the current one (0: this quarter, -1: last). */
  inPeriod(unit: CalendarUnit, offset?: number, options?: { timezone?: string }): SegmentQuery;
}

function fieldClauses(field: QueryField): FieldClauses {
  const tz = (options?: { timezone?: string }) =>
    options?.timezone === undefined ? {} : { timezone: options.timezone };
  const ic = (options?: { ignoreCase?: boolean }) =>
    options?.ignoreCase === undefined ? {} : { ignoreCase: options.ignoreCase };
  return {
    eq: (value) => ({ op: "eq", field, value }),
    ne: (value) => ({ op: "ne", field, value }),
    in: (...values) => ({ op: "in", field, values }),
    notIn: (...values) => ({ op: "notIn", field, values }),
    lt: (value) => ({ op: "lt", field, value }),
    lte: (value) => ({ op: "lte", field, value }),
    gt: (value) => ({ op: "gt", field, value }),
    gte: (value) => ({ op: "gte", field, value }),
    between: (from, to) => ({ op: "between", field, from, to }),
    exists: () => ({ op: "exists", field }),
    empty: () => ({ op: "empty", field }),
    contains: (value, options) => ({ op: "contains", field, value, ...ic(options) }),
    startsWith: (value, options) => ({ op: "startsWith", field, value, ...ic(options) }),
    endsWith: (value, options) => ({ op: "endsWith", field, value, ...ic(options) }),
    matches: (pattern, options) => ({ op: "matches", field, pattern, ...ic(options) }),
    withinLast: (amount, unit, options) => ({
      op: "withinLast",
      field,
      amount,
      unit,
      ...tz(options),
    }),
    olderThan: (amount, unit, options) => ({
      op: "olderThan",
      field,
      amount,
      unit,
      ...tz(options),
    }),
    withinNext: (amount, unit, options) => ({
      op: "withinNext",
      field,
      amount,
      unit,
      ...tz(options),
    }),
    inPeriod: (unit, offset = 0, options) => ({
      op: "inPeriod",
      field,
      unit,
      offset,
      ...tz(options),
    }),
  };
}

const of = (owner?: TagOwner) => (owner === undefined ? {} : { of: owner });

/**
 * A typed builder of {@link SegmentQuery} values: it produces the same plain JSON a UI would send.
 *
 * @example
 * ```ts
 * const hotInFrance = q.and(
 *   q.field("status").in("prospect"),
 *   q.field("country").eq("FR"),
 *   q.score("global").gte(50),
 *   q.field("createdAt").withinLast(30, "day"),
 * );
 * ```
 */
export const q = {
  /** All of the clauses. */
  and: (...clauses: SegmentQuery[]): SegmentQuery => ({ op: "and", of: clauses }),
  /** Any of the clauses. */
  or: (...clauses: SegmentQuery[]): SegmentQuery => ({ op: "or", of: clauses }),
  /** The complement of a clause. */
  not: (clause: SegmentQuery): SegmentQuery => ({ op: "not", of: clause }),
  /** Clauses on a field. */
  field: fieldClauses,
  /** Clauses on a score group (a missing group counts as 0). */
  score: (group: string): FieldClauses => fieldClauses(`scores.${group}`),
  /** Clauses on a custom field. */
  custom: (key: string): FieldClauses => fieldClauses(`custom.${key}`),
  /** Status is one of these ids. */
  statusIn: (...statuses: string[]): SegmentQuery => ({
    op: "in",
    field: "status",
    values: statuses,
  }),
  /** Has the tag. */
  hasTag: (tag: string, owner?: TagOwner): SegmentQuery => ({ op: "hasTag", tag, ...of(owner) }),
  /** Has at least one of the tags. */
  hasAnyTag: (tags: string[], owner?: TagOwner): SegmentQuery => ({
    op: "hasAnyTag",
    tags,
    ...of(owner),
  }),
  /** Has every one of the tags. */
  hasAllTags: (tags: string[], owner?: TagOwner): SegmentQuery => ({
    op: "hasAllTags",
    tags,
    ...of(owner),
  }),
  /** Has some tag of the category. */
  hasTagInCategory: (category: string, owner?: TagOwner): SegmentQuery => ({
    op: "hasTagInCategory",
    category,
    ...of(owner),
  }),
  /** The category's tag is this one ("potential is Gold"); the tag must belong to the category. */
  categoryIs: (category: string, tag: string, owner?: TagOwner): SegmentQuery => ({
    op: "categoryIs",
    category,
    tag,
    ...of(owner),
  }),
  /** Member of a saved segment. */
  inSegment: (segment: string): SegmentQuery => ({ op: "inSegment", segment }),
  /**
   * Deal conditions only: at least `atLeast` (default 1) activities of the types done since the
   * deal entered its stage (or, with `since: "dealCreation"`, since it was created).
   */
  activities: (
    options: { types?: string[]; since?: "stageEntry" | "dealCreation"; atLeast?: number } = {},
  ): SegmentQuery => ({ op: "activities", ...options }),
};
