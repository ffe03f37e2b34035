import { CrmkitError } from "../errors.js";
import { median } from "../stats.js";
import {
  groupsOf,
  type ReportData,
  type ReportDimension,
  type ReportRange,
  rangeMs,
  sortedGroups,
} from "./data.js";
import { runsOfDeals, stayColumnsOf } from "./stays-view.js";

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
  return funnelWith(data, options, { times: true, ids: true });
}

/**
 * The funnel, with or without stage times and drill-down ids (the coaching report needs only the
 * conversions; the medians and the id lists are most of the cost). Without ids, `enteredIds` and
 * `reachedIds` are empty.
 *
 * @internal
 */
export function funnelWith(
  data: ReportData,
  options: FunnelOptions,
  { times, ids }: { readonly times: boolean; readonly ids: boolean },
): FunnelReport {
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
    entered: number[];
    reached: number[];
    enteredIds: string[][];
    reachedIds: string[][];
    durations: number[][];
    ongoing: number[];
  }
  const tallies = new Map<string, Tally>();
  const tallyOf = (key: string): Tally => {
    let tally = tallies.get(key);
    if (tally === undefined) {
      tally = {
        entered: open.map(() => 0),
        reached: open.map(() => 0),
        enteredIds: open.map(() => []),
        reachedIds: open.map(() => []),
        durations: open.map(() => []),
        ongoing: open.map(() => 0),
      };
      tallies.set(key, tally);
    }
    return tally;
  };
  const columns = stayColumnsOf(data);
  const { enteredAt, leftAt, stage, starts } = columns;
  const pipelineNumber = columns.numbers.get(pipeline.id) ?? -1;
  const stayPipeline = columns.pipeline;
  // Each interned stage's position in the funnel (-1: none, lost stages and other names).
  const positionOf = columns.names.map((name) => position.get(name) ?? -1);
  // countedFor[i] is the number of the last deal counted at stage i: no set to clear per deal.
  const countedFor = new Float64Array(open.length).fill(-1);
  const runs = runsOfDeals(columns, data.deals);
  for (let dealNumber = 0; dealNumber < data.deals.length; dealNumber++) {
    const deal = data.deals[dealNumber]!;
    const run = runs[dealNumber]!;
    if (deal.pipelineId !== pipeline.id || run === -1) continue;
    const end = starts[run + 1]!;
    let keys: readonly string[] | undefined;
    for (let k = starts[run]!; k < end; k++) {
      if (stayPipeline[k] !== pipelineNumber) continue;
      const index = positionOf[stage[k]!]!;
      if (index === -1 || index >= open.length) continue;
      const entered = enteredAt[k]!;
      if (entered < from || entered >= to) continue;
      keys ??= groupsOf(deal, options.dimension, data.teams);
      const left = leftAt[k]!;
      for (const key of keys) {
        const tally = tallyOf(key);
        if (Number.isNaN(left)) tally.ongoing[index]!++;
        else if (times) tally.durations[index]!.push((left - entered) / day);
      }
      if (countedFor[index] === dealNumber) continue;
      countedFor[index] = dealNumber;
      // The first later stay (of this pipeline) further down the funnel.
      let converted = false;
      for (let j = k + 1; j < end; j++) {
        if (stayPipeline[j] !== pipelineNumber) continue;
        if (positionOf[stage[j]!]! > index) {
          converted = enteredAt[j]! - entered <= window;
          break;
        }
      }
      for (const key of keys) {
        const tally = tallyOf(key);
        tally.entered[index]!++;
        if (converted) tally.reached[index]!++;
        if (ids) {
          tally.enteredIds[index]!.push(deal.id);
          if (converted) tally.reachedIds[index]!.push(deal.id);
        }
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
        entered: tally.entered[i]!,
        reached: tally.reached[i]!,
        conversion: tally.entered[i] === 0 ? null : tally.reached[i]! / tally.entered[i]!,
        enteredIds: tally.enteredIds[i]!,
        reachedIds: tally.reachedIds[i]!,
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
