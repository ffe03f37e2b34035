import { CrmkitError } from "../errors.js";
import { fromWallClock } from "../time/index.js";

/** How long a period is. */
export type PeriodUnit = "year" | "half" | "quarter" | "month";

/**
 * A period key: `2026` (a year), `2026-H2` (a half), `2026-Q4` (a quarter) or `2026-03` (a month).
 * Periods are calendar periods of the workspace's timezone.
 */
export type PeriodKey = string;

/** A parsed {@link PeriodKey}. */
export interface Period {
  /** The key, normalised. */
  readonly key: PeriodKey;
  /** Year, half, quarter or month. */
  readonly unit: PeriodUnit;
  /** The calendar year. */
  readonly year: number;
  /** The first month, 1–12. */
  readonly firstMonth: number;
  /** How many months it spans: 12, 6, 3 or 1. */
  readonly months: number;
  /** Its first day, `YYYY-MM-DD`. */
  readonly from: string;
  /** The day after its last day, `YYYY-MM-DD` (excluded). */
  readonly to: string;
  /** Its length in days. */
  readonly days: number;
}

const periodPattern = /^(\d{4})(?:-(?:H([12])|Q([1-4])|(0[1-9]|1[0-2])))?$/;

/**
 * Parses a period key.
 *
 * @throws CrmkitError `VALIDATION_FAILED` for a key that is not `YYYY`, `YYYY-Hn`, `YYYY-Qn` or
 * `YYYY-MM`
 */
export function parsePeriod(key: string, path: readonly (string | number)[] = ["period"]): Period {
  const match = periodPattern.exec(key);
  if (match === null) {
    throw new CrmkitError(
      "VALIDATION_FAILED",
      `Invalid period "${key}": use YYYY, YYYY-H1, YYYY-Q1 or YYYY-MM.`,
      { details: { path: [...path] } },
    );
  }
  const year = Number(match[1]);
  const [unit, firstMonth, months]: [PeriodUnit, number, number] =
    match[2] !== undefined
      ? ["half", (Number(match[2]) - 1) * 6 + 1, 6]
      : match[3] !== undefined
        ? ["quarter", (Number(match[3]) - 1) * 3 + 1, 3]
        : match[4] !== undefined
          ? ["month", Number(match[4]), 1]
          : ["year", 1, 12];
  const start = Date.UTC(year, firstMonth - 1, 1);
  const end = Date.UTC(year, firstMonth - 1 + months, 1);
  return {
    key,
    unit,
    year,
    firstMonth,
    months,
    from: new Date(start).toISOString().slice(0, 10),
    to: new Date(end).toISOString().slice(0, 10),
    days: Math.round((end - start) / 86_400_000),
  };
}

/** The instants `[start, end)` of a period in a timezone, in epoch milliseconds. */
export function periodInstants(period: Period, timezone: string): [number, number] {
  const wall = (year: number, month: number) =>
    fromWallClock({ year, month, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 }, timezone);
  const endIndex = period.firstMonth - 1 + period.months;
  return [
    wall(period.year, period.firstMonth),
    wall(period.year + Math.floor(endIndex / 12), (endIndex % 12) + 1),
  ];
}

/** Whether `inner` lies entirely within `outer` (a period contains itself). */
export function periodContains(outer: Period, inner: Period): boolean {
  const start = (p: Period) => p.year * 12 + p.firstMonth;
  return start(inner) >= start(outer) && start(inner) + inner.months <= start(outer) + outer.months;
}

/** The month keys (`YYYY-MM`) a period spans, in order. */
export function periodMonths(period: Period): PeriodKey[] {
  return Array.from(
    { length: period.months },
    (_, i) => `${period.year}-${String(period.firstMonth + i).padStart(2, "0")}`,
  );
}
