import { parseInput } from "../validation.js";
import * as z from "../zod.js";

/** A recurring revenue line: what a customer pays each month between two dates. */
export interface SubscriptionLine {
  /** The line's id. */
  readonly id: string;
  /** The customer (account id). */
  readonly customerId: string;
  /** Monthly recurring revenue, minor units. */
  readonly mrr: number;
  /** The first day billed, `YYYY-MM-DD`. */
  readonly start: string;
  /** The first day no longer billed, `YYYY-MM-DD`; open-ended when omitted. */
  readonly end?: string;
  /** The kind of revenue. @defaultValue "subscription" */
  readonly type?: "subscription" | "licence" | "maintenance";
  /** The customer's country (ISO 3166-1 alpha-2). */
  readonly country?: string;
}

const linesSchema = z.array(
  z
    .strictObject({
      id: z.string().check(z.minLength(1)),
      customerId: z.string().check(z.minLength(1)),
      mrr: z.number().check(z.int(), z.nonnegative()),
      start: z.iso.date(),
      end: z.optional(z.iso.date()),
      type: z.optional(z.enum(["subscription", "licence", "maintenance"])),
      country: z.optional(z.string().check(z.minLength(1))),
    })
    .check(
      z.refine((line) => line.end === undefined || line.end > line.start, {
        message: "end must be after start",
        path: ["end"],
      }),
    ),
);

/** MRR and its movements over one month. */
export interface MrrMonth {
  /** The month, `YYYY-MM`. */
  readonly month: string;
  /** MRR at the start of the month (the end of the previous one). */
  readonly opening: number;
  /** MRR at the end of the month (lines billed on its last day). */
  readonly closing: number;
  /** Customers at 0 before, never paying earlier. */
  readonly new: number;
  /** Customers paying more than the month before. */
  readonly expansion: number;
  /** Customers paying less, but still paying (negative). */
  readonly contraction: number;
  /** Customers who stopped paying (negative). */
  readonly churn: number;
  /** Customers paying again after a month or more at 0. */
  readonly reactivation: number;
  /** churned MRR ÷ opening MRR (`null` at 0 opening MRR). */
  readonly revenueChurnRate: number | null;
  /** churned customers ÷ customers paying at the opening (`null` without any). */
  readonly customerChurnRate: number | null;
  /** Closing MRR by revenue type. */
  readonly byType: Readonly<Record<string, number>>;
  /** Closing MRR by country (`(none)` when unknown). */
  readonly byCountry: Readonly<Record<string, number>>;
  /** The customers behind each movement (drill-down). */
  readonly customers: {
    /** New customers. */
    readonly new: readonly string[];
    /** Expanding customers. */
    readonly expansion: readonly string[];
    /** Contracting customers. */
    readonly contraction: readonly string[];
    /** Churned customers. */
    readonly churn: readonly string[];
    /** Reactivated customers. */
    readonly reactivation: readonly string[];
  };
}

const lastDay = (month: string) => {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
};
const previousMonth = (month: string) => {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, m - 2, 1)).toISOString().slice(0, 7);
};

/**
 * MRR with its movements, month by month. A customer's MRR at a month's end is the sum of their
 * lines billed on its last day; between two month ends each customer's change is exactly one
 * movement — new, expansion, contraction, churn or reactivation — so the movements always sum to the
 * change in MRR (checked with fast-check).
 *
 * @param months - the months, `YYYY-MM`, in any order (reported sorted)
 * @throws CrmkitError `VALIDATION_FAILED` for malformed lines (with the path of the bad field)
 */
export function mrrReport(
  input: readonly SubscriptionLine[],
  months: readonly string[],
): MrrMonth[] {
  const lines = parseInput(linesSchema, input, "subscription lines");
  const customerMrr = (date: string) => {
    const totals = new Map<string, number>();
    for (const line of lines) {
      if (line.start > date || (line.end !== undefined && line.end <= date)) continue;
      totals.set(line.customerId, (totals.get(line.customerId) ?? 0) + line.mrr);
    }
    return totals;
  };
  const everPaidBefore = (customerId: string, date: string) =>
    lines.some((line) => line.customerId === customerId && line.mrr > 0 && line.start <= date);
  return [...new Set(months)].sort().map((month) => {
    const closeDate = lastDay(month);
    const openDate = lastDay(previousMonth(month));
    const before = customerMrr(openDate);
    const after = customerMrr(closeDate);
    const movement = { new: 0, expansion: 0, contraction: 0, churn: 0, reactivation: 0 };
    const customers = {
      new: [] as string[],
      expansion: [] as string[],
      contraction: [] as string[],
      churn: [] as string[],
      reactivation: [] as string[],
    };
    for (const customerId of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const was = before.get(customerId) ?? 0;
      const is = after.get(customerId) ?? 0;
      if (was === is) continue;
      const kind =
        was === 0
          ? everPaidBefore(customerId, openDate)
            ? "reactivation"
            : "new"
          : is === 0
            ? "churn"
            : is > was
              ? "expansion"
              : "contraction";
      movement[kind] += is - was;
      customers[kind].push(customerId);
    }
    const opening = [...before.values()].reduce((a, b) => a + b, 0);
    const closing = [...after.values()].reduce((a, b) => a + b, 0);
    const payingBefore = [...before.values()].filter((v) => v > 0).length;
    const byType: Record<string, number> = {};
    const byCountry: Record<string, number> = {};
    for (const line of lines) {
      if (line.start > closeDate || (line.end !== undefined && line.end <= closeDate)) continue;
      const type = line.type ?? "subscription";
      byType[type] = (byType[type] ?? 0) + line.mrr;
      const country = line.country ?? "(none)";
      byCountry[country] = (byCountry[country] ?? 0) + line.mrr;
    }
    return {
      month,
      opening,
      closing,
      ...movement,
      // abs, not negation: no churn is a rate of 0, never -0.
      revenueChurnRate: opening === 0 ? null : Math.abs(movement.churn) / opening,
      customerChurnRate: payingBefore === 0 ? null : customers.churn.length / payingBefore,
      byType,
      byCountry,
      customers,
    };
  });
}
