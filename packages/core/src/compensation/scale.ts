import type { Actuals } from "../objectives/index.js";
import { ownValue } from "../own.js";

/**
 * Scales actuals for a what-if: every value multiplied by `factors` (one number for every metric, or
 * one per metric key — `{ revenue: 0.9 }` is "10 % less revenue"). Missing values stay missing;
 * targets are unchanged.
 */
export function scaleActuals(
  actuals: Actuals,
  factors: number | Readonly<Record<string, number>>,
): Actuals {
  const factorOf = (key: string) =>
    typeof factors === "number" ? factors : ((ownValue(factors, key) as number | undefined) ?? 1);
  return {
    ...actuals,
    reps: actuals.reps.map((rep) => ({
      ...rep,
      values: Object.fromEntries(
        Object.entries(rep.values).map(([key, value]) => [
          key,
          value === null ? null : value * factorOf(key),
        ]),
      ),
    })),
  };
}
