import { CrmkitError } from "../errors.js";
import type { PartyKind } from "../records/index.js";
import { collectionOf, collections } from "../records/index.js";
import type { KeyRange, StorageAdapter, StoredRecord } from "../storage/index.js";
import {
  createSchemaCatalog,
  extractIndexKeys,
  keyInRange,
  normalizeRange,
  type ResolvedIndex,
} from "../storage/index.js";
import type { EvaluationContext, Predicate } from "./compile.js";
import { type QueryPlan, readSource, sourcesOf } from "./plan-reads.js";

export type { QueryPlan } from "./plan-reads.js";

import type { ResolvedQuery } from "./resolved.js";
import { toStorageCondition } from "./storage-condition.js";

/** One way to narrow the candidates: the union of some ranges of one index. */
interface Candidate {
  readonly index: string;
  readonly ranges: readonly KeyRange[];
}

/**
 * Lists the index narrowings a resolved query implies: each conjunct of the top-level `and` that is
 * an equality, a set membership, a tag test or (unless `clock` is false) a range on an indexed field
 * of the record itself. Any member of the query is in every candidate's union of ranges.
 */
export function indexCandidates(query: ResolvedQuery, clock: boolean): Candidate[] | "none" {
  const conjuncts: ResolvedQuery[] = [];
  const flatten = (node: ResolvedQuery) => {
    if (node.k === "and") node.of.forEach(flatten);
    else conjuncts.push(node);
  };
  flatten(query);
  const out: Candidate[] = [];
  for (const node of conjuncts) {
    if (node.k === "const" && !node.value) return "none";
    if (!("get" in node) || node.get.source !== "self" || node.get.index === undefined) continue;
    const index = node.get.index;
    const keys = (values: readonly unknown[]) =>
      values.filter((v): v is string | number => typeof v === "string" || typeof v === "number");
    switch (node.k) {
      case "eq":
        if (keys([node.value]).length === 1 && node.get.fallback === undefined) {
          out.push({ index, ranges: [{ eq: node.value as string | number }] });
        }
        break;
      case "in":
        if (keys(node.values).length === node.values.length && node.get.fallback === undefined) {
          out.push({
            index,
            ranges: node.values.map((value) => ({ eq: value as string | number })),
          });
        }
        break;
      case "tags":
        if (node.mode === "any") out.push({ index, ranges: node.tags.map((tag) => ({ eq: tag })) });
        else for (const tag of node.tags) out.push({ index, ranges: [{ eq: tag }] });
        break;
      case "range": {
        if (node.relative && !clock) break;
        if (node.get.fallback !== undefined) break;
        const range: { -readonly [K in keyof KeyRange]: KeyRange[K] } = {};
        if (node.lower !== undefined) range[node.lowerInclusive ? "gte" : "gt"] = node.lower;
        if (node.upper !== undefined) range[node.upperInclusive ? "lte" : "lt"] = node.upper;
        // An open range still narrows: a numeric range excludes string keys and the reverse.
        if (node.lower === undefined && node.upper === undefined) break;
        out.push({ index, ranges: [range] });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** The share of the collection above which an index read costs more than a plain scan. */
const scanThreshold = 0.6;

/**
 * Chooses how to evaluate a query: asks the adapter how many records each candidate narrowing
 * selects and takes the smallest, unless even that is most of the collection.
 */
export async function planQuery(
  storage: StorageAdapter,
  target: PartyKind,
  query: ResolvedQuery,
  options: { clock: boolean; pushdown: boolean },
): Promise<QueryPlan> {
  const collection = collectionOf(target);
  const total = await storage.count({ collection });
  const candidates = options.pushdown ? indexCandidates(query, options.clock) : [];
  if (candidates === "none") return { strategy: "empty", ranges: [], estimated: 0, total };
  let best: QueryPlan = { strategy: "scan", ranges: [], estimated: total, total };
  for (const candidate of candidates) {
    let estimated = 0;
    for (const where of candidate.ranges) {
      estimated += await storage.count({ collection, index: candidate.index, where });
    }
    if (estimated < best.estimated) {
      best = {
        strategy: "index",
        index: candidate.index,
        ranges: candidate.ranges,
        estimated,
        total,
      };
    }
  }
  if (best.strategy === "index" && best.estimated > total * scanThreshold) {
    best = { strategy: "scan", ranges: [], estimated: total, total };
  }
  // An adapter that evaluates conditions itself gets the query (or the part of it it can decide),
  // read through the chosen index ranges: members come in the index's order, as on any adapter.
  const handed =
    options.pushdown && storage.countMatching !== undefined && storage.queryMatching !== undefined
      ? toStorageCondition(query)
      : null;
  if (handed !== null) {
    const narrowed = best.strategy === "index";
    return {
      strategy: "storage",
      ...(narrowed ? { index: best.index!, ranges: best.ranges } : { ranges: [] }),
      estimated: best.estimated,
      total,
      condition: handed.condition,
      exact: handed.exact,
    };
  }
  return best;
}

/** Builds the dedupe test of a multi-range read of a multi-entry index. */
function duplicateFilter(
  storage: StorageAdapter,
  collection: string,
  plan: QueryPlan,
): (record: StoredRecord, rangeIndex: number) => boolean {
  if (plan.index === undefined || plan.ranges.length < 2) return () => false;
  const resolved = createSchemaCatalog(storage.schema);
  const index: ResolvedIndex = resolved.index(resolved.collection(collection), plan.index!);
  if (!index.multiEntry) return () => false;
  const ranges = plan.ranges.map(normalizeRange);
  // A record listed under range k is a duplicate when one of its keys is in an earlier range: it
  // was (or will be) listed there. Checking the keys needs no memory of what was seen.
  return (record, rangeIndex) => {
    if (rangeIndex === 0) return false;
    const keys = extractIndexKeys(record, index);
    for (let earlier = 0; earlier < rangeIndex; earlier++) {
      if (keys.some((key) => keyInRange(key, ranges[earlier]!))) return true;
    }
    return false;
  };
}

/** Builds evaluation contexts: accounts are fetched per batch, teams once. */
export async function contextLoader(
  storage: StorageAdapter,
  needs: { usesAccount: boolean; usesTeam: boolean },
): Promise<(batch: readonly StoredRecord[]) => Promise<EvaluationContext>> {
  const teams = new Map<string, string>();
  if (needs.usesTeam) {
    for await (const users of storage.scan({ collection: collections.users })) {
      for (const user of users)
        if (typeof user.teamId === "string") teams.set(user.id, user.teamId);
    }
  }
  const teamOf = (userId: string) => teams.get(userId);
  const none: EvaluationContext = { account: () => null, teamOf };
  if (!needs.usesAccount) return async () => none;
  return async (batch) => {
    const ids = [
      ...new Set(
        batch.map((r) => r.accountId).filter((id): id is string => typeof id === "string"),
      ),
    ];
    const accounts = new Map<string, StoredRecord>();
    if (ids.length > 0) {
      const found = await storage.getMany(collections.accounts, ids);
      for (const account of found) if (account !== null) accounts.set(account.id, account);
    }
    return {
      account: (record) =>
        typeof record.accountId === "string" ? (accounts.get(record.accountId) ?? null) : null,
      teamOf,
    };
  };
}

/** Counts of an evaluation. */
export interface EvaluationStats {
  /** How many records were read and tested. */
  examined: number;
}

/**
 * Streams the members of a query in batches, reading only the plan's candidates.
 */
export async function* streamMembers(
  storage: StorageAdapter,
  target: PartyKind,
  plan: QueryPlan,
  predicate: Predicate,
  loadContext: (batch: readonly StoredRecord[]) => Promise<EvaluationContext>,
  stats: EvaluationStats,
  batchSize = 500,
): AsyncGenerator<StoredRecord[]> {
  if (plan.strategy === "empty") return;
  const collection = collectionOf(target);
  const duplicate = duplicateFilter(storage, collection, plan);
  const sources = sourcesOf(plan);
  for (const [rangeIndex, source] of sources.entries()) {
    for await (const batch of readSource(storage, plan, { collection, ...source }, batchSize)) {
      stats.examined += batch.length;
      const context = await loadContext(batch);
      const members: StoredRecord[] = [];
      for (const record of batch) {
        if (!duplicate(record, rangeIndex) && predicate(record, context)) members.push(record);
      }
      if (members.length > 0) yield members;
    }
  }
}

/** One page of members. */
export interface MembersPage {
  /** The members of this page. */
  readonly records: StoredRecord[];
  /** Pass it back for the next page; `null` after the last. */
  readonly cursor: string | null;
  /** How many records were examined to fill this page. */
  readonly examined: number;
}

interface MembersCursor {
  readonly s: number;
  readonly c: string | null;
  readonly p: string;
}

/** Reads one page of members, resuming from a cursor this function returned. */
export async function pageMembers(
  storage: StorageAdapter,
  target: PartyKind,
  plan: QueryPlan,
  predicate: Predicate,
  loadContext: (batch: readonly StoredRecord[]) => Promise<EvaluationContext>,
  limit: number,
  cursor: string | null | undefined,
): Promise<MembersPage> {
  const collection = collectionOf(target);
  const fingerprint = JSON.stringify([plan.strategy, plan.index ?? null, plan.ranges]);
  let position: MembersCursor = { s: 0, c: null, p: fingerprint };
  if (cursor !== undefined && cursor !== null) {
    try {
      position = JSON.parse(cursor) as MembersCursor;
    } catch {
      position = { s: -1, c: null, p: "" };
    }
    if (position.p !== fingerprint || typeof position.s !== "number") {
      throw new CrmkitError(
        "VALIDATION_FAILED",
        "This cursor belongs to another segment query or plan.",
        {
          details: { path: ["cursor"] },
        },
      );
    }
  }
  if (plan.strategy === "empty") return { records: [], cursor: null, examined: 0 };
  const duplicate = duplicateFilter(storage, collection, plan);
  const sources = sourcesOf(plan);
  const records: StoredRecord[] = [];
  let examined = 0;
  let source = position.s;
  let storageCursor = position.c;
  const fetchSize = Math.max(50, Math.min(limit * 2, 1_000));
  while (source < sources.length) {
    const options = { collection, ...sources[source], limit: fetchSize, cursor: storageCursor };
    const page =
      plan.strategy === "storage"
        ? await storage.queryMatching!(options, plan.condition!)
        : await storage.query(options);
    const context = await loadContext(page.records);
    for (const [i, record] of page.records.entries()) {
      examined++;
      if (duplicate(record, source) || !predicate(record, context)) continue;
      records.push(record);
      if (records.length === limit) {
        let next = page.cursor;
        if (i < page.records.length - 1) {
          // Stop right after this record: re-read up to it to get the adapter's cursor there.
          const upTo = { ...options, limit: i + 1 };
          next = (
            plan.strategy === "storage"
              ? await storage.queryMatching!(upTo, plan.condition!)
              : await storage.query(upTo)
          ).cursor;
        }
        const done = next === null && source === sources.length - 1;
        const resume: MembersCursor =
          next === null
            ? { s: source + 1, c: null, p: fingerprint }
            : { s: source, c: next, p: fingerprint };
        return { records, cursor: done ? null : JSON.stringify(resume), examined };
      }
    }
    storageCursor = page.cursor;
    if (storageCursor === null) source++;
  }
  return { records, cursor: null, examined };
}
