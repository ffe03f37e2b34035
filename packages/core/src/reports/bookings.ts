import { calendarDate } from "../time/zoned.js";
import {
  groupsOf,
  type ReportData,
  type ReportDimension,
  type ReportRange,
  rangeMs,
  sortedGroups,
} from "./data.js";

/** Options of {@link bookingsReport}. */
export interface BookingsOptions {
  /** Deals won in this range. */
  readonly range: ReportRange;
  /** The timezone whose calendar months the wins are bucketed in (the workspace's). */
  readonly timezone: string;
  /** Split by rep, team, source, product or territory. @defaultValue no split */
  readonly dimension?: ReportDimension;
}

/** The deals won in one month, for one group. */
export interface BookingsRow {
  /** The month, `YYYY-MM`, in the timezone asked. */
  readonly month: string;
  /** The group's key (`all` without a dimension). */
  readonly key: string;
  /** Deals won. */
  readonly won: number;
  /** Their value, minor units (deals without a value add nothing and are counted apart). */
  readonly value: number;
  /** Won deals without a value. */
  readonly withoutValue: number;
  /** The won deals' ids (drill-down). */
  readonly ids: readonly string[];
}

/**
 * Bookings: the value of the deals won, by calendar month of the win (in the given timezone) and
 * group. A deal with several products counts in each product's group, so product groups overlap.
 * Months without a win are left out. Rows are ordered by month, then key.
 */
export function bookingsReport(data: ReportData, options: BookingsOptions): BookingsRow[] {
  const [from, to] = rangeMs(options.range);
  const cells = new Map<string, { won: number; value: number; without: number; ids: string[] }>();
  for (const deal of data.deals) {
    if (deal.state !== "won" || deal.closedAt === undefined) continue;
    if (deal.closedAt < from || deal.closedAt >= to) continue;
    const month = calendarDate(deal.closedAt, options.timezone).slice(0, 7);
    for (const key of groupsOf(deal, options.dimension, data.teams)) {
      const cellKey = `${month}\u0000${key}`;
      let cell = cells.get(cellKey);
      if (cell === undefined) {
        cell = { won: 0, value: 0, without: 0, ids: [] };
        cells.set(cellKey, cell);
      }
      cell.won++;
      if (deal.value === undefined) cell.without++;
      else cell.value += deal.value;
      cell.ids.push(deal.id);
    }
  }
  return sortedGroups(cells).map(([cellKey, cell]) => {
    const [month, key] = cellKey.split("\u0000") as [string, string];
    return {
      month,
      key,
      won: cell.won,
      value: cell.value,
      withoutValue: cell.without,
      ids: cell.ids,
    };
  });
}
