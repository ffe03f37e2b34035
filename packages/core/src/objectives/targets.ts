import { splitExactly } from "../money.js";
import { metricInfo } from "./metrics.js";
import { type Period, parsePeriod, periodContains, periodMonths } from "./period.js";
import type { Objective, ResolvedTarget } from "./types.js";

/** The target of each month of an objective's period (additive metrics; exact sum). */
export function monthTargets(objective: Objective): number[] {
  const period = parsePeriod(objective.period);
  const weights = objective.seasonality ?? [1];
  const per = period.months / weights.length;
  // Split by the weights given first, then evenly within each part: every half, quarter or month
  // stays within one unit of its exact share.
  return splitExactly(objective.target, weights).flatMap((part) =>
    splitExactly(part, new Array<number>(per).fill(1)),
  );
}

const finer: readonly (readonly [Period["unit"], number])[] = [
  ["half", 6],
  ["quarter", 3],
  ["month", 1],
];

/**
 * Resolves a period's target from a subject's objectives for one metric: the objective of exactly
 * that period, else the seasonal share of an enclosing one, else the sum of shorter objectives that
 * tile the period. `null` when none applies.
 */
export function resolveTarget(
  objectives: readonly Objective[],
  periodKey: string,
): ResolvedTarget | null {
  const period = parsePeriod(periodKey);
  const exact = objectives.find((o) => o.period === period.key);
  const additive = objectives[0] === undefined ? true : metricInfo(objectives[0].metric).additive;
  if (exact !== undefined) {
    return {
      target: exact.target,
      source: "objective",
      objectiveIds: [exact.id],
      ...(additive ? { months: monthTargets(exact) } : {}),
    };
  }
  const enclosing = objectives
    .filter((o) => periodContains(parsePeriod(o.period), period))
    .sort((a, b) => parsePeriod(a.period).months - parsePeriod(b.period).months)[0];
  if (enclosing !== undefined) {
    if (!additive)
      return { target: enclosing.target, source: "seasonality", objectiveIds: [enclosing.id] };
    const outer = parsePeriod(enclosing.period);
    const all = monthTargets(enclosing);
    const offset = (period.year - outer.year) * 12 + period.firstMonth - outer.firstMonth;
    const months = all.slice(offset, offset + period.months);
    return {
      target: months.reduce((a, b) => a + b, 0),
      source: "seasonality",
      objectiveIds: [enclosing.id],
      months,
    };
  }
  if (!additive) return null;
  for (const [unit, length] of finer) {
    if (length >= period.months) continue;
    const parts: Objective[] = [];
    for (let first = 0; first < period.months; first += length) {
      const month = period.firstMonth + first;
      const key =
        unit === "half"
          ? `${period.year}-H${Math.ceil(month / 6)}`
          : unit === "quarter"
            ? `${period.year}-Q${Math.ceil(month / 3)}`
            : periodMonths(period)[first]!;
      const part = objectives.find((o) => o.period === key);
      if (part === undefined) break;
      parts.push(part);
    }
    if (parts.length * length === period.months) {
      const months = parts.flatMap(monthTargets);
      return {
        target: months.reduce((a, b) => a + b, 0),
        source: "sum",
        objectiveIds: parts.map((p) => p.id),
        months,
      };
    }
  }
  return null;
}
