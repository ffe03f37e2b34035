import {
  groupsOf,
  type ReportData,
  type ReportDimension,
  type ReportRange,
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
  const add = (key: string) => {
    let tally = tallies.get(key);
    if (tally === undefined) {
      tally = { deals: [], skipped: [], undone: [] };
      tallies.set(key, tally);
    }
    return tally;
  };
  for (const deal of data.deals) {
    if (deal.createdAt < from || deal.createdAt >= to) continue;
    const pipeline = data.pipelines.get(deal.pipelineId);
    const open = pipeline?.stages.filter((s) => s.kind === "open").map((s) => s.id) ?? [];
    const stays = data.stays.get(deal.id) ?? [];
    // Closing (won or lost) from any stage is not a skipped step: deals may end anywhere.
    let skipped = false;
    for (let i = 1; i < stays.length; i++) {
      const before = open.indexOf(stays[i - 1]!.stageId);
      const after = open.indexOf(stays[i]!.stageId);
      if (before !== -1 && after !== -1 && after > before + 1) skipped = true;
    }
    const left = new Set(stays.filter((s) => s.leftAt !== undefined).map((s) => s.stageId));
    const closed = deal.state !== "open";
    const undone = (data.tasks.get(deal.id) ?? []).some(
      (task) =>
        (closed || left.has(task.stageId)) && task.status !== "done" && task.status !== "skipped",
    );
    const keys = [...groupsOf(deal, options.dimension ?? "rep", data.teams), "total"];
    for (const key of keys) {
      const tally = add(key);
      tally.deals.push(deal.id);
      if (skipped) tally.skipped.push(deal.id);
      if (undone) tally.undone.push(deal.id);
    }
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
