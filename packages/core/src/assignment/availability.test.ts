// The working-time arithmetic against the plain definitions it replaced on the hot path: the
// weekday from a Date, and the HH:MM strings compared as strings.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toWallClock } from "../time/index.js";
import { isoWeekday, isWorkingTime } from "./availability.js";

const hhmm = (hour: number, minute: number) =>
  `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;

describe("working time", () => {
  it("gives the ISO weekday of any date, before 1970 too", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1600, max: 2400 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (year, month, day) => {
          const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
          expect(isoWeekday(year, month, day)).toBe(weekday === 0 ? 7 : weekday);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("says an instant is working time exactly as comparing the HH:MM strings would", () => {
    const zones = ["Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC"];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 59 }),
        fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
        (at, zone, startHour, startMinute, endHour, endMinute, days) => {
          const hours = {
            days,
            start: hhmm(startHour, startMinute),
            end: hhmm(endHour, endHour === 24 ? 0 : endMinute),
          };
          const wall = toWallClock(at, zone);
          const weekday = new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay() || 7;
          const time = hhmm(wall.hour, wall.minute);
          const expected = days.includes(weekday) && time >= hours.start && time < hours.end;
          expect(isWorkingTime(hours, at, zone)).toBe(expected);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
