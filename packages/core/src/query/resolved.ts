import type { ValidationIssue } from "../errors.js";
import type { LinearRegex } from "../patterns/index.js";
import type { PartyKind, Taxonomy } from "../records/index.js";
import type { FieldSource, QueryTarget } from "./fields.js";
import type { Scalar, SegmentQuery } from "./query.js";

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

/**
 * The fields of the queried record a resolved query reads, by their first path segment (`country`,
 * `scores`, `tags`, `custom`…); reading the account or the team reads the record's `accountId` or
 * `ownerId`. `undefined` when the query reads more than its record's fields (activity facts).
 * A write that changes none of these fields cannot change whether the query holds.
 * @internal
 */
export function fieldsRead(query: ResolvedQuery): ReadonlySet<string> | undefined {
  const out = new Set<string>();
  const visit = (node: ResolvedQuery): boolean => {
    switch (node.k) {
      case "and":
      case "or":
        return node.of.every(visit);
      case "not":
        return visit(node.of);
      case "const":
        return true;
      case "activities":
        return false;
      default: {
        const { source, path } = node.get;
        if (source === "account") out.add("accountId");
        else if (source === "team") out.add("ownerId");
        else if (path[0] !== undefined) out.add(path[0]);
        return true;
      }
    }
  };
  return visit(query) ? out : undefined;
}
