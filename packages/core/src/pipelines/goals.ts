import type { PathSegment } from "../errors.js";
import { ownValue } from "../own.js";
import type { ExplainNode, Scalar, SegmentQuery } from "../query/index.js";
import type { Taxonomy } from "../records/index.js";

/** One unmet part of a stage goal, in words a UI can show. */
export interface MissingPart {
  /** The part's path in the goal query. */
  readonly path: readonly PathSegment[];
  /** The part's operator (`eq`, `isEmpty`, `activities`…), for a UI to choose how to ask for it. */
  readonly op: string;
  /**
   * The field it tests, as the query language names it (`value`, `contact.phone`,
   * `custom.budget`), for a UI to match the part to its input; absent for activity facts and
   * combinators.
   */
  readonly field?: string;
  /** What is needed: "Contact's phone is filled", "At least 1 done meeting since entering the stage". */
  readonly text: string;
  /** What the deal has now: "missing", "0 so far", `"FR"`. */
  readonly actual: string;
}

/** A field that must be filled before a deal may enter a stage. */
export interface MissingField {
  /** The field, as named in the stage's entry requirements. */
  readonly field: string;
  /** Its label. */
  readonly label: string;
}

const builtInLabels: Record<string, string> = {
  title: "Title",
  value: "Deal value",
  currency: "Currency",
  ownerId: "Owner",
  contactId: "Contact",
  accountId: "Account",
  products: "Products",
  source: "Source",
  territory: "Territory",
  expectedCloseDate: "Expected close date",
  stageEnteredAt: "Stage entry",
  createdAt: "Creation date",
  updatedAt: "Last update",
  lostReason: "Lost reason",
  firstName: "first name",
  lastName: "last name",
  email: "e-mail",
  phone: "phone",
  role: "role",
  country: "country",
  status: "status",
  name: "name",
  domain: "domain",
  teamId: "Team",
};

/** The label of a deal-view field: "Deal value", "Contact's phone", "Account's Industry". @internal */
export function fieldLabel(field: string, taxonomy: Taxonomy): string {
  const [head, ...rest] = field.split(".");
  if ((head === "contact" || head === "account") && rest.length > 0) {
    const owner = head === "contact" ? "Contact's" : "Account's";
    if (rest[0] === "custom" && rest[1] !== undefined)
      return `${owner} ${taxonomy.fields[head].get(rest[1])?.label ?? rest[1]}`;
    if (rest[0] === "scores" && rest[1] !== undefined) return `${owner} ${rest[1]} score`;
    const inner = rest.join(".");
    const label = ownValue(builtInLabels, inner);
    return `${owner} ${typeof label === "string" ? label.toLowerCase() : inner}`;
  }
  const label = ownValue(builtInLabels, field);
  return typeof label === "string" ? label : field;
}

const shown = (value: Scalar) => (typeof value === "string" ? `"${value}"` : String(value));
const actualText = (actual: unknown): string =>
  actual === undefined || actual === null || actual === "" ? "missing" : JSON.stringify(actual);

/** Describes a goal node as a requirement, in words. @internal */
export function describe(query: SegmentQuery, taxonomy: Taxonomy): string {
  const label = (field: string) => fieldLabel(field, taxonomy);
  const tagName = (tag: string) => taxonomy.tags.get(tag)?.name ?? tag;
  const owner = (of: string | undefined) => (of === "account" ? "The account" : "The contact");
  switch (query.op) {
    case "and":
      return query.of.map((child) => describe(child, taxonomy)).join(", and ");
    case "or":
      return `One of: ${query.of.map((child) => describe(child, taxonomy)).join("; or ")}`;
    case "not":
      return `Not: ${describe(query.of, taxonomy)}`;
    case "exists":
      return `${label(query.field)} is filled`;
    case "empty":
      return `${label(query.field)} is empty`;
    case "eq":
      return `${label(query.field)} is ${shown(query.value)}`;
    case "ne":
      return `${label(query.field)} is not ${shown(query.value)}`;
    case "in":
      return `${label(query.field)} is one of ${query.values.map(shown).join(", ")}`;
    case "notIn":
      return `${label(query.field)} is none of ${query.values.map(shown).join(", ")}`;
    case "gt":
      return `${label(query.field)} is above ${shown(query.value)}`;
    case "gte":
      return `${label(query.field)} is at least ${shown(query.value)}`;
    case "lt":
      return `${label(query.field)} is below ${shown(query.value)}`;
    case "lte":
      return `${label(query.field)} is at most ${shown(query.value)}`;
    case "between":
      return `${label(query.field)} is between ${shown(query.from)} and ${shown(query.to)}`;
    case "contains":
    case "startsWith":
    case "endsWith": {
      const verb = { contains: "contains", startsWith: "starts with", endsWith: "ends with" }[
        query.op
      ];
      return `${label(query.field)} ${verb} "${query.value}"`;
    }
    case "matches":
      return `${label(query.field)} matches /${query.pattern}/`;
    case "hasTag":
    case "categoryIs":
      return `${owner(query.of)} is tagged ${tagName(query.tag)}`;
    case "hasAnyTag":
      return `${owner(query.of)} is tagged ${query.tags.map(tagName).join(" or ")}`;
    case "hasAllTags":
      return `${owner(query.of)} is tagged ${query.tags.map(tagName).join(" and ")}`;
    case "hasTagInCategory":
      return `${owner(query.of)} has a ${taxonomy.categories.get(query.category)?.name ?? query.category} tag`;
    case "withinLast":
      return `${label(query.field)} is within the last ${query.amount} ${query.unit}(s)`;
    case "withinNext":
      return `${label(query.field)} is within the next ${query.amount} ${query.unit}(s)`;
    case "olderThan":
      return `${label(query.field)} is more than ${query.amount} ${query.unit}(s) ago`;
    case "inPeriod":
      return `${label(query.field)} is in the ${query.offset === -1 ? "previous" : query.offset === 1 ? "next" : "current"} ${query.unit}`;
    case "activities": {
      const count = query.atLeast ?? 1;
      const noun =
        query.types === undefined
          ? count === 1
            ? "activity"
            : "activities"
          : query.types.join(" or ");
      const since =
        (query.since ?? "stageEntry") === "stageEntry"
          ? "since entering the stage"
          : "since the deal was created";
      return `At least ${count} done ${noun} ${since}`;
    }
    case "inSegment":
      return `In segment ${query.segment}`;
  }
}

/**
 * The unmet parts of a goal: the unmet conjuncts of its top-level `and` (nested `and`s flattened),
 * or the whole goal when it is a single condition.
 *
 * @internal
 */
export function unmetParts(
  goal: SegmentQuery,
  explanation: ExplainNode,
  taxonomy: Taxonomy,
): MissingPart[] {
  if (explanation.matched) return [];
  if (goal.op === "and" && explanation.children !== undefined) {
    return goal.of.flatMap((child, index) =>
      unmetParts(child, explanation.children![index]!, taxonomy),
    );
  }
  const actual =
    goal.op === "activities"
      ? `${String(explanation.actual)} so far`
      : explanation.field === undefined
        ? "not met"
        : actualText(explanation.actual);
  return [
    {
      path: explanation.path,
      op: explanation.op,
      ...(explanation.field === undefined || goal.op === "activities"
        ? {}
        : { field: explanation.field }),
      text: describe(goal, taxonomy),
      actual,
    },
  ];
}
