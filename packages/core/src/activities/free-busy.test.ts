import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isWorkingTime } from "../assignment/availability.js";
import type { WorkingHours } from "../records/types.js";
import { calendarDate, toWallClock } from "../time/zoned.js";
import { type Calendar, findFreeSlots, type SlotSearch } from "./free-busy.js";

const minute = 60_000;
const hour = 3_600_000;

/**
 * The reference: every minute from the range's start is a candidate; it is kept when its wall-clock
 * minute of the day is a multiple of the step, every minute of the slot is working time on a day not
 * away, and no busy period widened by the buffer touches the slot.
 */
function reference(calendar: Calendar, search: SlotSearch): number[] {
  const out: number[] = [];
  const { timezone, hours } = calendar;
  const away = (at: number) => {
    const date = calendarDate(at, timezone);
    return calendar.absences.some((a) => a.from <= date && date <= a.to);
  };
  for (
    let at = Math.ceil(search.from / minute) * minute;
    at + search.durationMs <= search.to;
    at += minute
  ) {
    const wall = toWallClock(at, timezone);
    if ((wall.hour * 60 + wall.minute) % search.stepMinutes !== 0) continue;
    let ok = true;
    for (let m = at; m < at + search.durationMs && ok; m += minute)
      ok = isWorkingTime(hours, m, timezone) && !away(m);
    if (!ok) continue;
    const end = at + search.durationMs;
    if (calendar.busy.some((b) => at < b.end + search.bufferMs && end > b.start - search.bufferMs))
      continue;
    out.push(at);
  }
  return out;
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

// Ranges around the 2026 daylight-saving changes of both timezones, and one ordinary week.
const scenarios = [
  { timezone: "Europe/Paris", around: Date.parse("2026-03-29T01:00:00Z") },
  { timezone: "Europe/Paris", around: Date.parse("2026-10-25T01:00:00Z") },
  { timezone: "America/New_York", around: Date.parse("2026-03-08T07:00:00Z") },
  { timezone: "America/New_York", around: Date.parse("2026-11-01T06:00:00Z") },
  { timezone: "America/New_York", around: Date.parse("2026-06-10T12:00:00Z") },
];

// Working hours whose bounds avoid 01:00–03:00, the hours a change skips or repeats (New York
// repeats 01:xx, Paris 02:xx): a bound inside them has the meaning the examples below pin down.
const changing = (minutes: number) => minutes >= 60 && minutes < 180;
const workingHours: fc.Arbitrary<WorkingHours> = fc
  .record({
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    start: fc.integer({ min: 0, max: 22 * 4 }).map((q) => q * 15),
    length: fc.integer({ min: 1, max: 24 * 4 }).map((q) => q * 15),
  })
  .filter(({ start, length }) => start + length <= 1_440)
  .filter(({ start, length }) => !changing(start) && !changing(start + length))
  .map(({ days, start, length }) => ({
    days: days.sort(),
    start: hhmm(start),
    end: start + length === 1_440 ? "24:00" : hhmm(start + length),
  }));

describe("free slots", () => {
  it("match a minute-by-minute reference around daylight-saving changes in two timezones", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...scenarios),
        workingHours,
        fc.integer({ min: -30, max: 6 }).map((h) => h * hour),
        fc.integer({ min: 6, max: 60 }).map((h) => h * hour),
        fc.array(
          fc.record({
            at: fc.integer({ min: -36 * 4, max: 60 * 4 }).map((q) => q * 15 * minute),
            length: fc.integer({ min: 1, max: 16 }).map((q) => q * 15 * minute),
          }),
          { maxLength: 8 },
        ),
        fc.constantFrom(15, 30, 45, 60, 90),
        fc.constantFrom(5, 10, 15, 20, 30, 60),
        fc.constantFrom(0, 10, 15, 30),
        fc.boolean(),
        (scenario, hours, start, span, busy, duration, step, buffer, absent) => {
          const from = scenario.around + start;
          const calendar: Calendar = {
            userId: "rep",
            timezone: scenario.timezone,
            hours,
            absences: absent
              ? [
                  {
                    from: calendarDate(scenario.around, scenario.timezone),
                    to: calendarDate(scenario.around, scenario.timezone),
                  },
                ]
              : [],
            busy: busy.map((b) => ({
              start: scenario.around + b.at,
              end: scenario.around + b.at + b.length,
            })),
          };
          const search: SlotSearch = {
            from,
            to: from + span,
            durationMs: duration * minute,
            bufferMs: buffer * minute,
            stepMinutes: step,
            limit: 100_000,
          };
          const found = findFreeSlots([calendar], search).map((slot) => slot.start);
          expect(found).toEqual(reference(calendar, search));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("never returns a slot overlapping busy time, outside working hours, or out of order (several reps)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            timezone: fc.constantFrom("Europe/Paris", "America/New_York", "Asia/Kolkata"),
            hours: workingHours,
            busy: fc.array(
              fc.record({
                at: fc.integer({ min: 0, max: 14 * 24 * 4 }),
                length: fc.integer({ min: 1, max: 12 }),
              }),
              { maxLength: 20 },
            ),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.constantFrom(30, 60),
        (reps, duration) => {
          const from = Date.parse("2026-10-19T00:00:00Z");
          const calendars: Calendar[] = reps.map((rep, index) => ({
            userId: `rep-${index}`,
            timezone: rep.timezone,
            hours: rep.hours,
            absences: [],
            busy: rep.busy.map((b) => ({
              start: from + b.at * 15 * minute,
              end: from + (b.at + b.length) * 15 * minute,
            })),
          }));
          const slots = findFreeSlots(calendars, {
            from,
            to: from + 14 * 24 * hour,
            durationMs: duration * minute,
            bufferMs: 15 * minute,
            stepMinutes: 15,
            limit: 500,
          });
          for (const [index, slot] of slots.entries()) {
            const calendar = calendars.find((c) => c.userId === slot.userId)!;
            for (const b of calendar.busy)
              expect(slot.start < b.end + 15 * minute && slot.end > b.start - 15 * minute).toBe(
                false,
              );
            expect(isWorkingTime(calendar.hours, slot.start, calendar.timezone)).toBe(true);
            expect(isWorkingTime(calendar.hours, slot.end - minute, calendar.timezone)).toBe(true);
            if (index > 0) expect(slot.start).toBeGreaterThanOrEqual(slots[index - 1]!.start);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  const rep = (timezone: string, start: string, end: string): Calendar => ({
    userId: "rep",
    timezone,
    hours: { days: [1, 2, 3, 4, 5, 6, 7], start, end },
    absences: [],
    busy: [],
  });
  const search = (
    from: string,
    to: string,
    durationMinutes = 60,
    stepMinutes = 60,
  ): SlotSearch => ({
    from: Date.parse(from),
    to: Date.parse(to),
    durationMs: durationMinutes * minute,
    bufferMs: 0,
    stepMinutes,
    limit: 100,
  });
  const starts = (calendar: Calendar, query: SlotSearch) =>
    findFreeSlots([calendar], query).map((slot) => new Date(slot.start).toISOString());

  it("keeps working hours on the wall clock across the autumn change (Paris: 25-hour day)", () => {
    const days = starts(
      rep("Europe/Paris", "07:00", "10:00"),
      search("2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z"),
    );
    // 07:00–10:00 local: UTC+2 on Saturday, UTC+1 from Sunday.
    expect(days).toEqual([
      "2026-10-24T05:00:00.000Z",
      "2026-10-24T06:00:00.000Z",
      "2026-10-24T07:00:00.000Z",
      "2026-10-25T06:00:00.000Z",
      "2026-10-25T07:00:00.000Z",
      "2026-10-25T08:00:00.000Z",
    ]);
  });

  it("skips the hour that does not exist (New York, spring forward)", () => {
    // 01:00–04:00 local on 2026-03-08 lasts two real hours: 01:00 EST, then 03:00 EDT.
    expect(
      starts(
        rep("America/New_York", "01:00", "04:00"),
        search("2026-03-08T05:00:00Z", "2026-03-08T09:00:00Z"),
      ),
    ).toEqual(["2026-03-08T06:00:00.000Z", "2026-03-08T07:00:00.000Z"]);
  });

  it("counts the repeated hour once per occurrence (Paris, autumn), both being working time", () => {
    // 01:00–04:00 local on 2026-10-25 lasts four real hours.
    expect(
      starts(
        rep("Europe/Paris", "01:00", "04:00"),
        search("2026-10-24T22:00:00Z", "2026-10-25T04:00:00Z"),
      ),
    ).toEqual([
      "2026-10-24T23:00:00.000Z",
      "2026-10-25T00:00:00.000Z",
      "2026-10-25T01:00:00.000Z",
      "2026-10-25T02:00:00.000Z",
    ]);
  });

  it("starts a working day whose start is skipped at the jump (Paris, 02:30 on the spring night)", () => {
    expect(
      starts(
        rep("Europe/Paris", "02:30", "05:00"),
        search("2026-03-28T23:00:00Z", "2026-03-29T04:00:00Z", 30, 30),
      ),
    ).toEqual([
      "2026-03-29T01:00:00.000Z", // 03:00 CEST, the first reading past 02:30
      "2026-03-29T01:30:00.000Z",
      "2026-03-29T02:00:00.000Z",
      "2026-03-29T02:30:00.000Z",
    ]);
  });
});
