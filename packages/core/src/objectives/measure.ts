// Length: every metric's counters are collected in one pass over deals, activities and tasks
// (collectCounters, long because it is one pass) and read back per metric (readMetric).
import { collections } from "../records/index.js";
import type { SegmentService } from "../segments/index.js";
import type { StorageAdapter, StoredRecord } from "../storage/index.js";
import { type MetricRef, metricKey } from "./metrics.js";
import { type Period, type PeriodKey, parsePeriod, periodInstants } from "./period.js";

/** One rep's (or team's) figures for a period: what a plan is simulated on. */
export interface RepActuals {
  /** The rep's user id (or the team id for team figures). */
  readonly repId: string;
  /** The display name. */
  readonly name?: string;
  /** The rep's team. */
  readonly teamId?: string;
  /** Metric values by {@link metricKey}; a key that is absent or `null` has no data. */
  readonly values: Readonly<Record<string, number | null>>;
  /** Why a metric has no data, by metric key, in words. */
  readonly gaps: Readonly<Record<string, string>>;
  /** Targets by metric key: the rep's objectives, or a dataset's target columns. */
  readonly targets: Readonly<Record<string, number>>;
}

/** The figures of a team for a period, from storage or from a dataset. */
export interface Actuals {
  /** The period measured. */
  readonly period: PeriodKey;
  /** The ISO 4217 currency of money values, when known. */
  readonly currency?: string;
  /** Where the figures come from. */
  readonly source: "storage" | "dataset";
  /** One entry per rep. */
  readonly reps: readonly RepActuals[];
}

/** What to measure. */
export interface MeasureRequest {
  /** The period. */
  readonly period: PeriodKey;
  /** The metrics; a metric restricted to a segment reads that saved segment's current members. */
  readonly metrics: readonly MetricRef[];
  /**
   * The reps measured.
   * @default every active user who is not an admin
   */
  readonly userIds?: readonly string[];
  /** Measure only up to this instant (epoch ms) when it falls inside the period: progress to date. */
  readonly until?: number;
  /**
   * The stages whose entry counts as a proposal sent, as `pipelineId/stageId` or a bare stage id
   * (any pipeline).
   * @default every stage whose id is `proposal`
   */
  readonly proposalStages?: readonly string[];
}

/** The raw counts behind the metrics of one rep (or the sum over a team). */
export interface MetricCounters {
  /** Deals owned that were open at some time in the period. */
  dealsSeen: number;
  /** Deals closed (won or lost) in the period. */
  closed: number;
  /** Deals won in the period. */
  won: number;
  /** Value of the deals won in the period, minor units. */
  revenue: number;
  /** Won deals without a value. */
  wonWithoutValue: string[];
  /** Revenue by segment id. */
  segmentRevenue: Map<string, number>;
  /** Deals won by segment id. */
  segmentWon: Map<string, number>;
  /** Customers whose first won deal closed in the period. */
  newCustomers: number;
  /** Activities dated in the period, any status. */
  activitiesSeen: number;
  /** Meetings and visits held. */
  meetings: number;
  /** Calls made. */
  calls: number;
  /** Deals that entered a proposal stage. */
  proposals: number;
  /** Contacts and accounts created with the rep as owner. */
  prospects: number;
}

/** Empty counters. */
export function emptyCounters(): MetricCounters {
  return {
    dealsSeen: 0,
    closed: 0,
    won: 0,
    revenue: 0,
    wonWithoutValue: [],
    segmentRevenue: new Map(),
    segmentWon: new Map(),
    newCustomers: 0,
    activitiesSeen: 0,
    meetings: 0,
    calls: 0,
    proposals: 0,
    prospects: 0,
  };
}

/** Adds `from` into `into` (team totals). */
export function addCounters(into: MetricCounters, from: MetricCounters): void {
  into.dealsSeen += from.dealsSeen;
  into.closed += from.closed;
  into.won += from.won;
  into.revenue += from.revenue;
  into.wonWithoutValue.push(...from.wonWithoutValue);
  for (const [key, value] of from.segmentRevenue)
    into.segmentRevenue.set(key, (into.segmentRevenue.get(key) ?? 0) + value);
  for (const [key, value] of from.segmentWon)
    into.segmentWon.set(key, (into.segmentWon.get(key) ?? 0) + value);
  into.newCustomers += from.newCustomers;
  into.activitiesSeen += from.activitiesSeen;
  into.meetings += from.meetings;
  into.calls += from.calls;
  into.proposals += from.proposals;
  into.prospects += from.prospects;
}

/** The outcome of reading one metric from counters: a value, or the reason there is none. */
export type MetricReading =
  | { readonly value: number; readonly gap?: undefined }
  | { readonly value: null; readonly gap: string };

/**
 * Reads a metric from counters. Data that is not there is a gap with its reason, never a zero: a rep
 * with no deal records in the period has no revenue figure (as opposed to a revenue of 0, which needs
 * deals that were worked and lost).
 */
export function readMetric(
  counters: MetricCounters,
  metric: MetricRef,
  days: number,
  context: { readonly proposalStagesKnown: boolean },
): MetricReading {
  const noDeals = { value: null, gap: "no deal owned in the period" } as const;
  const noActivities = { value: null, gap: "no activity recorded in the period" } as const;
  switch (metric.kind) {
    case "revenue":
    case "dealsWon": {
      if (counters.dealsSeen === 0) return noDeals;
      if (metric.kind === "revenue" && counters.wonWithoutValue.length > 0) {
        const ids = counters.wonWithoutValue.slice(0, 5).join(", ");
        return {
          value: null,
          gap: `${counters.wonWithoutValue.length} won deal(s) have no value (${ids}${counters.wonWithoutValue.length > 5 ? ", …" : ""})`,
        };
      }
      if (metric.segmentId !== undefined) {
        const map = metric.kind === "revenue" ? counters.segmentRevenue : counters.segmentWon;
        return { value: map.get(metric.segmentId) ?? 0 };
      }
      return { value: metric.kind === "revenue" ? counters.revenue : counters.won };
    }
    case "margin":
      return { value: null, gap: "deals carry no margin: supply margin in a dataset" };
    case "mrr":
      return { value: null, gap: "deals carry no recurring revenue: supply mrr in a dataset" };
    case "newCustomers":
      return counters.dealsSeen === 0 ? noDeals : { value: counters.newCustomers };
    case "segmentRevenueShare": {
      if (counters.dealsSeen === 0) return noDeals;
      if (counters.wonWithoutValue.length > 0)
        return { value: null, gap: `${counters.wonWithoutValue.length} won deal(s) have no value` };
      if (counters.revenue === 0)
        return { value: null, gap: "no revenue in the period: the share is undefined" };
      return {
        value:
          ((counters.segmentRevenue.get(metric.segmentId ?? "") ?? 0) * 100) / counters.revenue,
      };
    }
    case "meetingsHeld":
      return counters.activitiesSeen === 0 ? noActivities : { value: counters.meetings };
    case "meetingsPerWeek":
      return counters.activitiesSeen === 0
        ? noActivities
        : { value: (counters.meetings * 7) / days };
    case "calls":
      return counters.activitiesSeen === 0 ? noActivities : { value: counters.calls };
    case "proposalsSent":
      if (!context.proposalStagesKnown)
        return { value: null, gap: "no pipeline has a proposal stage (see proposalStages)" };
      return counters.dealsSeen === 0 ? noDeals : { value: counters.proposals };
    case "newProspects":
      return { value: counters.prospects };
    case "conversionRate":
      return counters.closed === 0
        ? { value: null, gap: "no deal closed in the period: the rate is undefined" }
        : { value: (counters.won * 100) / counters.closed };
  }
}

/** What {@link collectCounters} found. */
export interface CollectedCounters {
  /** The period. */
  readonly period: Period;
  /** Counters by user id, for every user asked. */
  readonly byUser: Map<string, MetricCounters>;
  /** The users, by id. */
  readonly users: Map<string, StoredRecord>;
  /** Whether a proposal stage exists. */
  readonly proposalStagesKnown: boolean;
  /** The days measured (the period's, or fewer when measured to date). */
  readonly days: number;
}

/** What {@link collectCounters} needs. */
export interface MeasureDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Segments, for metrics restricted to one. */
  readonly segments: SegmentService;
  /** The workspace's timezone: periods are its calendar periods. */
  readonly timezone: string;
}

const batchSize = 5_000;

/**
 * Reads the raw counts behind every metric for a period in one pass over deals, stage history,
 * activities and parties (streamed, bounded memory apart from one entry per customer).
 */
export async function collectCounters(
  deps: MeasureDeps,
  request: Omit<MeasureRequest, "metrics"> & { readonly metrics: readonly MetricRef[] },
): Promise<CollectedCounters> {
  const { storage } = deps;
  const period = parsePeriod(request.period);
  const [startMs, periodEndMs] = periodInstants(period, deps.timezone);
  const endMs = Math.max(startMs, Math.min(periodEndMs, request.until ?? periodEndMs));
  const start = new Date(startMs).toISOString();
  const end = new Date(endMs).toISOString();
  const inPeriod = (at: unknown): boolean => typeof at === "string" && at >= start && at < end;

  const users = new Map<string, StoredRecord>();
  for await (const batch of storage.scan({ collection: collections.users, batchSize })) {
    for (const user of batch) {
      const wanted =
        request.userIds === undefined
          ? user.active !== false && user.role !== "admin"
          : request.userIds.includes(user.id);
      if (wanted) users.set(user.id, user);
    }
  }
  const byUser = new Map<string, MetricCounters>();
  for (const id of request.userIds ?? [...users.keys()]) byUser.set(id, emptyCounters());

  // Segment members, as sets, for metrics restricted to a segment.
  const segmentIds = [
    ...new Set(request.metrics.flatMap((m) => (m.segmentId === undefined ? [] : [m.segmentId]))),
  ];
  const segmentMembers = new Map<string, { target: string; ids: Set<string> }>();
  for (const segmentId of segmentIds) {
    const segment = await deps.segments.get(segmentId);
    const ids = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await deps.segments.members(segmentId, { limit: 1_000, cursor });
      for (const record of page.records) ids.add(record.id);
      cursor = page.cursor;
    } while (cursor !== null);
    segmentMembers.set(segmentId, { target: segment?.target ?? "contact", ids });
  }

  const needs = new Set(request.metrics.map((m) => m.kind));
  const firstWon = new Map<string, { at: string; owner: string | undefined }>();
  const dealOwner = new Map<string, string>();
  for await (const batch of storage.scan({ collection: collections.deals, batchSize })) {
    for (const deal of batch) {
      const owner = deal.ownerId as string | undefined;
      const closedAt = deal.closedAt as string | undefined;
      const won = deal.state === "won" && closedAt !== undefined;
      if (won && needs.has("newCustomers")) {
        const customer = (deal.accountId as string | undefined) ?? (deal.contactId as string);
        if (customer !== undefined) {
          const known = firstWon.get(customer);
          if (known === undefined || closedAt < known.at)
            firstWon.set(customer, { at: closedAt, owner });
        }
      }
      if (owner === undefined) continue;
      const counters = byUser.get(owner);
      if (counters === undefined) continue;
      if (needs.has("proposalsSent")) dealOwner.set(deal.id, owner);
      const createdAt = deal.createdAt as string;
      if (createdAt < end && (closedAt === undefined || closedAt >= start)) counters.dealsSeen++;
      if (!inPeriod(closedAt)) continue;
      counters.closed++;
      if (!won) continue;
      counters.won++;
      const value = deal.value as number | undefined;
      if (value === undefined) counters.wonWithoutValue.push(deal.id);
      else counters.revenue += value;
      for (const [segmentId, members] of segmentMembers) {
        const member = members.target === "account" ? deal.accountId : deal.contactId;
        if (typeof member === "string" && members.ids.has(member)) {
          counters.segmentRevenue.set(
            segmentId,
            (counters.segmentRevenue.get(segmentId) ?? 0) + (value ?? 0),
          );
          counters.segmentWon.set(segmentId, (counters.segmentWon.get(segmentId) ?? 0) + 1);
        }
      }
    }
  }
  for (const { at, owner } of firstWon.values()) {
    if (owner === undefined || !inPeriod(at)) continue;
    const counters = byUser.get(owner);
    if (counters !== undefined) counters.newCustomers++;
  }

  let proposalStagesKnown = false;
  if (needs.has("proposalsSent")) {
    const wanted = new Set(request.proposalStages ?? ["proposal"]);
    const stageKeys = new Set<string>();
    for await (const batch of storage.scan({ collection: collections.pipelines })) {
      for (const pipeline of batch) {
        for (const stage of pipeline.stages as { id: string }[]) {
          if (wanted.has(stage.id) || wanted.has(`${pipeline.id}/${stage.id}`))
            stageKeys.add(`${pipeline.id}/${stage.id}`);
        }
      }
    }
    proposalStagesKnown = stageKeys.size > 0;
    if (proposalStagesKnown) {
      for await (const batch of storage.scan({
        collection: collections.dealStages,
        index: "enteredAt",
        where: { gte: start, lt: end },
        batchSize,
      })) {
        for (const stay of batch) {
          if (!stageKeys.has(`${stay.pipelineId as string}/${stay.stageId as string}`)) continue;
          const owner = dealOwner.get(stay.dealId as string);
          const counters = owner === undefined ? undefined : byUser.get(owner);
          if (counters !== undefined) counters.proposals++;
        }
      }
    }
  }

  if (needs.has("meetingsHeld") || needs.has("meetingsPerWeek") || needs.has("calls")) {
    const categories = new Map<string, string>();
    for await (const batch of storage.scan({ collection: collections.actionTypes })) {
      for (const type of batch) categories.set(type.id, type.category as string);
    }
    for await (const batch of storage.scan({ collection: collections.activities, batchSize })) {
      for (const activity of batch) {
        const counters = byUser.get(activity.ownerId as string);
        if (counters === undefined) continue;
        const at = (activity.startAt ?? activity.dueAt ?? activity.doneAt) as string | undefined;
        const held = (activity.startAt ?? activity.doneAt) as string | undefined;
        if (!inPeriod(at) && !inPeriod(activity.doneAt)) continue;
        counters.activitiesSeen++;
        if (activity.status !== "done" || !inPeriod(held)) continue;
        const category = categories.get(activity.type as string);
        if (category === "meeting" || category === "visit") counters.meetings++;
        else if (category === "call") counters.calls++;
      }
    }
  }

  if (needs.has("newProspects")) {
    for (const collection of [collections.contacts, collections.accounts]) {
      for await (const batch of storage.scan({
        collection,
        index: "createdAt",
        where: { gte: start, lt: end },
        batchSize,
      })) {
        for (const party of batch) {
          const counters = byUser.get(party.ownerId as string);
          if (counters !== undefined) counters.prospects++;
        }
      }
    }
  }
  return { period, byUser, users, proposalStagesKnown, days: (endMs - startMs) / 86_400_000 };
}

/**
 * Measures each rep's metrics for a period from storage: deals won and closed, stage history,
 * activities done, parties created. Gaps are named, never zeroed.
 */
export async function measureActuals(
  deps: MeasureDeps,
  request: MeasureRequest,
  targets: (repId: string) => Readonly<Record<string, number>> = () => ({}),
): Promise<Actuals> {
  const collected = await collectCounters(deps, request);
  const reps: RepActuals[] = [];
  for (const [repId, counters] of collected.byUser) {
    const values: Record<string, number | null> = {};
    const gaps: Record<string, string> = {};
    const user = collected.users.get(repId);
    for (const metric of request.metrics) {
      const key = metricKey(metric);
      const reading =
        user === undefined && request.userIds !== undefined
          ? ({ value: null, gap: "no such user" } as const)
          : readMetric(counters, metric, collected.days, collected);
      values[key] = reading.value;
      if (reading.gap !== undefined) gaps[key] = reading.gap;
    }
    reps.push({
      repId,
      ...(typeof user?.name === "string" ? { name: user.name } : {}),
      ...(typeof user?.teamId === "string" ? { teamId: user.teamId } : {}),
      values,
      gaps,
      targets: targets(repId),
    });
  }
  return { period: collected.period.key, source: "storage", reps };
}
