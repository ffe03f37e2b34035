import { CrmkitError } from "../errors.js";

/** A calendar unit for periods and calendar arithmetic. */
export type CalendarUnit = "day" | "week" | "month" | "quarter" | "year";

/** A wall-clock reading in some timezone. `month` is 1–12. */
export interface WallClock {
  /** The full year. */
  readonly year: number;
  /** The month, 1 (January) to 12. */
  readonly month: number;
  /** The day of the month, 1 to 31. */
  readonly day: number;
  /** The hour, 0 to 23. */
  readonly hour: number;
  /** The minute, 0 to 59. */
  readonly minute: number;
  /** The second, 0 to 59. */
  readonly second: number;
  /** The millisecond, 0 to 999. */
  readonly millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** Tells whether `timezone` is an IANA timezone name the platform knows (e.g. `Europe/Paris`). */
export function isValidTimezone(timezone: string): boolean {
  if (timezone === "") return false;
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

function requireTimezone(timezone: string): Intl.DateTimeFormat {
  try {
    return formatterFor(timezone);
  } catch (cause) {
    throw new CrmkitError("VALIDATION_FAILED", `Unknown timezone "${timezone}".`, {
      details: { path: ["timezone"], timezone },
      cause,
    });
  }
}

function readWallClock(epochMs: number, timezone: string): WallClock {
  const parts = requireTimezone(timezone).formatToParts(epochMs);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value);
  return {
    year: field("year"),
    month: field("month"),
    day: field("day"),
    hour: field("hour"),
    minute: field("minute"),
    second: field("second"),
    millisecond: ((epochMs % 1000) + 1000) % 1000,
  };
}

function wallAsUtc(wall: WallClock): number {
  const utc = new Date(0);
  utc.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  utc.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return utc.getTime();
}

// Offsets change only at transitions, and transitions fall on quarter hours of UTC (local times
// on the hour, offsets in quarter hours), so one reading per timezone and quarter hour serves
// every instant in it: `Intl` is slow, and calendars, agendas and scoring ask for the same hours.
const quarterHour = 900_000;
const offsets = new Map<string, number>();

/** The timezone's offset from UTC at an instant, in milliseconds (Paris in winter: 3,600,000). */
export function timezoneOffset(epochMs: number, timezone: string): number {
  const key = `${timezone}|${Math.floor(epochMs / quarterHour)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = wallAsUtc(readWallClock(epochMs, timezone)) - epochMs;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/**
 * Reads the wall clock of `timezone` at an instant.
 *
 * @throws CrmkitError `VALIDATION_FAILED` for an unknown timezone
 */
export function toWallClock(epochMs: number, timezone: string): WallClock {
  // The last reading of each timezone is kept: an assignment reads the same instant in the same
  // zone for every candidate rep (a reading is frozen, so it can be shared).
  const last = lastReadings.get(timezone);
  if (last !== undefined && last.epochMs === epochMs) return last.wall;
  const local = new Date(epochMs + timezoneOffset(epochMs, timezone));
  const wall: WallClock = Object.freeze({
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
  });
  if (lastReadings.size >= 1_000) lastReadings.clear();
  lastReadings.set(timezone, { epochMs, wall, date: undefined });
  return wall;
}

/** Each timezone's last wall-clock reading, and its calendar date once formatted. */
const lastReadings = new Map<
  string,
  { readonly epochMs: number; readonly wall: WallClock; date: string | undefined }
>();

/**
 * The instant at which `timezone`'s wall clock reads `wall`. A reading skipped by a daylight-saving
 * jump (02:30 on a spring-forward night) resolves to the instant just after the jump, by the offset
 * in force before it; a reading that happens twice (autumn) resolves to the first.
 *
 * @throws CrmkitError `VALIDATION_FAILED` for an unknown timezone
 */
export function fromWallClock(wall: WallClock, timezone: string): number {
  const local = wallAsUtc(wall);
  // Two probes around the reading find the offsets on both sides of a nearby transition.
  const before = timezoneOffset(local - 86_400_000, timezone);
  const after = timezoneOffset(local + 86_400_000, timezone);
  const earlier = local - before;
  if (timezoneOffset(earlier, timezone) === before) return earlier;
  const later = local - after;
  if (timezoneOffset(later, timezone) === after) return later;
  // The reading falls in a gap: keep the pre-transition offset, which lands after the jump.
  return earlier;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Adds `amount` calendar units to a wall clock; the day is clamped to the target month's end. */
export function addToWallClock(wall: WallClock, amount: number, unit: CalendarUnit): WallClock {
  if (unit === "day" || unit === "week") {
    const days = unit === "week" ? amount * 7 : amount;
    const date = new Date(0);
    date.setUTCFullYear(wall.year, wall.month - 1, wall.day + days);
    return {
      ...wall,
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
    };
  }
  const months = unit === "month" ? amount : unit === "quarter" ? amount * 3 : amount * 12;
  const index = wall.year * 12 + (wall.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { ...wall, year, month, day: Math.min(wall.day, daysInMonth(year, month)) };
}

/**
 * Adds calendar units to an instant as a person in `timezone` would: one day later is the same wall
 * time tomorrow (23 or 25 hours across a daylight-saving change), one month after 31 January is
 * 28 or 29 February.
 */
export function addCalendar(
  epochMs: number,
  amount: number,
  unit: CalendarUnit,
  timezone: string,
): number {
  return fromWallClock(addToWallClock(toWallClock(epochMs, timezone), amount, unit), timezone);
}

/**
 * The start of the calendar period that contains an instant, in `timezone`: midnight of the day,
 * of the week's first day (Monday, ISO 8601), of the month, of the quarter or of the year.
 */
export function startOfPeriod(epochMs: number, unit: CalendarUnit, timezone: string): number {
  return fromWallClock(startOfWallPeriod(toWallClock(epochMs, timezone), unit), timezone);
}

/** The wall clock at the start of the period containing `wall` (see {@link startOfPeriod}). */
export function startOfWallPeriod(wall: WallClock, unit: CalendarUnit): WallClock {
  const midnight = { ...wall, hour: 0, minute: 0, second: 0, millisecond: 0 };
  switch (unit) {
    case "day":
      return midnight;
    case "week": {
      const weekday = new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
      return addToWallClock(midnight, -((weekday + 6) % 7), "day");
    }
    case "month":
      return { ...midnight, day: 1 };
    case "quarter":
      return { ...midnight, day: 1, month: wall.month - ((wall.month - 1) % 3) };
    case "year":
      return { ...midnight, day: 1, month: 1 };
  }
}

/** Formats a wall clock's date as `YYYY-MM-DD`. */
export function formatWallDate(wall: WallClock): string {
  const year = String(wall.year).padStart(4, "0");
  return `${year}-${String(wall.month).padStart(2, "0")}-${String(wall.day).padStart(2, "0")}`;
}

/** The calendar date (`YYYY-MM-DD`) of an instant in `timezone`. */
export function calendarDate(epochMs: number, timezone: string): string {
  const wall = toWallClock(epochMs, timezone);
  const last = lastReadings.get(timezone);
  if (last === undefined || last.wall !== wall) return formatWallDate(wall);
  last.date ??= formatWallDate(wall);
  return last.date;
}
