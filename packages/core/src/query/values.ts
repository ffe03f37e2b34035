import {
  addCalendar,
  type CalendarUnit,
  calendarDate,
  fromWallClock,
  startOfPeriod,
} from "../time/index.js";
import * as z from "../zod.js";
import type { RelativeOperator } from "./query.js";

const isoInstant = z.iso.datetime({ offset: true, local: false });
const isoDate = z.iso.date();

/** Tells whether a string is a calendar date `YYYY-MM-DD` that exists. */
export function isCalendarDate(value: string): boolean {
  return isoDate.safeParse(value).success;
}

/**
 * Parses an instant written in a query: an ISO 8601 date-time with `Z` or an offset, or a calendar
 * date (`2026-01-31`), which means midnight of that day in `timezone`.
 *
 * @returns milliseconds since the epoch, or `undefined` when the text is neither
 */
export function parseQueryInstant(value: string, timezone: string): number | undefined {
  if (isoInstant.safeParse(value).success) return Date.parse(value);
  if (isCalendarDate(value)) {
    const [year, month, day] = value.split("-").map(Number) as [number, number, number];
    return fromWallClock(
      { year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 },
      timezone,
    );
  }
  return undefined;
}

/** A span of time in milliseconds since the epoch; a missing bound is open. */
export interface TimeSpan {
  /** The lower bound. */
  readonly from?: number;
  /** Whether the lower bound is included. */
  readonly fromInclusive: boolean;
  /** The upper bound. */
  readonly to?: number;
  /** Whether the upper bound is included. */
  readonly toInclusive: boolean;
}

/**
 * The span of time a relative-date clause selects at instant `now`, in `timezone`:
 * - `withinLast` n units: from the same wall time n units ago to now, both included;
 * - `olderThan` n units: strictly before the same wall time n units ago;
 * - `withinNext` n units: from now to the same wall time n units ahead, both included;
 * - `inPeriod` unit with offset k: the calendar period k units from the current one (0 this
 *   quarter, -1 last quarter), start included, end excluded.
 *
 * @internal
 */
export function relativeSpan(
  op: RelativeOperator | "inPeriod",
  amount: number,
  unit: CalendarUnit,
  now: number,
  timezone: string,
): TimeSpan {
  switch (op) {
    case "withinLast":
      return {
        from: addCalendar(now, -amount, unit, timezone),
        fromInclusive: true,
        to: now,
        toInclusive: true,
      };
    case "olderThan":
      return {
        fromInclusive: false,
        to: addCalendar(now, -amount, unit, timezone),
        toInclusive: false,
      };
    case "withinNext":
      return {
        from: now,
        fromInclusive: true,
        to: addCalendar(now, amount, unit, timezone),
        toInclusive: true,
      };
    case "inPeriod": {
      const start = addCalendar(startOfPeriod(now, unit, timezone), amount, unit, timezone);
      return {
        from: start,
        fromInclusive: true,
        to: addCalendar(start, 1, unit, timezone),
        toInclusive: false,
      };
    }
  }
}

/**
 * The same span as calendar dates in `timezone`, for `date` fields: a date is in the span when its
 * day is. Returned bounds are `YYYY-MM-DD` strings.
 */
export function relativeDateSpan(
  op: RelativeOperator | "inPeriod",
  amount: number,
  unit: CalendarUnit,
  now: number,
  timezone: string,
): { from?: string; fromInclusive: boolean; to?: string; toInclusive: boolean } {
  const span = relativeSpan(op, amount, unit, now, timezone);
  const date = (ms: number | undefined) =>
    ms === undefined ? undefined : calendarDate(ms, timezone);
  const from = date(span.from);
  const to = date(span.to);
  // Whole days: a day is "within the last 30 days" when any of it is; periods start at midnight.
  return {
    ...(from === undefined ? {} : { from }),
    fromInclusive: true,
    ...(to === undefined ? {} : { to }),
    toInclusive: op === "withinLast" || op === "withinNext",
  };
}
