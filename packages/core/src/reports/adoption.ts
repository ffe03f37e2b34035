import {
  groupsOf,
  type ReportData,
  type ReportDimension,
  type ReportRange,
  type ReportStay,
  type ReportTask,
  rangeMs,
  sortedGroups,
} from "./data.js";

/** Options of {@link adoptionReport}. */
export interface AdoptionOptions {
  /** Deals created in this range. */
  readonly range: ReportRange;
  /** Group by rep (default) or team. @defaultValue "rep" */
  readonly dimension?: Extract<ReportDimension, "rep" | "team">;
}

/** How one rep (or team) follows the sales process. */
export interface AdoptionRow {
  /** The rep or team. */
  readonly key: string;
  /** Deals created in the range. */
  readonly deals: number;
  /** Deals that followed the process (both rules below). */
  readonly following: number;
  /** following / deals, `null` without deals. */
  readonly rate: number | null;
  /** Deals that moved forward over an open stage (the history shows a skipped step). */
  readonly skippedStages: readonly string[];
  /** Deals that left a stage (or closed) with its tasks neither done nor skipped by the goal. */
  readonly tasksLeftUndone: readonly string[];
}

/**
 * Process adoption: a deal follows the process when its stage history never jumps forward over an
 * open stage, and every task of the stages it has left (all of them once closed) was done or
 * skipped because the stage's goal was met — not left open or cancelled at the close. The
 * `total` row is the team's usage rate.
 */
export function adoptionReport(data: ReportData, options: AdoptionOptions): AdoptionRow[] {
  const [from, to] = rangeMs(options.range);
  const tallies = new Map<string, { deals: string[]; skipped: string[]; undone: string[] }>();
  const add = (key: string, dealId: string, skipped: boolean, undone: boolean) => {
    let tally = tallies.get(key);
    if (tally === undefined) {
      tally = { deals: [], skipped: [], undone: [] };
      tallies.set(key, tally);
    }
    tally.deals.push(dealId);
    if (skipped) tally.skipped.push(dealId);
    if (undone) tally.undone.push(dealId);
  };
  // Each pipeline's open stages, by position; looked up once, not per deal.
  const openStages = new Map<string, Map<string, number>>();
  for (const [id, pipeline] of data.pipelines) {
    const open = pipeline.stages.filter((s) => s.kind === "open");
    openStages.set(id, new Map(open.map((stage, i) => [stage.id, i])));
  }
  const none = new Map<string, number>();
  const noStays: readonly ReportStay[] = [];
  const noTasks: readonly ReportTask[] = [];
  const dimension = options.dimension ?? "rep";
  for (const deal of data.deals) {
    if (deal.createdAt < from || deal.createdAt >= to) continue;
    const open = openStages.get(deal.pipelineId) ?? none;
    const stays = data.stays.get(deal.id) ?? noStays;
    // Closing (won or lost) from any stage is not a skipped step: deals may end anywhere.
    let skipped = false;
    for (let i = 1; i < stays.length && !skipped; i++) {
      const before = open.get(stays[i - 1]!.stageId);
      const after = open.get(stays[i]!.stageId);
      if (before !== undefined && after !== undefined && after > before + 1) skipped = true;
    }
    const closed = deal.state !== "open";
    const undone = (data.tasks.get(deal.id) ?? noTasks).some(
      (task) =>
        task.status !== "done" &&
        task.status !== "skipped" &&
        (closed || stays.some((s) => s.leftAt !== undefined && s.stageId === task.stageId)),
    );
    for (const key of groupsOf(deal, dimension, data.teams)) add(key, deal.id, skipped, undone);
    add("total", deal.id, skipped, undone);
  }
  return sortedGroups(tallies).map(([key, t]) => {
    const bad = new Set([...t.skipped, ...t.undone]);
    return {
      key,
      deals: t.deals.length,
      following: t.deals.length - bad.size,
      rate: t.deals.length === 0 ? null : (t.deals.length - bad.size) / t.deals.length,
      skippedStages: t.skipped,
      tasksLeftUndone: t.undone,
    };
  });
}
