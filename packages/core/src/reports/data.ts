import { type Pipeline, pipelineTables } from "../pipelines/index.js";
import { collections } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { instantMs } from "../time/index.js";
import { StayColumnsBuilder } from "./stay-columns.js";
import { StaysView } from "./stays-view.js";
import type { ReportData, ReportDeal, ReportTask } from "./types.js";

export type { ReportData, ReportDeal, ReportStay, ReportTask } from "./types.js";

const time = (value: unknown): number | undefined =>
  typeof value === "string" ? instantMs(value) : undefined;

/**
 * Streams deals, stage history, pipelines and users into {@link ReportData} (deals of one pipeline
 * when asked). Reports are pure functions of it, so the same data gives the same numbers on every
 * adapter and in any insertion order.
 */
export async function loadReportData(
  storage: StorageAdapter,
  options: { readonly pipelineId?: string } = {},
): Promise<ReportData> {
  const pipelines = new Map<string, Pipeline>();
  for (const pipeline of await pipelineTables.pipelines.all(storage))
    pipelines.set(pipeline.id, pipeline);
  const teams = new Map<string, string>();
  for await (const batch of storage.scan({ collection: collections.users })) {
    for (const user of batch) if (typeof user.teamId === "string") teams.set(user.id, user.teamId);
  }
  const deals: ReportDeal[] = [];
  const selection =
    options.pipelineId === undefined
      ? { collection: collections.deals }
      : { collection: collections.deals, index: "pipelineId", where: { eq: options.pipelineId } };
  for await (const batch of storage.scan({ ...selection, batchSize: 5_000 })) {
    for (const d of batch) {
      deals.push({
        id: d.id,
        pipelineId: d.pipelineId as string,
        stageId: d.stageId as string,
        state: d.state as ReportDeal["state"],
        ownerId: d.ownerId as string | undefined,
        source: d.source as string | undefined,
        territory: d.territory as string | undefined,
        products: (d.products as string[] | undefined) ?? [],
        value: d.value as number | undefined,
        expectedCloseDate: d.expectedCloseDate as string | undefined,
        createdAt: time(d.createdAt)!,
        updatedAt: time(d.updatedAt)!,
        closedAt: time(d.closedAt),
      });
    }
  }
  const wanted = options.pipelineId === undefined ? null : new Set(deals.map((d) => d.id));
  // The stays come grouped by deal (the dealId index) and are kept as columns: no object per stay.
  const stays = new StayColumnsBuilder(await storage.count({ collection: collections.dealStages }));
  for await (const batch of storage.scan({
    collection: collections.dealStages,
    index: "dealId",
    batchSize: 5_000,
  })) {
    for (const s of batch) {
      const dealId = s.dealId as string;
      if (wanted !== null && !wanted.has(dealId)) continue;
      stays.add(
        dealId,
        s.pipelineId as string,
        s.stageId as string,
        s.sequence as number,
        time(s.enteredAt)!,
        time(s.leftAt) ?? Number.NaN,
      );
    }
  }
  const tasks = new Map<string, ReportTask[]>();
  for await (const batch of storage.scan({ collection: collections.tasks, batchSize: 5_000 })) {
    for (const t of batch) {
      // Stage tasks only: the process's own; tasks made by hand or by automations are not.
      if (typeof t.dealId !== "string" || typeof t.stageId !== "string") continue;
      const dealId = t.dealId;
      if (wanted !== null && !wanted.has(dealId)) continue;
      const list = tasks.get(dealId) ?? [];
      list.push({ stageId: t.stageId, status: t.status as ReportTask["status"] });
      tasks.set(dealId, list);
    }
  }
  const meetingTypes = new Set<string>();
  for await (const batch of storage.scan({ collection: collections.actionTypes })) {
    for (const type of batch)
      if (type.category === "meeting" || type.category === "visit") meetingTypes.add(type.id);
  }
  const firstMeetings = new Map<string, number>();
  for await (const batch of storage.scan({
    collection: collections.activities,
    batchSize: 5_000,
  })) {
    for (const a of batch) {
      const dealId = a.dealId as string | undefined;
      if (dealId === undefined || a.status !== "done" || !meetingTypes.has(a.type as string))
        continue;
      if (wanted !== null && !wanted.has(dealId)) continue;
      const at = time(a.startAt ?? a.doneAt);
      if (at === undefined) continue;
      const known = firstMeetings.get(dealId);
      if (known === undefined || at < known) firstMeetings.set(dealId, at);
    }
  }
  // Deals in id order: a report never depends on the order records were inserted in. Adapters
  // that scan in id order already give it; sorting is then skipped.
  if (!inIdOrder(deals)) deals.sort((a, b) => compareText(a.id, b.id));
  return { deals, stays: new StaysView(stays.build()), pipelines, teams, tasks, firstMeetings };
}

function inIdOrder(deals: readonly ReportDeal[]): boolean {
  for (let i = 1; i < deals.length; i++) if (deals[i - 1]!.id > deals[i]!.id) return false;
  return true;
}

/** What a report can be split by. */
export type ReportDimension = "rep" | "team" | "source" | "product" | "territory";

/** The label of records without a value for the dimension. */
export const noValue = "(none)";

/** The groups a deal belongs to for a dimension (several for products). */
export function groupsOf(
  deal: ReportDeal,
  dimension: ReportDimension | undefined,
  teams: ReadonlyMap<string, string>,
): readonly string[] {
  switch (dimension) {
    case undefined:
      return ["all"];
    case "rep":
      return [deal.ownerId ?? noValue];
    case "team":
      return [(deal.ownerId === undefined ? undefined : teams.get(deal.ownerId)) ?? noValue];
    case "source":
      return [deal.source ?? noValue];
    case "territory":
      return [deal.territory ?? noValue];
    case "product":
      return deal.products.length === 0
        ? [noValue]
        : distinct(deal.products)
          ? deal.products
          : [...new Set(deal.products)];
  }
}

/** Whether no value is listed twice (a deal's few products by pairs; many by a set). */
function distinct(values: readonly string[]): boolean {
  if (values.length > 8) return new Set(values).size === values.length;
  for (let i = 1; i < values.length; i++)
    for (let j = 0; j < i; j++) if (values[i] === values[j]) return false;
  return true;
}

/** A period of instants `[from, to)` (ISO strings or epoch ms). */
export interface ReportRange {
  /** The first instant included. */
  readonly from: string | number;
  /** The first instant excluded. */
  readonly to: string | number;
}

/** A range in epoch milliseconds. */
export function rangeMs(range: ReportRange): [number, number] {
  const ms = (v: string | number) => (typeof v === "number" ? v : Date.parse(v));
  return [ms(range.from), ms(range.to)];
}

/** Orders strings by UTF-16 code unit, as ids and keys are compared everywhere in crmkit. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Group entries sorted by key, for stable output. */
export function sortedGroups<T>(map: Map<string, T>): [string, T][] {
  return [...map.entries()].sort(([a], [b]) => compareText(a, b));
}
