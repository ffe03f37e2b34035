import { defaultWorkingHours } from "../directory/index.js";
import type { Absence, User, WorkingHours } from "../records/index.js";
import { calendarDate, formatWallDate, startOfPeriod, toWallClock } from "../time/index.js";
import type { SkipReason } from "./types.js";

/** The ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. @internal */
export function isoWeekday(year: number, month: number, day: number): number {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** Whether an instant falls within a user's working hours, read in the user's timezone. @internal */
export function isWorkingTime(hours: WorkingHours, at: number, timezone: string): boolean {
  const wall = toWallClock(at, timezone);
  if (!hours.days.includes(isoWeekday(wall.year, wall.month, wall.day))) return false;
  const time = `${String(wall.hour).padStart(2, "0")}:${String(wall.minute).padStart(2, "0")}`;
  return time >= hours.start && time < hours.end;
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
