import { compareText, type ReportData, type ReportRange, rangeMs } from "./data.js";
import { funnelWith } from "./funnel.js";

/** Options of {@link coachingReport}. */
export interface CoachingOptions {
  /** The pipeline whose stage conversions are compared. */
  readonly pipelineId: string;
  /** The cohorts (stage entries) and the closes considered. */
  readonly range: ReportRange;
  /** How many reps, by value won in the range, make the top performers. @defaultValue 3 */
  readonly top?: number;
  /** A rep's product win rate this many points away from their peers' is flagged. @defaultValue 15 */
  readonly threshold?: number;
  /** Fewest closed deals (rep and peers each) for a product comparison. @defaultValue 5 */
  readonly minimumDeals?: number;
}

/** One stage step of one rep against the top performers. */
export interface CoachingGap {
  /** The stage entered. */
  readonly from: string;
  /** The next step. */
  readonly to: string;
  /** The rep's conversion. */
  readonly conversion: number;
  /** The top performers' pooled conversion. */
  readonly benchmark: number;
  /** conversion − benchmark (negative: below the top performers). */
  readonly gap: number;
  /** The rep's cohort. */
  readonly entered: number;
}

/** A product on which a rep wins notably more or less often than their peers. */
export interface ProductOutlier {
  /** The product. */
  readonly product: string;
  /** The rep's win rate on it. */
  readonly winRate: number;
  /** The other reps' pooled win rate on it. */
  readonly peersWinRate: number;
  /** The difference, in points. */
  readonly difference: number;
  /** The rep's closed deals on it. */
  readonly closed: number;
}

/** What {@link coachingReport} says of one rep. */
export interface CoachingRow {
  /** The rep. */
  readonly repId: string;
  /** Whether the rep is one of the top performers. */
  readonly topPerformer: boolean;
  /** Steps sorted by gap, largest shortfall first (steps without a cohort left out). */
  readonly gaps: readonly CoachingGap[];
  /** Products where the rep differs from peers by more than the threshold. */
  readonly productOutliers: readonly ProductOutlier[];
}

/**
 * Coaching: each rep's stage conversions against the top performers' (the reps who won the most
 * value in the range, pooled), largest shortfall first; and the products on which a rep's win rate
 * differs from their peers' by more than a threshold (both sides with enough closed deals).
 */
export function coachingReport(data: ReportData, options: CoachingOptions): CoachingRow[] {
  const [from, to] = rangeMs(options.range);
  const wonValue = new Map<string, number>();
  const perProduct = new Map<string, Map<string, { won: number; closed: number }>>();
  for (const deal of data.deals) {
    if (deal.ownerId === undefined || deal.state === "open" || deal.closedAt === undefined)
      continue;
    if (deal.closedAt < from || deal.closedAt >= to) continue;
    if (deal.state === "won")
      wonValue.set(deal.ownerId, (wonValue.get(deal.ownerId) ?? 0) + (deal.value ?? 0));
    else if (!wonValue.has(deal.ownerId)) wonValue.set(deal.ownerId, 0);
    for (let k = 0; k < deal.products.length; k++) {
      const product = deal.products[k]!;
      if (deal.products.indexOf(product) !== k) continue; // a product listed twice counts once
      let byRep = perProduct.get(product);
      if (byRep === undefined) {
        byRep = new Map();
        perProduct.set(product, byRep);
      }
      let tally = byRep.get(deal.ownerId);
      if (tally === undefined) {
        tally = { won: 0, closed: 0 };
        byRep.set(deal.ownerId, tally);
      }
      tally.closed++;
      if (deal.state === "won") tally.won++;
    }
  }
  const funnel = funnelWith(
    data,
    {
      pipelineId: options.pipelineId,
      range: options.range,
      dimension: "rep",
    },
    { times: false, ids: false },
  );
  const reps = [...new Set([...wonValue.keys(), ...funnel.groups.map((g) => g.key)])]
    .filter((rep) => rep !== "(none)")
    .sort();
  const top = new Set(
    [...reps]
      .sort((a, b) => (wonValue.get(b) ?? 0) - (wonValue.get(a) ?? 0) || compareText(a, b))
      .slice(0, options.top ?? 3),
  );
  const byRep = new Map(funnel.groups.map((g) => [g.key, g]));
  const stepCount = funnel.groups[0]?.steps.length ?? 0;
  const benchmark = Array.from({ length: stepCount }, (_, i) => {
    let entered = 0;
    let reached = 0;
    for (const rep of top) {
      const step = byRep.get(rep)?.steps[i];
      entered += step?.entered ?? 0;
      reached += step?.reached ?? 0;
    }
    return entered === 0 ? null : reached / entered;
  });
  const threshold = options.threshold ?? 15;
  const minimum = options.minimumDeals ?? 5;
  return reps.map((repId) => {
    const gaps: CoachingGap[] = [];
    for (const [i, step] of (byRep.get(repId)?.steps ?? []).entries()) {
      const reference = benchmark[i];
      if (step.conversion === null || reference === null || reference === undefined) continue;
      gaps.push({
        from: step.from,
        to: step.to,
        conversion: step.conversion,
        benchmark: reference,
        gap: step.conversion - reference,
        entered: step.entered,
      });
    }
    gaps.sort((a, b) => a.gap - b.gap);
    const productOutliers: ProductOutlier[] = [];
    for (const [product, tallies] of [...perProduct.entries()].sort(([a], [b]) =>
      compareText(a, b),
    )) {
      const own = tallies.get(repId);
      if (own === undefined || own.closed < minimum) continue;
      let won = 0;
      let closed = 0;
      for (const [other, tally] of tallies) {
        if (other === repId) continue;
        won += tally.won;
        closed += tally.closed;
      }
      if (closed < minimum) continue;
      const winRate = own.won / own.closed;
      const peersWinRate = won / closed;
      const difference = (winRate - peersWinRate) * 100;
      if (Math.abs(difference) > threshold)
        productOutliers.push({ product, winRate, peersWinRate, difference, closed: own.closed });
    }
    return { repId, topPerformer: top.has(repId), gaps, productOutliers };
  });
}
