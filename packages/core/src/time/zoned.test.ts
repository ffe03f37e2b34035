import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCalendar,
  calendarDate,
  fromWallClock,
  startOfPeriod,
  timezoneOffset,
  toWallClock,
} from "./zoned.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/** Intl's own reading of a wall clock, field by field: what the offset cache must agree with. */
const intlFormats = new Map<string, Intl.DateTimeFormat>();
function intlParts(epochMs: number, timezone: string): Record<string, number> {
  let format = intlFormats.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    intlFormats.set(timezone, format);
  }
  return Object.fromEntries(
    format.formatToParts(epochMs).map((part) => [part.type, Number(part.value)]),
  );
}

describe("zoned time", () => {
  it("reads the same wall clock as Intl, quarter-hour offsets and odd transitions included", () => {
    const intl = (epochMs: number, timezone: string) => {
      const parts = intlParts(epochMs, timezone);
      return [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second];
    };
    fc.assert(
      fc.property(
        fc.constantFrom(
          "Europe/Paris",
          "America/New_York",
          "Australia/Lord_Howe",
          "Asia/Kathmandu",
          "Pacific/Chatham",
          "Africa/Casablanca",
          "America/Santiago",
        ),
        fc.integer({
          min: Date.parse("2020-01-01T00:00:00Z"),
          max: Date.parse("2032-12-31T00:00:00Z"),
        }),
        (timezone, epochMs) => {
          const wall = toWallClock(epochMs, timezone);
          expect([wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second]).toEqual(
            intl(epochMs, timezone),
          );
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("finds every transition on a quarter hour of UTC, the premise of its offset cache", () => {
    const offsetByIntl = (epochMs: number, timezone: string) => {
      const parts = intlParts(epochMs, timezone);
      const wall = Date.UTC(
        parts.year!,
        parts.month! - 1,
        parts.day!,
        parts.hour,
        parts.minute,
        parts.second,
      );
      return wall - Math.floor(epochMs / 1000) * 1000;
    };
    for (const timezone of [
      "Europe/Paris",
      "Australia/Lord_Howe",
      "Pacific/Chatham",
      "Africa/Casablanca",
    ]) {
      let transitions = 0;
      for (
        let t = Date.parse("2026-01-01T00:00:00Z");
        t < Date.parse("2027-01-01T00:00:00Z");
        t += 3_600_000
      ) {
        if (offsetByIntl(t, timezone) === offsetByIntl(t + 3_600_000, timezone)) continue;
        let low = t;
        let high = t + 3_600_000;
        while (high - low > 1) {
          const middle = Math.floor((low + high) / 2);
          if (offsetByIntl(middle, timezone) === offsetByIntl(t, timezone)) low = middle;
          else high = middle;
        }
        expect(high % 900_000).toBe(0);
        // Read after, then before, within the same quarter hour of the cache.
        expect(timezoneOffset(high, timezone)).toBe(offsetByIntl(high, timezone));
        expect(timezoneOffset(high - 1, timezone)).toBe(offsetByIntl(high - 1, timezone));
        transitions++;
      }
      expect(transitions).toBeGreaterThanOrEqual(2);
    }
  });

  it("reads the wall clock of a timezone", () => {
    expect(toWallClock(at("2026-03-31T22:30:00Z"), "Europe/Paris")).toMatchObject({
      year: 2026,
      month: 4,
      day: 1,
      hour: 0,
      minute: 30,
    });
    expect(timezoneOffset(at("2026-01-15T12:00:00Z"), "Europe/Paris")).toBe(3_600_000);
    expect(timezoneOffset(at("2026-07-15T12:00:00Z"), "Europe/Paris")).toBe(7_200_000);
  });

  it("resolves wall times across daylight-saving changes", () => {
    const wall = { year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0, millisecond: 0 };
    // 02:30 does not exist in Paris that night: it resolves to 03:30 CEST.
    expect(iso(fromWallClock(wall, "Europe/Paris"))).toBe("2026-03-29T01:30:00.000Z");
    // 02:30 happens twice on 25 October: the first (CEST) is chosen.
    expect(iso(fromWallClock({ ...wall, month: 10, day: 25 }, "Europe/Paris"))).toBe(
      "2026-10-25T00:30:00.000Z",
    );
  });

  it("adds calendar days as wall days, 23 hours across spring-forward", () => {
    const before = at("2026-03-28T11:00:00Z"); // noon in Paris
    expect(addCalendar(before, 1, "day", "Europe/Paris") - before).toBe(23 * 3_600_000);
    expect(addCalendar(before, 1, "day", "UTC") - before).toBe(24 * 3_600_000);
  });

  it("clamps month arithmetic to the end of the month", () => {
    expect(iso(addCalendar(at("2026-01-31T10:00:00Z"), 1, "month", "UTC"))).toBe(
      "2026-02-28T10:00:00.000Z",
    );
    expect(iso(addCalendar(at("2028-01-31T10:00:00Z"), 1, "month", "UTC"))).toBe(
      "2028-02-29T10:00:00.000Z",
    );
    expect(iso(addCalendar(at("2026-03-31T10:00:00Z"), -1, "quarter", "UTC"))).toBe(
      "2025-12-31T10:00:00.000Z",
    );
  });

  it("finds period starts in the timezone", () => {
    const now = at("2026-05-15T10:00:00Z");
    expect(iso(startOfPeriod(now, "quarter", "Europe/Paris"))).toBe("2026-03-31T22:00:00.000Z");
    expect(iso(startOfPeriod(now, "quarter", "UTC"))).toBe("2026-04-01T00:00:00.000Z");
    expect(iso(startOfPeriod(now, "week", "UTC"))).toBe("2026-05-11T00:00:00.000Z"); // a Monday
    expect(iso(startOfPeriod(now, "year", "America/New_York"))).toBe("2026-01-01T05:00:00.000Z");
    expect(iso(startOfPeriod(at("2026-03-29T12:00:00Z"), "day", "Europe/Paris"))).toBe(
      "2026-03-28T23:00:00.000Z",
    );
    expect(calendarDate(at("2026-12-31T23:30:00Z"), "Asia/Tokyo")).toBe("2027-01-01");
  });
});
