import { calendarDate } from "../time/index.js";
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
  type Row = { -readonly [K in keyof BookingsRow]: BookingsRow[K] } & { ids: string[] };
  const rows = new Map<string, Map<string, Row>>();
  for (const deal of data.deals) {
    if (deal.state !== "won" || deal.closedAt === undefined) continue;
    if (deal.closedAt < from || deal.closedAt >= to) continue;
    const month = calendarDate(deal.closedAt, options.timezone).slice(0, 7);
    let groups = rows.get(month);
    if (groups === undefined) {
      groups = new Map();
      rows.set(month, groups);
    }
    for (const key of groupsOf(deal, options.dimension, data.teams)) {
      let row = groups.get(key);
      if (row === undefined) {
        row = { month, key, won: 0, value: 0, withoutValue: 0, ids: [] };
        groups.set(key, row);
      }
      row.won++;
      if (deal.value === undefined) row.withoutValue++;
      else row.value += deal.value;
      row.ids.push(deal.id);
    }
  }
  return sortedGroups(rows).flatMap(([, groups]) => sortedGroups(groups).map(([, row]) => row));
}
