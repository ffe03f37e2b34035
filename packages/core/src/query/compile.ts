// Length: one compiler case per resolved node kind, each a few lines; the resolver and executor
// are apart.
import type { StoredRecord } from "../storage/index.js";
import type { Getter, ResolvedQuery } from "./resolved.js";

/** What evaluation may need beyond the record: its account and its owner's team. */
export interface EvaluationContext {
  /** The account of a contact, or `null` when it has none (or it does not exist). */
  account(record: StoredRecord): StoredRecord | null;
  /** The team of a user, or `undefined`. */
  teamOf(userId: string): string | undefined;
}

/** A compiled query: a predicate over records. */
export type Predicate = (record: StoredRecord, context: EvaluationContext) => boolean;

type Read = (record: StoredRecord, context: EvaluationContext) => unknown;
type Test = (value: unknown) => boolean;

function compileRead(get: Getter): Read {
  const [first, second, third] = get.path as [string, string?, string?];
  const fallback = get.fallback;
  let inRecord: (record: Record<string, unknown>) => unknown;
  if (second === undefined) inRecord = (record) => record[first];
  else if (third === undefined) {
    inRecord = (record) => {
      const inner = record[first];
      return inner !== null && typeof inner === "object"
        ? (inner as Record<string, unknown>)[second]
        : undefined;
    };
  } else {
    const path = get.path;
    inRecord = (record) => {
      let value: unknown = record;
      for (const step of path) {
        if (value === null || typeof value !== "object") return undefined;
        value = (value as Record<string, unknown>)[step];
      }
      return value;
    };
  }
  const withFallback =
    fallback === undefined
      ? inRecord
      : (record: Record<string, unknown>) => {
          const value = inRecord(record);
          return value === undefined || value === null ? fallback : value;
        };
  switch (get.source) {
    case "self":
      return withFallback;
    case "account":
      return (record, context) => {
        const account = context.account(record);
        return account === null ? undefined : withFallback(account);
      };
    case "team":
      return (record, context) => {
        const owner = record.ownerId;
        return typeof owner === "string" ? context.teamOf(owner) : undefined;
      };
  }
}

/**
 * Builds a leaf predicate. For the common case, a field of the record itself at depth one or two
 * without a fallback, the read is fused into the test's closure so the hot path makes one call.
 */
function leaf(get: Getter, test: Test): Predicate {
  const [first, second, third] = get.path as [string, string?, string?];
  if (get.source === "self" && get.fallback === undefined && third === undefined) {
    if (second === undefined) return (record) => test(record[first]);
    return (record) => {
      const inner = record[first];
      return test(
        inner !== null && typeof inner === "object"
          ? (inner as Record<string, unknown>)[second]
          : undefined,
      );
    };
  }
  const read = compileRead(get);
  return (record, context) => test(read(record, context));
}

function rangeTest(node: Extract<ResolvedQuery, { k: "range" }>): Test {
  const { lower, upper, lowerInclusive, upperInclusive } = node;
  const type = node.kind;
  if (lower !== undefined && upper !== undefined) {
    if (lowerInclusive && upperInclusive)
      return (v) =>
        typeof v === type &&
        (v as number) >= (lower as number) &&
        (v as number) <= (upper as number);
    if (lowerInclusive)
      return (v) =>
        typeof v === type &&
        (v as number) >= (lower as number) &&
        (v as number) < (upper as number);
    if (upperInclusive)
      return (v) =>
        typeof v === type &&
        (v as number) > (lower as number) &&
        (v as number) <= (upper as number);
    return (v) =>
      typeof v === type && (v as number) > (lower as number) && (v as number) < (upper as number);
  }
  if (lower !== undefined) {
    return lowerInclusive
      ? (v) => typeof v === type && (v as number) >= (lower as number)
      : (v) => typeof v === type && (v as number) > (lower as number);
  }
  if (upper !== undefined) {
    return upperInclusive
      ? (v) => typeof v === type && (v as number) <= (upper as number)
      : (v) => typeof v === type && (v as number) < (upper as number);
  }
  return (v) => typeof v === type;
}

function textTest(node: Extract<ResolvedQuery, { k: "text" }>): Test {
  const { value, ignoreCase } = node;
  const fold = ignoreCase ? (v: string) => v.toLowerCase() : (v: string) => v;
  switch (node.mode) {
    case "contains":
      return (v) => typeof v === "string" && fold(v).includes(value);
    case "startsWith":
      return (v) => typeof v === "string" && fold(v).startsWith(value);
    case "endsWith":
      return (v) => typeof v === "string" && fold(v).endsWith(value);
  }
}

function tagsTest(node: Extract<ResolvedQuery, { k: "tags" }>): Test {
  const tags = node.tags;
  if (tags.length === 1) {
    const only = tags[0];
    return (v) => Array.isArray(v) && v.includes(only);
  }
  if (node.mode === "any") {
    const wanted = new Set<unknown>(tags);
    return (v) => {
      if (!Array.isArray(v)) return false;
      for (const tag of v) if (wanted.has(tag)) return true;
      return false;
    };
  }
  return (v) => Array.isArray(v) && tags.every((tag) => v.includes(tag));
}

function compileAll(children: readonly Predicate[]): Predicate {
  // Unrolled for the usual sizes: a loop over an array of closures is measurably slower.
  switch (children.length) {
    case 1:
      return children[0]!;
    case 2: {
      const [a, b] = children as [Predicate, Predicate];
      return (r, c) => a(r, c) && b(r, c);
    }
    case 3: {
      const [a, b, d] = children as [Predicate, Predicate, Predicate];
      return (r, c) => a(r, c) && b(r, c) && d(r, c);
    }
    case 4: {
      const [a, b, d, e] = children as [Predicate, Predicate, Predicate, Predicate];
      return (r, c) => a(r, c) && b(r, c) && d(r, c) && e(r, c);
    }
    case 5: {
      const [a, b, d, e, f] = children as [Predicate, Predicate, Predicate, Predicate, Predicate];
      return (r, c) => a(r, c) && b(r, c) && d(r, c) && e(r, c) && f(r, c);
    }
    default:
      return (r, c) => {
        for (const child of children) if (!child(r, c)) return false;
        return true;
      };
  }
}

function compileAny(children: readonly Predicate[]): Predicate {
  switch (children.length) {
    case 1:
      return children[0]!;
    case 2: {
      const [a, b] = children as [Predicate, Predicate];
      return (r, c) => a(r, c) || b(r, c);
    }
    case 3: {
      const [a, b, d] = children as [Predicate, Predicate, Predicate];
      return (r, c) => a(r, c) || b(r, c) || d(r, c);
    }
    default:
      return (r, c) => {
        for (const child of children) if (child(r, c)) return true;
        return false;
      };
  }
}

/**
 * A rough rank of how cheap and how selective a clause is, lowest first: an equality on the record
 * is a single comparison that usually rejects most records; a regular expression, an account
 * lookup or a nested combinator costs more. Conjuncts and disjuncts are evaluated in this order
 * (they have no side effects and missing values are plain `false`, so the order never changes the
 * result, only how soon it is known).
 */
function rank(node: ResolvedQuery): number {
  const remote = "get" in node && node.get.source !== "self" ? 20 : 0;
  switch (node.k) {
    case "const":
      return 0;
    case "eq":
      return 1 + remote;
    case "tags":
      return (node.tags.length === 1 ? 2 : 4) + remote;
    case "in":
      return (node.values.length <= 4 ? 3 : 4) + remote;
    case "range":
      return 5 + remote;
    case "empty":
      return 6 + remote;
    case "text":
      return 8 + remote;
    case "regex":
      return 12 + remote;
    case "activities":
      return 14;
    case "not":
      return rank(node.of) + 1;
    case "and":
    case "or":
      return 10 + node.of.reduce((sum, child) => sum + rank(child), 0);
  }
}

function ordered(children: readonly ResolvedQuery[]): ResolvedQuery[] {
  return children
    .map((child, position) => ({ child, position, rank: rank(child) }))
    .sort((a, b) => a.rank - b.rank || a.position - b.position)
    .map((entry) => entry.child);
}

/**
 * Compiles a resolved query into a predicate made of specialised closures: no `eval` and no
 * `new Function`, so it runs under a strict Content Security Policy.
 *
 * @internal
 */
export function compileQuery(node: ResolvedQuery): Predicate {
  switch (node.k) {
    case "and":
      return compileAll(ordered(node.of).map(compileQuery));
    case "or":
      return compileAny(ordered(node.of).map(compileQuery));
    case "not": {
      const inner = compileQuery(node.of);
      return (r, c) => !inner(r, c);
    }
    case "const": {
      const value = node.value;
      return () => value;
    }
    case "eq": {
      const value = node.value;
      return leaf(node.get, (v) => v === value);
    }
    case "in": {
      if (node.values.length <= 4) {
        const values = node.values;
        return leaf(node.get, (v) => values.includes(v as string));
      }
      const values = new Set<unknown>(node.values);
      return leaf(node.get, (v) => values.has(v));
    }
    case "range":
      return leaf(node.get, rangeTest(node));
    case "empty":
      return leaf(
        node.get,
        (v) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0),
      );
    case "text":
      return leaf(node.get, textTest(node));
    case "regex": {
      const regex = node.regex;
      return leaf(node.get, (v) => typeof v === "string" && regex.test(v));
    }
    case "tags":
      return leaf(node.get, tagsTest(node));
    case "activities":
      return activitiesTest(node);
  }
}

/** A done activity as a deal's view carries it. */
export interface ViewActivity {
  readonly type: string;
  readonly status: string;
  readonly doneAt?: string;
}

/**
 * Counts the done activities of a deal's view (`activities`) since its stage entry or creation.
 *
 * @internal
 */
export function countActivities(
  record: StoredRecord,
  types: readonly string[] | undefined,
  since: "stageEntry" | "dealCreation",
): number {
  const activities = record.activities as readonly ViewActivity[] | undefined;
  const from = since === "stageEntry" ? record.stageEnteredAt : record.createdAt;
  if (!Array.isArray(activities) || typeof from !== "string") return 0;
  let count = 0;
  for (const activity of activities) {
    if (activity.status !== "done" || activity.doneAt === undefined || activity.doneAt < from)
      continue;
    if (types === undefined || types.includes(activity.type)) count++;
  }
  return count;
}

function activitiesTest(node: Extract<ResolvedQuery, { k: "activities" }>): Predicate {
  const { types, since, atLeast } = node;
  return (record) => countActivities(record, types, since) >= atLeast;
}
