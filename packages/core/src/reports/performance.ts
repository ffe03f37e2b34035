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

/** Options of {@link performanceReport}. */
export interface PerformanceOptions {
  /** Deals closed (won or lost) in this range. */
  readonly range: ReportRange;
  /** Split by rep, team, source, product or territory. @defaultValue no split */
  readonly dimension?: ReportDimension;
  /** Only this pipeline. */
  readonly pipelineId?: string;
  /**
   * The stages whose first entry starts the "ask to decision" clock.
   * @defaultValue every stage whose id is `proposal`
   */
  readonly askStages?: readonly string[];
}

/** Win rate, deal size and cycle length of one group. */
export interface PerformanceRow {
  /** The group's key. */
  readonly key: string;
  /** Deals closed in the range. */
  readonly closed: number;
  /** Of which won. */
  readonly won: number;
  /** Of which lost. */
  readonly lost: number;
  /** won / closed, `null` when nothing closed. */
  readonly winRate: number | null;
  /** Value of the won deals that have one, minor units. */
  readonly wonValue: number;
  /** wonValue / won deals with a value, `null` without any. */
  readonly averageDealSize: number | null;
  /** Won deals without a value (left out of the average, not counted as 0). */
  readonly withoutValue: number;
  /** Median days from creation to close, won deals. */
  readonly cycleDays: number | null;
  /** Median days from the first entry into an ask stage to the decision (won or lost). */
  readonly askToDecisionDays: number | null;
  /** Drill-down: the won and lost deal ids. */
  readonly ids: {
    /** Won deals. */
    readonly won: readonly string[];
    /** Lost deals. */
    readonly lost: readonly string[];
  };
}

const day = 86_400_000;

/**
 * Win rate (won ÷ closed in the range), average deal size (won deals with a value), sales-cycle
 * length (creation to close of won deals) and ask to decision (first entry into the ask stage to
 * close, won or lost), by group.
 */
export function performanceReport(data: ReportData, options: PerformanceOptions): PerformanceRow[] {
  const [from, to] = rangeMs(options.range);
  const ask = new Set(options.askStages ?? ["proposal"]);
  interface Tally {
    won: string[];
    lost: string[];
    value: number;
    valued: number;
    cycles: number[];
    asks: number[];
  }
  const tallies = new Map<string, Tally>();
  const columns = stayColumnsOf(data);
  const { enteredAt, stage, starts } = columns;
  const isAsk = columns.names.map((name) => ask.has(name));
  const runs = runsOfDeals(columns, data.deals);
  for (let d = 0; d < data.deals.length; d++) {
    const deal = data.deals[d]!;
    if (options.pipelineId !== undefined && deal.pipelineId !== options.pipelineId) continue;
    if (deal.state === "open" || deal.closedAt === undefined) continue;
    if (deal.closedAt < from || deal.closedAt >= to) continue;
    const run = runs[d]!;
    let firstAsk: number | undefined;
    if (run !== -1) {
      for (let i = starts[run]!; i < starts[run + 1]! && firstAsk === undefined; i++)
        if (isAsk[stage[i]!]) firstAsk = enteredAt[i]!;
    }
    for (const key of groupsOf(deal, options.dimension, data.teams)) {
      let tally = tallies.get(key);
      if (tally === undefined) {
        tally = { won: [], lost: [], value: 0, valued: 0, cycles: [], asks: [] };
        tallies.set(key, tally);
      }
      if (deal.state === "won") {
        tally.won.push(deal.id);
        if (deal.value !== undefined) {
          tally.value += deal.value;
          tally.valued++;
        }
        tally.cycles.push((deal.closedAt - deal.createdAt) / day);
      } else tally.lost.push(deal.id);
      if (firstAsk !== undefined) tally.asks.push((deal.closedAt - firstAsk) / day);
    }
  }
  return sortedGroups(tallies).map(([key, t]) => {
    const closed = t.won.length + t.lost.length;
    return {
      key,
      closed,
      won: t.won.length,
      lost: t.lost.length,
      winRate: closed === 0 ? null : t.won.length / closed,
      wonValue: t.value,
      averageDealSize: t.valued === 0 ? null : t.value / t.valued,
      withoutValue: t.won.length - t.valued,
      cycleDays: median(t.cycles),
      askToDecisionDays: median(t.asks),
      ids: { won: t.won, lost: t.lost },
    };
  });
}
