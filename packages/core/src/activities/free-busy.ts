// Free/busy, as pure functions over instants (epoch ms): a rep's working windows in their timezone
// (daylight-saving days included), minus busy time widened by a buffer, cut into slots that start
// on multiples of a step of the rep's wall clock.
import { isoWeekday } from "../assignment/index.js";
import type { WorkingHours } from "../records/index.js";
import {
  addToWallClock,
  calendarDate,
  formatWallDate,
  fromWallClock,
  timezoneOffset,
  toWallClock,
  type WallClock,
} from "../time/index.js";

/** A half-open interval of instants, `[start, end)`. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** What free/busy knows of one rep. */
export interface Calendar {
  readonly userId: string;
  readonly timezone: string;
  readonly hours: WorkingHours;
  /** Days away, `YYYY-MM-DD` in the rep's timezone, both ends included. */
  readonly absences: readonly { readonly from: string; readonly to: string }[];
  /** Busy periods, in any order, possibly overlapping. */
  readonly busy: readonly Interval[];
}

/** A slot search. */
export interface SlotSearch {
  readonly from: number;
  readonly to: number;
  readonly durationMs: number;
  readonly bufferMs: number;
  readonly stepMinutes: number;
  readonly limit: number;
}

const minute = 60_000;
const day = 86_400_000;

/** Sorts and merges intervals that overlap or touch. @internal */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const interval of sorted) {
    const last = out.at(-1);
    if (last !== undefined && interval.start <= last.end)
      out[out.length - 1] = { start: last.start, end: Math.max(last.end, interval.end) };
    else out.push(interval);
  }
  return out;
}

function wallAt(date: WallClock, hhmm: string): WallClock {
  const [hour, minuteOfHour] = hhmm.split(":").map(Number) as [number, number];
  if (hour === 24) return { ...addToWallClock(date, 1, "day"), hour: 0, minute: 0 };
  return { ...date, hour, minute: minuteOfHour };
}

const readingKey = (wall: WallClock) =>
  (((wall.year * 13 + wall.month) * 32 + wall.day) * 24 + wall.hour) * 60 + wall.minute;

/**
 * The first instant at which the wall clock reads `wall` or later. Usually `fromWallClock`; when
 * the reading falls in a daylight-saving gap (02:30 on a spring-forward night), the instant of the
 * jump, when the clock first reads past it — a working day "from 02:30" starts then.
 */
function firstAtOrAfter(wall: WallClock, timezone: string): number {
  const guess = fromWallClock(wall, timezone);
  const target = readingKey(wall);
  if (readingKey(toWallClock(guess, timezone)) === target) return guess;
  let low = guess - 3 * 3_600_000;
  let high = guess;
  while (high - low > minute) {
    const middle = low + Math.floor((high - low) / 2 / minute) * minute;
    if (readingKey(toWallClock(middle, timezone)) >= target) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * The rep's working time between two instants: one window per working day not spent away, from
 * the first instant the rep's wall clock reads the day's start to the first it reads its end (so a
 * daylight-saving day is an hour shorter or longer, and a bound inside a skipped hour falls at the
 * jump), clipped to the range; windows that touch are merged. @internal
 */
export function workingWindows(calendar: Calendar, from: number, to: number): Interval[] {
  const { hours, timezone } = calendar;
  const windows: Interval[] = [];
  const first = toWallClock(from - day, timezone);
  let date: WallClock = { ...first, hour: 0, minute: 0, second: 0, millisecond: 0 };
  const last = calendarDate(to + day, timezone);
  for (;;) {
    const key = formatWallDate(date);
    if (key > last) break;
    const away = calendar.absences.some((absence) => absence.from <= key && key <= absence.to);
    if (!away && hours.days.includes(isoWeekday(date.year, date.month, date.day))) {
      const start = Math.max(from, firstAtOrAfter(wallAt(date, hours.start), timezone));
      const end = Math.min(to, firstAtOrAfter(wallAt(date, hours.end), timezone));
      if (end > start) windows.push({ start, end });
    }
    date = addToWallClock(date, 1, "day");
  }
  return mergeIntervals(windows);
}

/** `windows` minus `busy` (both sorted and merged). @internal */
export function subtractIntervals(
  windows: readonly Interval[],
  busy: readonly Interval[],
): Interval[] {
  const out: Interval[] = [];
  let index = 0;
  for (const window of windows) {
    let cursor = window.start;
    while (index < busy.length && busy[index]!.end <= cursor) index++;
    for (let i = index; i < busy.length && busy[i]!.start < window.end; i++) {
      if (busy[i]!.start > cursor) out.push({ start: cursor, end: busy[i]!.start });
      cursor = Math.max(cursor, busy[i]!.end);
    }
    if (cursor < window.end) out.push({ start: cursor, end: window.end });
  }
  return out;
}

/** The first instant at or after `at` whose wall-clock minute of the day is a multiple of `step`. */
function alignUp(at: number, stepMinutes: number, timezone: string): number {
  const wall = toWallClock(at, timezone);
  const intoMinute = wall.second * 1_000 + wall.millisecond;
  const start = intoMinute === 0 ? at : at - intoMinute + minute;
  const minuteOfDay = (wall.hour * 60 + wall.minute + (intoMinute === 0 ? 0 : 1)) % 1_440;
  return start + ((stepMinutes - (minuteOfDay % stepMinutes)) % stepMinutes) * minute;
}

/** The slot starts in free intervals, aligned on the step of the rep's wall clock. @internal */
export function slotStarts(
  free: readonly Interval[],
  durationMs: number,
  stepMinutes: number,
  timezone: string,
  limit: number,
): number[] {
  const out: number[] = [];
  for (const interval of free) {
    let at = alignUp(interval.start, stepMinutes, timezone);
    let offset = timezoneOffset(at, timezone);
    // Within a day, the same offset at both ends means no change in between.
    const steady =
      interval.end - interval.start <= day && offset === timezoneOffset(interval.end - 1, timezone);
    while (at + durationMs <= interval.end && out.length < limit) {
      out.push(at);
      at += stepMinutes * minute;
      if (steady) continue;
      // Past a daylight-saving change the wall clock jumps: align again on its new reading.
      const now = timezoneOffset(at, timezone);
      if (now !== offset) {
        at = alignUp(at, stepMinutes, timezone);
        offset = timezoneOffset(at, timezone);
      }
    }
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * Free slots of several reps, earliest first (then by rep): inside working windows, never
 * overlapping busy time widened by the buffer on both sides. @internal
 */
export function findFreeSlots(
  calendars: readonly Calendar[],
  search: SlotSearch,
): { userId: string; start: number; end: number }[] {
  const slots: { userId: string; start: number; end: number }[] = [];
  for (const calendar of calendars) {
    const busy = mergeIntervals(
      calendar.busy.map((b) => ({
        start: b.start - search.bufferMs,
        end: b.end + search.bufferMs,
      })),
    );
    const free = subtractIntervals(workingWindows(calendar, search.from, search.to), busy);
    for (const start of slotStarts(
      free,
      search.durationMs,
      search.stepMinutes,
      calendar.timezone,
      search.limit,
    ))
      slots.push({ userId: calendar.userId, start, end: start + search.durationMs });
  }
  return slots
    .sort((a, b) => a.start - b.start || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
    .slice(0, search.limit);
}
