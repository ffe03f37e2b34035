import { CrmkitError } from "../errors.js";
import { median } from "../stats.js";
import {
  groupsOf,
  type ReportData,
  type ReportDimension,
  type ReportRange,
  type ReportStay,
  rangeMs,
  sortedGroups,
} from "./data.js";

/** Options of {@link funnelReport}. */
export interface FunnelOptions {
  /** The pipeline. */
  readonly pipelineId: string;
  /** The cohorts: deals that entered each stage in this range. */
  readonly range: ReportRange;
  /** Count a step only when the next stage was reached within this many days. @defaultValue ever */
  readonly withinDays?: number;
  /** Split by rep, team, source, product or territory. @defaultValue no split */
  readonly dimension?: ReportDimension;
}

/** One step of a funnel: of the deals that entered `from` in the range, those that reached `to`. */
export interface FunnelStep {
  /** The stage entered. */
  readonly from: string;
  /** The next step: the next open stage, or the won stage after the last open one. */
  readonly to: string;
  /** Deals that entered `from` in the range (the cohort). */
  readonly entered: number;
  /** Of those, deals that later reached `to` or a stage beyond it (within the window, if any). */
  readonly reached: number;
  /** reached / entered, `null` for an empty cohort. */
  readonly conversion: number | null;
  /** The cohort's deal ids (drill-down). */
  readonly enteredIds: readonly string[];
  /** The converted deal ids. */
  readonly reachedIds: readonly string[];
}

/** Time spent in one stage. */
export interface StageTime {
  /** The stage. */
  readonly stageId: string;
  /** Median days of the stays that entered in the range and have left; `null` without any. */
  readonly medianDays: number | null;
  /** Stays counted. */
  readonly completed: number;
  /** Stays that entered in the range and are still there (not counted in the median). */
  readonly ongoing: number;
}

/** One group of a funnel (all deals, or one rep, source…). */
export interface FunnelGroup {
  /** The group's key (`all` without a dimension). */
  readonly key: string;
  /** The steps, in stage order. */
  readonly steps: readonly FunnelStep[];
  /** Median time in each open stage. */
  readonly stageTimes: readonly StageTime[];
}

/** What {@link funnelReport} returns. */
export interface FunnelReport {
  /** The pipeline. */
  readonly pipelineId: string;
  /** The groups, sorted by key. */
  readonly groups: readonly FunnelGroup[];
}

const day = 86_400_000;

/**
 * Cohort conversion stage to stage: of the deals that entered stage i in the range, how many
 * reached stage i+1 — or any stage after it, won included — later (within `withinDays` if given).
 * A deal lost after stage 2 still counts in stage 1 → 2: cohorts are built from entries, never from
 * the deals' current state, so there is no survivor bias. A deal that entered a stage twice in the
 * range counts once, from its first entry.
 *
 * @throws CrmkitError `NOT_FOUND` for an unknown pipeline
 */
export function funnelReport(data: ReportData, options: FunnelOptions): FunnelReport {
  return funnelWith(data, options, true);
}

/**
 * The funnel, with or without stage times (the coaching report needs only the conversions, and
 * the medians are most of the cost).
 *
 * @internal
 */
export function funnelWith(data: ReportData, options: FunnelOptions, times: boolean): FunnelReport {
  const pipeline = data.pipelines.get(options.pipelineId);
  if (pipeline === undefined) {
    throw new CrmkitError("NOT_FOUND", `No pipeline "${options.pipelineId}".`, {
      details: { path: ["pipelineId"] },
    });
  }
  const [from, to] = rangeMs(options.range);
  const open = pipeline.stages.filter((s) => s.kind === "open").map((s) => s.id);
  const won = pipeline.stages.filter((s) => s.kind === "won").map((s) => s.id);
  // The position of each stage in the funnel; lost stages have none.
  const position = new Map<string, number>(open.map((id, i) => [id, i]));
  for (const id of won) position.set(id, open.length);
  const window =
    options.withinDays === undefined ? Number.POSITIVE_INFINITY : options.withinDays * day;

  interface Tally {
    entered: string[][];
    reached: string[][];
    durations: number[][];
    ongoing: number[];
  }
  const tallies = new Map<string, Tally>();
  const tallyOf = (key: string): Tally => {
    let tally = tallies.get(key);
    if (tally === undefined) {
      tally = {
        entered: open.map(() => []),
        reached: open.map(() => []),
        durations: open.map(() => []),
        ongoing: open.map(() => 0),
      };
      tallies.set(key, tally);
    }
    return tally;
  };
  const noStays: readonly ReportStay[] = [];
  // countedFor[i] is the number of the last deal counted at stage i: no set to clear per deal.
  const countedFor = new Float64Array(open.length).fill(-1);
  let dealNumber = 0;
  for (const deal of data.deals) {
    if (deal.pipelineId !== pipeline.id) continue;
    const stays = data.stays.get(deal.id) ?? noStays;
    let keys: readonly string[] | undefined;
    dealNumber++;
    for (let k = 0; k < stays.length; k++) {
      const stay = stays[k]!;
      if (stay.pipelineId !== pipeline.id) continue;
      const index = position.get(stay.stageId);
      if (index === undefined || index >= open.length) continue;
      if (stay.enteredAt < from || stay.enteredAt >= to) continue;
      keys ??= groupsOf(deal, options.dimension, data.teams);
      for (const key of keys) {
        const tally = tallyOf(key);
        if (stay.leftAt === undefined) tally.ongoing[index]!++;
        else if (times) tally.durations[index]!.push((stay.leftAt - stay.enteredAt) / day);
      }
      if (countedFor[index] === dealNumber) continue;
      countedFor[index] = dealNumber;
      // The first later stay (of this pipeline) further down the funnel.
      let converted = false;
      for (let j = k + 1; j < stays.length; j++) {
        const later = stays[j]!;
        if (later.pipelineId !== pipeline.id) continue;
        if ((position.get(later.stageId) ?? -1) > index) {
          converted = later.enteredAt - stay.enteredAt <= window;
          break;
        }
      }
      for (const key of keys) {
        const tally = tallyOf(key);
        tally.entered[index]!.push(deal.id);
        if (converted) tally.reached[index]!.push(deal.id);
      }
    }
  }
  if (options.dimension === undefined && tallies.size === 0) tallyOf("all");
  return {
    pipelineId: pipeline.id,
    groups: sortedGroups(tallies).map(([key, tally]) => ({
      key,
      steps: open.map((stageId, i) => ({
        from: stageId,
        to: open[i + 1] ?? won[0] ?? "won",
        entered: tally.entered[i]!.length,
        reached: tally.reached[i]!.length,
        conversion:
          tally.entered[i]!.length === 0
            ? null
            : tally.reached[i]!.length / tally.entered[i]!.length,
        enteredIds: tally.entered[i]!,
        reachedIds: tally.reached[i]!,
      })),
      stageTimes: open.map((stageId, i) => ({
        stageId,
        medianDays: times ? median(tally.durations[i]!) : null,
        completed: tally.durations[i]!.length,
        ongoing: tally.ongoing[i]!,
      })),
    })),
  };
}
