import {
  groupsOf,
  type ReportData,
  type ReportDimension,
  type ReportRange,
  type ReportTask,
  rangeMs,
  sortedGroups,
} from "./data.js";
import { runsOfDeals, stayColumnsOf } from "./stays-view.js";

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
  const columns = stayColumnsOf(data);
  const { leftAt, stage, starts } = columns;
  // Each pipeline's open stages' positions, by interned stage (-1: not an open stage of it);
  // made once, not per deal.
  const openStages = new Map<string, readonly number[]>();
  for (const [id, pipeline] of data.pipelines) {
    const open = new Map(
      pipeline.stages.filter((s) => s.kind === "open").map((stage, i) => [stage.id, i]),
    );
    openStages.set(
      id,
      columns.names.map((name) => open.get(name) ?? -1),
    );
  }
  const none: readonly number[] = [];
  // Whether the deal left the stage: a stay in it (between start and end) that has ended.
  const leftStage = (stageNumber: number | undefined, start: number, end: number) => {
    for (let i = start; i < end; i++)
      if (stage[i] === stageNumber && !Number.isNaN(leftAt[i]!)) return true;
    return false;
  };
  const noTasks: readonly ReportTask[] = [];
  const dimension = options.dimension ?? "rep";
  const runs = runsOfDeals(columns, data.deals);
  for (let d = 0; d < data.deals.length; d++) {
    const deal = data.deals[d]!;
    if (deal.createdAt < from || deal.createdAt >= to) continue;
    const open = openStages.get(deal.pipelineId) ?? none;
    const run = runs[d]!;
    const start = run === -1 ? 0 : starts[run]!;
    const end = run === -1 ? 0 : starts[run + 1]!;
    // Closing (won or lost) from any stage is not a skipped step: deals may end anywhere.
    let skipped = false;
    for (let i = start + 1; i < end && !skipped; i++) {
      const before = open[stage[i - 1]!] ?? -1;
      const after = open[stage[i]!] ?? -1;
      if (before !== -1 && after !== -1 && after > before + 1) skipped = true;
    }
    const closed = deal.state !== "open";
    let undone = false;
    for (const task of data.tasks.get(deal.id) ?? noTasks) {
      if (task.status === "done" || task.status === "skipped") continue;
      undone = closed || leftStage(columns.numbers.get(task.stageId), start, end);
      if (undone) break;
    }
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
