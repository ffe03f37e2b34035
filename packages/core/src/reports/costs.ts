import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import { compareText, noValue, type ReportData, type ReportRange, rangeMs } from "./data.js";

/** What a lead source cost over a range (marketing spend, events, agency fees). */
export interface SourceCost {
  /** The lead source, as deals record it (`web`, `referral`, `trade-show`…). */
  readonly source: string;
  /** The amount, minor units. */
  readonly amount: number;
}

const costsSchema = z.array(
  z.strictObject({
    source: z.string().check(z.minLength(1)),
    amount: z.number().check(z.int(), z.nonnegative()),
  }),
);

/** Acquisition cost of one lead source. */
export interface AcquisitionRow {
  /** The source. */
  readonly source: string;
  /** Its cost in the range (summed over the inputs). */
  readonly cost: number;
  /** Deals created from it in the range. */
  readonly deals: number;
  /** Deals from it whose first meeting was held in the range. */
  readonly firstMeetings: number;
  /** Deals from it won in the range. */
  readonly won: number;
  /** cost ÷ first meetings, `null` without any. */
  readonly costPerFirstMeeting: number | null;
  /** cost ÷ deals won (acquisition cost per customer won), `null` without any. */
  readonly costPerWon: number | null;
  /** Drill-down. */
  readonly ids: {
    /** Deals whose first meeting was held in the range. */
    readonly firstMeetings: readonly string[];
    /** Deals won in the range. */
    readonly won: readonly string[];
  };
}

/**
 * Acquisition cost per lead source over a range, from cost inputs: cost per first meeting (deals of
 * the source whose first meeting was held in the range) and per deal won. Sources with deals but
 * no cost input show a cost of 0; costs of sources without deals are kept, with `null` ratios.
 *
 * @throws CrmkitError `VALIDATION_FAILED` for malformed cost inputs
 */
export function acquisitionReport(
  data: ReportData,
  costsInput: readonly SourceCost[],
  range: ReportRange,
): AcquisitionRow[] {
  const costs = parseInput(costsSchema, costsInput, "source costs");
  const [from, to] = rangeMs(range);
  const rows = new Map<
    string,
    { cost: number; deals: number; meetings: string[]; won: string[] }
  >();
  const row = (source: string) => {
    let entry = rows.get(source);
    if (entry === undefined) {
      entry = { cost: 0, deals: 0, meetings: [], won: [] };
      rows.set(source, entry);
    }
    return entry;
  };
  for (const cost of costs) row(cost.source).cost += cost.amount;
  for (const deal of data.deals) {
    const entry = row(deal.source ?? noValue);
    if (deal.createdAt >= from && deal.createdAt < to) entry.deals++;
    const meeting = data.firstMeetings.get(deal.id);
    if (meeting !== undefined && meeting >= from && meeting < to) entry.meetings.push(deal.id);
    if (
      deal.state === "won" &&
      deal.closedAt !== undefined &&
      deal.closedAt >= from &&
      deal.closedAt < to
    )
      entry.won.push(deal.id);
  }
  return [...rows.entries()]
    .filter(([, r]) => r.cost > 0 || r.deals > 0 || r.meetings.length > 0 || r.won.length > 0)
    .sort(([a], [b]) => compareText(a, b))
    .map(([source, r]) => ({
      source,
      cost: r.cost,
      deals: r.deals,
      firstMeetings: r.meetings.length,
      won: r.won.length,
      costPerFirstMeeting: r.meetings.length === 0 ? null : r.cost / r.meetings.length,
      costPerWon: r.won.length === 0 ? null : r.cost / r.won.length,
      ids: { firstMeetings: r.meetings, won: r.won },
    }));
}
