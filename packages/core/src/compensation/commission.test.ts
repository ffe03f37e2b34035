import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CompiledCommission, commissionOf, compileCommission } from "./commission.js";
import { comparePlans } from "./compare.js";
import { parseActualsDataset } from "./dataset.js";
import { whatIf } from "./monte-carlo.js";
import { validatePlan } from "./plan.js";
import { simulate } from "./simulate.js";
import type { CommissionCriterion, CompensationPlan } from "./types.js";

/** The reference: the definition read literally, band by band. */
function referenceCommission(c: CommissionCriterion, amount: number, target: number): number {
  let earned = 0;
  if (c.tiers !== undefined) {
    const basis = c.tierBasis ?? (c.target === undefined ? "amount" : "attainment");
    const at = (from: number) => (basis === "attainment" ? (from * target) / 100 : from);
    if ((c.tierMode ?? "marginal") === "marginal")
      c.tiers.forEach((tier, i) => {
        const end = i + 1 < c.tiers!.length ? at(c.tiers![i + 1]!.from) : Number.POSITIVE_INFINITY;
        earned += (Math.max(0, Math.min(amount, end) - at(tier.from)) * tier.rate) / 100;
      });
    else {
      const reached = c.tiers.filter((tier) => amount >= at(tier.from)).at(-1);
      earned = reached === undefined ? 0 : (amount * reached.rate) / 100;
    }
  } else earned = (amount * (c.rate ?? 0)) / 100;
  return Math.min(Math.round(earned), c.cap ?? Number.POSITIVE_INFINITY);
}

const tiersArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 4 })
  .chain((starts) =>
    fc
      .array(fc.double({ min: 0, max: 20, noNaN: true }), {
        minLength: starts.length,
        maxLength: starts.length,
      })
      .map((rates) =>
        [...starts].sort((a, b) => a - b).map((from, i) => ({ from, rate: rates[i]! })),
      ),
  );
const commissionArb: fc.Arbitrary<CommissionCriterion> = fc.oneof(
  fc.record({
    id: fc.constant("c"),
    metric: fc.constant({ kind: "revenue" as const }),
    rate: fc.double({ min: 0, max: 20, noNaN: true }),
  }),
  fc
    .record({
      tiers: tiersArb,
      tierMode: fc.constantFrom("marginal" as const, "retroactive" as const),
      byAmount: fc.boolean(),
      cap: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: undefined }),
    })
    .map(({ tiers, tierMode, byAmount, cap }) => ({
      id: "c",
      metric: { kind: "revenue" as const },
      // Amount bands in thousands of euros a year.
      tiers: byAmount ? tiers.map((t) => ({ ...t, from: t.from * 100_000 })) : tiers,
      tierMode,
      ...(byAmount
        ? { tierBasis: "amount" as const }
        : { target: { source: "objective" as const } }),
      ...(cap === undefined ? {} : { cap }),
    })),
);
const amountArb = fc.integer({ min: 0, max: 100_000_000 });
const targetArb = fc.integer({ min: 1, max: 50_000_000 });

describe("commissions", () => {
  it("match the literal definition, flat, marginal and retroactive", () => {
    fc.assert(
      fc.property(commissionArb, amountArb, targetArb, (commission, amount, target) => {
        const compiled = compileCommission(commission, 1);
        const { earned } = commissionOf(compiled, { amount, segmentAmounts: [], target }, "EUR");
        // Within a cent: the reference rounds its float sum once, like the engine.
        expect(
          Math.abs(earned! - referenceCommission(commission, amount, target)),
        ).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("never pay less for more, when marginal, and never above the cap", () => {
    fc.assert(
      fc.property(commissionArb, amountArb, amountArb, targetArb, (commission, x, y, target) => {
        fc.pre((commission.tierMode ?? "marginal") === "marginal");
        const compiled = compileCommission(commission, 1);
        const pay = (amount: number) =>
          commissionOf(compiled, { amount, segmentAmounts: [], target }, null).earned!;
        const [low, high] = x <= y ? [x, y] : [y, x];
        expect(pay(low)).toBeLessThanOrEqual(pay(high));
        if (commission.cap !== undefined) expect(pay(high)).toBeLessThanOrEqual(commission.cap);
      }),
      { numRuns: 300 },
    );
  });

  it("prorate yearly amount bands and caps for a quarter", () => {
    const quarter: CompiledCommission = compileCommission(
      {
        id: "c",
        metric: { kind: "revenue" },
        tiers: [
          { from: 0, rate: 5 },
          { from: 40_000_000, rate: 8 },
        ],
        cap: 4_000_000,
      },
      0.25,
    );
    // The €400,000 yearly band edge is €100,000 in a quarter; the €40,000 cap, €10,000.
    const { earned, why } = commissionOf(
      quarter,
      { amount: 12_000_000, segmentAmounts: [], target: null },
      "EUR",
    );
    expect(earned).toBe(500_000 + 160_000);
    expect(why).toBe(
      "5 % of €100,000.00 (€0.00–€100,000.00) + 8 % of €20,000.00 (€100,000.00+) = €6,600.00",
    );
  });
});

// A year of figures: revenue booked, margin, and the revenue from new logos and renewals.
const year = parseActualsDataset({
  period: "2025",
  currency: "EUR",
  reps: [
    {
      repId: "anna",
      name: "Anna Roux",
      values: {
        revenue: 60_000_000,
        margin: 24_000_000,
        "revenue@new-logos": 20_000_000,
        "revenue@renewals": 40_000_000,
        meetingsHeld: 150,
      },
      targets: { revenue: 50_000_000, meetingsHeld: 120 },
    },
    {
      repId: "marc",
      name: "Marc Petit",
      values: {
        revenue: 40_000_000,
        margin: 14_000_000,
        "revenue@new-logos": 25_000_000,
        "revenue@renewals": 10_000_000,
        meetingsHeld: 100,
      },
      targets: { revenue: 50_000_000, meetingsHeld: 120 },
    },
    {
      repId: "lea",
      name: "Léa Martin",
      values: {
        revenue: 55_000_000,
        margin: null,
        "revenue@new-logos": 5_000_000,
        "revenue@renewals": 50_000_000,
        meetingsHeld: 130,
      },
      targets: { revenue: 50_000_000, meetingsHeld: 120 },
      gaps: { margin: "the finance export for Léa is late" },
    },
  ],
});
const reps = ["anna", "marc", "lea"].map((repId) => ({ repId, onTargetPay: 1_500_000 }));

const plan = (commissions: readonly CommissionCriterion[]): CompensationPlan => ({
  id: "commission",
  name: "Commission",
  version: 1,
  currency: "EUR",
  criteria: [],
  commissions,
  reps,
});

describe("commission plans", () => {
  it("3 % of the margin of every deal won: no warning, explained line by line, a missing figure a gap", () => {
    const flat = plan([
      { id: "margin", metric: { kind: "margin" }, rate: 3, name: "3 % of margin" },
    ]);
    const review = validatePlan(flat);
    expect(review.ok).toBe(true);
    if (!review.ok) return;
    expect(review.warnings).toEqual([]);
    expect(review.remarks.map((r) => r.code)).toEqual(["COMMISSION_UNCAPPED", "CRITERIA_COUNT"]);
    const result = simulate(flat, year, "2025");
    const anna = result.reps.find((r) => r.repId === "anna")!;
    expect(anna.payout).toBe(720_000);
    expect(anna.commissions).toEqual([
      {
        commissionId: "margin",
        metric: "margin",
        value: 24_000_000,
        target: null,
        attainment: null,
        earned: 720_000,
        amount: 720_000,
      },
    ]);
    expect(anna.explanation).toEqual([
      "On-target pay for 2025: €15,000.00.",
      "3 % of margin on €240,000.00: 3 % of €240,000.00 = €7,200.00.",
      "Payout: €7,200.00 (48 % of on-target).",
    ]);
    // No target: there is no "at target", and nothing to put in the band.
    expect(anna.attainment).toBeNull();
    expect(result.team.atTargetShare).toBeNull();
    expect(result.team.bandFlag).toBeNull();
    const lea = result.reps.find((r) => r.repId === "lea")!;
    expect(lea.payout).toBeNull();
    expect(result.gaps).toEqual([
      {
        repId: "lea",
        criterionId: "margin",
        metric: "margin",
        reason: "the finance export for Léa is late",
      },
    ]);
    expect(result.team.cost).toBe(720_000 + 420_000);
  });

  it("5 % up to quota, 8 % above — marginal, or retroactive with a warning", () => {
    const tiers = [
      { from: 0, rate: 5 },
      { from: 100, rate: 8 },
    ];
    const marginal = plan([
      { id: "revenue", metric: { kind: "revenue" }, tiers, target: { source: "objective" } },
    ]);
    const result = simulate(marginal, year, "2025");
    const anna = result.reps.find((r) => r.repId === "anna")!;
    // €500,000 at 5 % and €100,000 at 8 %.
    expect(anna.payout).toBe(2_500_000 + 800_000);
    expect(anna.explanation[1]).toBe(
      "Commission on revenue booked on €600,000.00 (120 % of a €500,000.00 target): 5 % of €500,000.00 (0 %–100 % of target) + 8 % of €100,000.00 (100 %+ of target) = €33,000.00.",
    );
    expect(anna.attainment).toBe(120);
    // Anna and Léa are over quota, Marc is not.
    expect(result.team.atTargetShare).toBeCloseTo(200 / 3, 9);
    const retroactive = plan([
      {
        id: "revenue",
        metric: { kind: "revenue" },
        tiers,
        tierMode: "retroactive",
        target: { source: "objective" },
        cap: 6_000_000,
      },
    ]);
    const review = validatePlan(retroactive);
    expect(review.ok && review.warnings.map((w) => w.code)).toEqual(["RETROACTIVE_CLIFF"]);
    const cliff = simulate(retroactive, year, "2025").reps.find((r) => r.repId === "anna")!;
    expect(cliff.payout).toBe(4_800_000); // all €600,000 at 8 %
  });

  it("2 % on new logos, 1 % on renewals, nothing on the rest — and overlapping segments are a gap", () => {
    const bySegment = plan([
      {
        id: "revenue",
        metric: { kind: "revenue" },
        segmentRates: [
          { segmentId: "new-logos", rate: 2, name: "new logos" },
          { segmentId: "renewals", rate: 1, name: "renewals" },
        ],
      },
    ]);
    const result = simulate(bySegment, year, "2025");
    const marc = result.reps.find((r) => r.repId === "marc")!;
    expect(marc.payout).toBe(500_000 + 100_000);
    expect(marc.explanation[1]).toBe(
      "Commission on revenue booked on €400,000.00: 2 % of €250,000.00 (new logos) + 1 % of €100,000.00 (renewals) + 0 % of €50,000.00 (other) = €6,000.00.",
    );
    const overlapping = parseActualsDataset({
      period: "2025",
      currency: "EUR",
      reps: [
        {
          repId: "anna",
          values: { revenue: 100, "revenue@new-logos": 80, "revenue@renewals": 80 },
        },
      ],
    });
    const gap = simulate(bySegment, overlapping, "2025").gaps[0]!;
    expect(gap.reason).toContain("segments overlap");
  });

  it("composes with weighted criteria, the collective gate, compare and what-if", () => {
    const weighted: CompensationPlan = {
      id: "weighted",
      name: "Weighted",
      version: 1,
      currency: "EUR",
      criteria: [
        {
          id: "revenue",
          metric: { kind: "revenue" },
          weight: 60,
          target: { source: "objective" },
          curve: { tiers: [{ from: 0, rate: 1 }], cap: 150 },
        },
        {
          id: "meetings",
          metric: { kind: "meetingsHeld" },
          weight: 40,
          target: { source: "objective" },
          curve: { tiers: [{ from: 0, rate: 1 }], cap: 150 },
        },
      ],
      reps,
    };
    const mixed: CompensationPlan = {
      ...weighted,
      id: "mixed",
      commissions: [{ id: "margin", metric: { kind: "margin" }, rate: 1, cap: 500_000 }],
      collective: { metric: { kind: "revenue" }, gate: 90 },
    };
    const review = validatePlan(mixed);
    expect(review.ok && review.warnings).toEqual([]);
    const before = simulate(weighted, year, "2025");
    const after = simulate(mixed, year, "2025");
    const anna = (r: typeof after) => r.reps.find((rep) => rep.repId === "anna")!;
    // The team is at 155/150 of its revenue target, past the gate: the commission adds 1 % of
    // €240,000 to what the weighted criteria paid.
    expect(anna(after).payout).toBe(anna(before).payout! + 240_000);
    expect(anna(after).attainment).toBe(anna(before).attainment);
    expect(
      anna(after)
        .criteria.map((c) => c.amount)
        .concat(anna(after).commissions.map((c) => c.amount!))
        .reduce((a, b) => a! + b!, 0),
    ).toBe(anna(after).payout);
    // Below the gate nobody is paid, commissions included.
    const gated = simulate(
      { ...mixed, collective: { metric: { kind: "revenue" }, gate: 120 } },
      year,
      "2025",
    );
    expect(gated.reps.map((r) => r.payout)).toEqual([0, 0, null]);
    const comparison = comparePlans(weighted, mixed, year, "2025");
    expect(comparison.reps.find((r) => r.repId === "anna")!.delta).toBe(240_000);
    // Without variation, every scenario pays what simulate pays.
    const complete = parseActualsDataset({
      ...{ period: "2025", currency: "EUR" },
      reps: year.reps
        .filter((r) => r.repId !== "lea")
        .map((r) => ({
          repId: r.repId,
          values: r.values as Record<string, number>,
          targets: r.targets as Record<string, number>,
        })),
    });
    const outlook = whatIf(mixed, complete, "2025", {
      scenarios: 5,
      variation: 0,
      teamVariation: 0,
    });
    expect(outlook.cost.p50).toBe(simulate(mixed, complete, "2025").team.cost);
  });

  it("says what is wrong with a commission in words", () => {
    const review = validatePlan(
      plan([
        { id: "deals", metric: { kind: "dealsWon" }, rate: 3 },
        {
          id: "tiers",
          metric: { kind: "revenue" },
          tiers: [{ from: 0, rate: 5 }],
          tierBasis: "attainment",
        },
        { id: "none", metric: { kind: "revenue" } },
      ]),
    );
    expect(review.ok).toBe(false);
    if (review.ok) return;
    expect(
      review.problems.filter((p) => p.severity === "error").map((p) => [p.code, p.path.join(".")]),
    ).toEqual([
      ["COMMISSION_NOT_MONEY", "commissions.0.metric"],
      ["COMMISSION_NEEDS_TARGET", "commissions.1.target"],
      ["COMMISSION_RATES", "commissions.2"],
    ]);
    const empty = validatePlan(plan([]));
    expect(!empty.ok && empty.problems[0]!.code).toBe("NO_CRITERIA");
  });
});
