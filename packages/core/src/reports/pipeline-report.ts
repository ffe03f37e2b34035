import { median } from "../stats.js";
import {
  compareText,
  groupsOf,
  noValue,
  type ReportData,
  type ReportDimension,
  sortedGroups,
} from "./data.js";

/** Options of {@link pipelineReport}. */
export interface PipelineReportOptions {
  /** The instant of the reading (ages and rotting). */
  readonly at: number;
  /** Only this pipeline. */
  readonly pipelineId?: string;
  /** Split by rep, team, source, product or territory. @defaultValue no split */
  readonly dimension?: ReportDimension;
}

/** Open deals of one stage (or one expected close month). */
export interface PipelineRow {
  /** The group (`all` without a dimension). */
  readonly group: string;
  /** The pipeline. */
  readonly pipelineId: string;
  /** The stage id, or the expected close month `YYYY-MM` (`(none)` without a date). */
  readonly key: string;
  /** Open deals. */
  readonly count: number;
  /** Their value, minor units (deals without a value add nothing and are counted apart). */
  readonly value: number;
  /** Σ value × the stage's probability. */
  readonly weightedValue: number;
  /** Open deals without a value. */
  readonly withoutValue: number;
  /** Median age in days (since creation). */
  readonly medianAgeDays: number | null;
  /** Deals past their stage's rotting delay (days since their last update). */
  readonly rotting: number;
  /** Drill-down. */
  readonly ids: readonly string[];
}

/** What {@link pipelineReport} returns. */
export interface PipelineReport {
  /** By stage, in pipeline order. */
  readonly byStage: readonly PipelineRow[];
  /** By expected close month, in month order (undated last). */
  readonly byCloseMonth: readonly PipelineRow[];
}

const day = 86_400_000;

/**
 * The open pipeline: number, value, weighted value (value × stage probability), age and rotting
 * deals, by stage and by expected close month. Only open deals count: won and lost deals are not
 * pipeline, so a lost deal never inflates the forecast.
 */
export function pipelineReport(data: ReportData, options: PipelineReportOptions): PipelineReport {
  interface Tally {
    pipelineId: string;
    count: number;
    value: number;
    weighted: number;
    withoutValue: number;
    ages: number[];
    rotting: number;
    ids: string[];
  }
  const byStage = new Map<string, Tally>();
  const byMonth = new Map<string, Tally>();
  const add = (map: Map<string, Tally>, key: string, pipelineId: string) => {
    let tally = map.get(key);
    if (tally === undefined) {
      tally = {
        pipelineId,
        count: 0,
        value: 0,
        weighted: 0,
        withoutValue: 0,
        ages: [],
        rotting: 0,
        ids: [],
      };
      map.set(key, tally);
    }
    return tally;
  };
  for (const deal of data.deals) {
    if (deal.state !== "open") continue;
    if (options.pipelineId !== undefined && deal.pipelineId !== options.pipelineId) continue;
    const pipeline = data.pipelines.get(deal.pipelineId);
    const stage = pipeline?.stages.find((s) => s.id === deal.stageId);
    const probability = stage?.probability ?? 0;
    const rotting =
      stage?.rottingDays !== undefined && options.at - deal.updatedAt > stage.rottingDays * day;
    const month = deal.expectedCloseDate?.slice(0, 7) ?? noValue;
    for (const group of groupsOf(deal, options.dimension, data.teams)) {
      for (const tally of [
        add(byStage, `${group}\u0000${deal.pipelineId}\u0000${deal.stageId}`, deal.pipelineId),
        add(byMonth, `${group}\u0000${deal.pipelineId}\u0000${month}`, deal.pipelineId),
      ]) {
        tally.count++;
        if (deal.value === undefined) tally.withoutValue++;
        else {
          tally.value += deal.value;
          // Summed as value × probability (integers for integer probabilities) and divided once,
          // so the total does not depend on the order deals are added in.
          tally.weighted += deal.value * probability;
        }
        tally.ages.push((options.at - deal.createdAt) / day);
        if (rotting) tally.rotting++;
        tally.ids.push(deal.id);
      }
    }
  }
  const rows = (map: Map<string, Tally>) =>
    sortedGroups(map).map(([composite, t]): PipelineRow => {
      const [group, pipelineId, key] = composite.split("\u0000") as [string, string, string];
      return {
        group,
        pipelineId,
        key,
        count: t.count,
        value: t.value,
        weightedValue: t.weighted / 100,
        withoutValue: t.withoutValue,
        medianAgeDays: median(t.ages),
        rotting: t.rotting,
        ids: t.ids,
      };
    });
  const stageOrder = (row: PipelineRow) =>
    data.pipelines.get(row.pipelineId)?.stages.findIndex((s) => s.id === row.key) ?? -1;
  return {
    byStage: rows(byStage).sort(
      (a, b) =>
        compareText(a.group, b.group) ||
        compareText(a.pipelineId, b.pipelineId) ||
        stageOrder(a) - stageOrder(b),
    ),
    // "(none)" sorts before digits; undated months go last.
    byCloseMonth: rows(byMonth).sort(
      (a, b) =>
        compareText(a.group, b.group) ||
        compareText(a.pipelineId, b.pipelineId) ||
        Number(a.key === noValue) - Number(b.key === noValue) ||
        compareText(a.key, b.key),
    ),
  };
}
