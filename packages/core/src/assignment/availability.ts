import { defaultWorkingHours } from "../directory/index.js";
import type { Absence, User, WorkingHours } from "../records/index.js";
import { calendarDate, formatWallDate, startOfPeriod, toWallClock } from "../time/index.js";
import type { SkipReason } from "./types.js";

/** The ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. @internal */
export function isoWeekday(year: number, month: number, day: number): number {
  // 1 January 1970 was a Thursday (4); days before it count down.
  const days = Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
  const weekday = (((days + 4) % 7) + 7) % 7;
  return weekday === 0 ? 7 : weekday;
}

/** Minutes since midnight of an `HH:MM` time ("24:00" is 1,440). */
function minutesOf(time: string): number {
  return (
    (time.charCodeAt(0) - 48) * 600 +
    (time.charCodeAt(1) - 48) * 60 +
    (time.charCodeAt(3) - 48) * 10 +
    (time.charCodeAt(4) - 48)
  );
}

/** Whether an instant falls within a user's working hours, read in the user's timezone. @internal */
export function isWorkingTime(hours: WorkingHours, at: number, timezone: string): boolean {
  const wall = toWallClock(at, timezone);
  if (!hours.days.includes(isoWeekday(wall.year, wall.month, wall.day))) return false;
  // Compared as minutes, as the `HH:MM` strings would compare, without building one per check.
  const minute = wall.hour * 60 + wall.minute;
  return minute >= minutesOf(hours.start) && minute < minutesOf(hours.end);
}

/** Why a user cannot take work at an instant, or `undefined` when they can. @internal */
export function unavailability(
  user: User,
  absences: readonly Absence[],
  at: number,
  respectWorkingHours: boolean,
): { reason: SkipReason; detail: string } | undefined {
  if (!user.active) return { reason: "inactive", detail: `${user.name} is inactive` };
  const today = calendarDate(at, user.timezone);
  const away = absences.find((absence) => absence.from <= today && today <= absence.to);
  if (away !== undefined) {
    const why = away.reason === undefined ? "" : ` (${away.reason})`;
    return {
      reason: "absent",
      detail: `${user.name} is absent${why} until ${away.to}`,
    };
  }
  const hours = user.workingHours ?? defaultWorkingHours;
  if (respectWorkingHours && !isWorkingTime(hours, at, user.timezone)) {
    const local = wallTime(at, user.timezone);
    return {
      reason: "offHours",
      detail: `${user.name} is off duty (${local} in ${user.timezone}; works ${hours.start}–${hours.end})`,
    };
  }
  return undefined;
}

/**
 * The key of the capacity period containing an instant, in a user's timezone: the calendar day, or
 * the Monday of the ISO week. @internal
 */
export function capacityPeriod(at: number, unit: "day" | "week", timezone: string): string {
  return calendarDate(startOfPeriod(at, unit, timezone), timezone);
}

/** An instant as a wall-clock time in a timezone: "2026-05-18 09:00". @internal */
export function wallTime(at: number, timezone: string): string {
  const wall = toWallClock(at, timezone);
  return `${formatWallDate(wall)} ${String(wall.hour).padStart(2, "0")}:${String(wall.minute).padStart(2, "0")}`;
}
