import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitExactly } from "../money.js";
import type { Actuals } from "../objectives/index.js";
import { comparePlans } from "./compare.js";
import { compileCurve, payoutPercent } from "./curve.js";
import { parseActualsDataset } from "./dataset.js";
import { whatIf } from "./monte-carlo.js";
import { validatePlan } from "./plan.js";
import { simulate } from "./simulate.js";
import type { CompensationPlan, PayoutCurve } from "./types.js";

/** The reference: the definition read literally, one tier and one step at a time. */
function referencePayout(curve: PayoutCurve, attainment: number): number {
  if (attainment < (curve.floor ?? 0)) return 0;
  let payout = 0;
  curve.tiers.forEach((tier, i) => {
    const end = curve.tiers[i + 1]?.from ?? Number.POSITIVE_INFINITY;
    payout += tier.rate * Math.max(0, Math.min(attainment, end) - tier.from);
  });
  for (const step of curve.steps ?? []) if (attainment >= step.at) payout += step.add;
  return Math.min(payout, curve.cap ?? Number.POSITIVE_INFINITY);
}

const curveArb = (withSteps: boolean): fc.Arbitrary<PayoutCurve> =>
  fc
    .record({
      floor: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
      starts: fc.uniqueArray(fc.integer({ min: 0, max: 250 }), { minLength: 1, maxLength: 5 }),
      rates: fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 5, maxLength: 5 }),
      steps: withSteps
        ? fc.array(
            fc.record({
              at: fc.integer({ min: 0, max: 250 }),
              add: fc.integer({ min: 0, max: 40 }),
            }),
            {
              maxLength: 2,
            },
          )
        : fc.constant([]),
      cap: fc.option(fc.integer({ min: 50, max: 400 }), { nil: undefined }),
    })
    .map(({ floor, starts, rates, steps, cap }) => ({
      ...(floor === undefined ? {} : { floor }),
      tiers: [...starts].sort((a, b) => a - b).map((from, i) => ({ from, rate: rates[i]! })),
      ...(steps.length === 0 ? {} : { steps }),
      ...(cap === undefined ? {} : { cap }),
    }));
const attainmentArb = fc.double({ min: 0, max: 400, noNaN: true });

describe("payout curves", () => {
  it("match the literal definition", () => {
    fc.assert(
      fc.property(curveArb(true), attainmentArb, (curve, a) => {
        expect(payoutPercent(compileCurve(curve), a)).toBeCloseTo(referencePayout(curve, a), 9);
      }),
      { numRuns: 100 },
    );
  });

  it("never decrease as attainment rises, decelerators included", () => {
    fc.assert(
      fc.property(curveArb(true), attainmentArb, attainmentArb, (curve, x, y) => {
        const compiled = compileCurve(curve);
        const [low, high] = x <= y ? [x, y] : [y, x];
        expect(payoutPercent(compiled, low)).toBeLessThanOrEqual(
          payoutPercent(compiled, high) + 1e-9,
        );
      }),
      { numRuns: 100 },
    );
  });

  it("never pay above the cap, nor anything below the floor", () => {
    fc.assert(
      fc.property(curveArb(true), attainmentArb, (curve, a) => {
        const payout = payoutPercent(compileCurve(curve), a);
        if (curve.cap !== undefined) expect(payout).toBeLessThanOrEqual(curve.cap);
        if (a < (curve.floor ?? 0)) expect(payout).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it("are continuous at marginal tier edges", () => {
    fc.assert(
      fc.property(curveArb(false), fc.nat(4), (curve, pick) => {
        const compiled = compileCurve(curve);
        const edge = curve.tiers[pick % curve.tiers.length]!.from;
        fc.pre(edge > (curve.floor ?? 0) + 1e-3);
        const epsilon = 1e-6;
        const jump =
          payoutPercent(compiled, edge + epsilon) - payoutPercent(compiled, edge - epsilon);
        expect(jump).toBeGreaterThanOrEqual(-1e-9);
        expect(jump).toBeLessThanOrEqual(2 * epsilon * 3 + 1e-9);
      }),
      { numRuns: 100 },
    );
  });
});

describe("splitExactly", () => {
  it("sums exactly and keeps each part within one unit of its exact share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 12 }),
        (amount, weights) => {
          const total = weights.reduce((a, b) => a + b, 0);
          fc.pre(total > 1e-6);
          const parts = splitExactly(amount, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
          parts.forEach((part, i) => {
            expect(Number.isInteger(part)).toBe(true);
            expect(Math.abs(part - (amount * weights[i]!) / total)).toBeLessThan(
              1 + 1e-6 * Math.abs(amount),
            );
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});

const linear: PayoutCurve = {
  floor: 50,
  tiers: [
    { from: 0, rate: 1 },
    { from: 100, rate: 1.5 },
  ],
  cap: 200,
};

/** €500,000 a year and 8 meetings a week, weighted 70/30, gated at 90 % of the team's revenue. */
function proposedPlan(reps: readonly string[]): CompensationPlan {
  return {
    id: "proposed",
    name: "Proposed 2026",
    version: 1,
    currency: "EUR",
    criteria: [
      {
        id: "revenue",
        metric: { kind: "revenue" },
        weight: 70,
        target: { source: "fixed", value: 50_000_000 },
        curve: linear,
      },
      {
        id: "meetings",
        metric: { kind: "meetingsPerWeek" },
        weight: 30,
        target: { source: "fixed", value: 8 },
        curve: { floor: 50, tiers: [{ from: 0, rate: 1 }], cap: 120 },
      },
    ],
    collective: { metric: { kind: "revenue" }, gate: 90 },
    reps: reps.map((repId) => ({ repId, onTargetPay: 1_000_000 })),
  };
}

function currentPlan(reps: readonly string[]): CompensationPlan {
  return {
    id: "current",
    name: "Current",
    version: 3,
    currency: "EUR",
    criteria: [
      {
        id: "revenue",
        metric: { kind: "revenue" },
        weight: 100,
        target: { source: "fixed", value: 50_000_000 },
        curve: { tiers: [{ from: 0, rate: 1 }], steps: [{ at: 100, add: 10 }], cap: 150 },
      },
    ],
    reps: reps.map((repId) => ({ repId, onTargetPay: 1_000_000 })),
  };
}

const csv = [
  "rep,name,revenue,meetingsPerWeek",
  "anna,Anna,52000000,8.5",
  "marc,Marc,47000000,",
  "sam,Sam,61000000,9",
  "lea,Léa,44000000,7",
].join("\n");

describe("simulate", () => {
  it("lists a rep's missing metric as a gap and pays no zero in its place", () => {
    const actuals = parseActualsDataset(csv, { period: "2025", currency: "EUR" });
    const result = simulate(proposedPlan(["anna", "marc", "sam", "lea"]), actuals, "2025");
    expect(result.gaps).toEqual([
      {
        repId: "marc",
        criterionId: "meetings",
        metric: "meetingsPerWeek",
        reason: "no figure in the dataset",
      },
    ]);
    const marc = result.reps.find((rep) => rep.repId === "marc")!;
    expect(marc).toMatchObject({ complete: false, payout: null, atTarget: null });
    expect(marc.explanation.join("\n")).toContain("not computed — no figure in the dataset");
    expect(result.team.complete).toBe(3);
    // The cost counts the three complete reps only; Marc's revenue still counts for the team gate.
    expect(result.team.cost).toBe(
      result.reps.filter((r) => r.complete).reduce((sum, r) => sum + r.payout!, 0),
    );
    expect(result.team.collective?.attainment).toBeCloseTo((204_000_000 / 200_000_000) * 100, 9);
  });

  it("gives the share at target over complete reps and its bounds over all, and checks the band on the bounds", () => {
    const actuals = parseActualsDataset(csv, { period: "2025", currency: "EUR" });
    const plan = proposedPlan(["anna", "marc", "sam", "lea"]);
    const result = simulate(plan, actuals, "2025");
    const reached = result.reps.filter((rep) => rep.atTarget === true).length;
    expect(reached).toBeGreaterThan(0);
    expect(result.team.atTargetShare).toBe((reached * 100) / 3);
    expect(result.team.atTargetBounds).toEqual({
      low: (reached * 100) / 4,
      high: ((reached + 1) * 100) / 4,
    });
    expect(result.team.bandCheckedOn).toBe("bounds");
    // A band the three complete reps alone are above, but that Marc's missing figure could put
    // the team inside: not flagged.
    const low = result.team.atTargetBounds!.low;
    const open = simulate(plan, actuals, "2025", { band: [low - 10, low] });
    expect(result.team.atTargetShare!).toBeGreaterThan(low);
    expect(open.team.bandFlag).toBeNull();
    // Above it whatever Marc's figure: flagged.
    expect(simulate(plan, actuals, "2025", { band: [0, low - 1] }).team.bandFlag).toBe("above");
    // Every rep complete: the bounds are the share, and the band check says so.
    const full = parseActualsDataset(csv.replace("marc,Marc,47000000,", "marc,Marc,47000000,6"), {
      period: "2025",
      currency: "EUR",
    });
    const complete = simulate(plan, full, "2025").team;
    expect(complete.bandCheckedOn).toBe("complete");
    expect(complete.atTargetBounds).toEqual({
      low: complete.atTargetShare,
      high: complete.atTargetShare,
    });
  });

  it("explains every payout line by line, with amounts that sum exactly", () => {
    const actuals = parseActualsDataset(csv, { period: "2025", currency: "EUR" });
    const anna = simulate(proposedPlan(["anna"]), actuals, "2025", {}).reps[0]!;
    // Revenue 104 %: 100 pts × 1 + 4 pts × 1.5 = 106 % of 7,000.00; meetings 106.25 % of 3,000.00.
    expect(anna.criteria.map((c) => c.amount)).toEqual([742_000, 318_750]);
    expect(anna.payout).toBe(1_060_750);
    expect(anna.explanation[1]).toBe(
      "Revenue booked (70 %): €520,000.00 of €500,000.00 = 104 %; 100 pts × 1 (0 %–100 %) + 4 pts × 1.5 (100 %–104 %) = 106 % of €7,000.00 = €7,420.00.",
    );
  });

  it("pays nothing below the team gate, whatever the individual results", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 120_000_000 }), { minLength: 1, maxLength: 8 }),
        (revenues) => {
          const reps = revenues.map((_, i) => `r${i}`);
          const actuals: Actuals = {
            period: "2025",
            source: "dataset",
            reps: revenues.map((revenue, i) => ({
              repId: `r${i}`,
              values: { revenue, meetingsPerWeek: 8 },
              gaps: {},
              targets: {},
            })),
          };
          const result = simulate(proposedPlan(reps), actuals, "2025");
          const team = (revenues.reduce((a, b) => a + b, 0) / (50_000_000 * revenues.length)) * 100;
          for (const rep of result.reps) {
            expect(rep.criteria.reduce((sum, c) => sum + c.amount!, 0)).toBe(rep.payout);
            if (team < 90) expect(rep.payout).toBe(0);
          }
          expect(result.reps.reduce((sum, r) => sum + r.payout!, 0)).toBe(result.team.cost);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("flags the band, the envelope at team target and the reps losing out against the current plan", () => {
    const actuals = parseActualsDataset(
      csv.replace("marc,Marc,47000000,", "marc,Marc,47000000,6"),
      {
        period: "2025",
      },
    );
    const reps = ["anna", "marc", "sam", "lea"];
    const result = simulate(proposedPlan(reps), actuals, "2025", { current: currentPlan(reps) });
    expect(result.team.atTargetShare).toBe(50);
    expect(result.team.bandFlag).toBe("below");
    const atTarget = result.team.atTeamTarget!;
    expect(atTarget.factors.revenue).toBeCloseTo(200_000_000 / 204_000_000, 12);
    expect(atTarget.envelope).toBe(4_000_000);
    expect(typeof atTarget.fullyPaid).toBe("boolean");
    expect(atTarget.losersShare).toBeGreaterThanOrEqual(0);
    expect(result.team.payouts?.min).toBeLessThanOrEqual(result.team.payouts!.median);
    expect(result.team.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(4);
  });

  it("scales payouts by the team's attainment, adjusts targets for juniors and territories", () => {
    const plan: CompensationPlan = {
      ...proposedPlan(["anna", "lea"]),
      collective: {
        metric: { kind: "revenue" },
        scale: {
          tiers: [
            { from: 0, rate: 0.5 },
            { from: 100, rate: 1 },
          ],
          cap: 110,
        },
      },
      reps: [
        { repId: "anna", onTargetPay: 1_000_000 },
        { repId: "lea", onTargetPay: 1_000_000, targetFactor: 0.8, payFactor: 1.1, note: "junior" },
      ],
    };
    const actuals = parseActualsDataset(csv, { period: "2025" });
    const [anna, lea] = simulate(plan, actuals, "2025").reps;
    // Team: 96 M of 50 + 40 M = 106.67 %: the scale pays 50 + 6.67 = 56.67 %.
    expect(lea!.criteria[0]!.target).toBe(40_000_000);
    expect(lea!.criteria[0]!.attainment).toBeCloseTo(110, 9);
    expect(lea!.explanation.join(" ")).toContain("junior");
    expect(anna!.payout).toBeLessThan(1_060_750 * 0.6);
  });
});

describe("validatePlan", () => {
  it("says what is wrong in words", () => {
    const plan = proposedPlan(["anna"]);
    const bad = validatePlan({
      ...plan,
      criteria: [
        { ...plan.criteria[0]!, weight: 60 },
        {
          ...plan.criteria[1]!,
          curve: {
            tiers: [
              { from: 50, rate: 1 },
              { from: 10, rate: 1 },
            ],
          },
        },
      ],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.map((p) => p.code)).toEqual([
      "WEIGHTS_NOT_100",
      "TIERS_NOT_ASCENDING",
      "FLOOR_CLIFF",
    ]);
    expect(bad.problems[0]!.message).toBe("The criteria's weights sum to 90 %, not 100 %.");
    const shape = validatePlan({ ...plan, currency: "euro" });
    expect(shape.ok ? [] : shape.problems.map((p) => p.path)).toEqual([["currency"]]);
  });

  it("warns of step thresholds, and only remarks on a lone criterion", () => {
    const result = validatePlan(currentPlan(["anna"]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.map((w) => w.code)).toEqual(["STEP_THRESHOLD", "TARGET_NOT_100"]);
    expect(result.remarks.map((w) => w.code)).toEqual(["CRITERIA_COUNT"]);
    expect(result.warnings[0]!.message).toContain("stop");
  });
});

describe("comparePlans and whatIf", () => {
  const actuals = parseActualsDataset(csv.replace("marc,Marc,47000000,", "marc,Marc,47000000,6"), {
    period: "2025",
  });
  const reps = ["anna", "marc", "sam", "lea"];

  it("gives per-rep deltas and names the reps whose pay moves by more than the threshold", () => {
    const comparison = comparePlans(currentPlan(reps), proposedPlan(reps), actuals, "2025", {
      threshold: 10,
    });
    for (const rep of comparison.reps) {
      expect(rep.delta).toBe(rep.proposed! - rep.current!);
      expect(rep.moved).toBe(Math.abs(rep.deltaPercent!) > 10);
    }
    expect(comparison.movers).toEqual(comparison.reps.filter((r) => r.moved).map((r) => r.repId));
    expect(comparison.totals.delta).toBe(comparison.totals.proposed - comparison.totals.current);
  });

  it("is deterministic for a seed, and without variation costs what simulate pays", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = whatIf(proposedPlan(reps), actuals, "2025", { scenarios: 50, seed });
        const b = whatIf(proposedPlan(reps), actuals, "2025", { scenarios: 50, seed });
        expect(a).toEqual(b);
      }),
      { numRuns: 20 },
    );
    const flat = whatIf(proposedPlan(reps), actuals, "2025", {
      scenarios: 3,
      variation: 0,
      teamVariation: 0,
    });
    const simulated = simulate(proposedPlan(reps), actuals, "2025");
    expect(flat.cost.p50).toBe(simulated.team.cost);
    expect(flat.expectedShareAtTarget).toBe(simulated.team.atTargetShare);
    const worse = whatIf(proposedPlan(reps), actuals, "2025", {
      scenarios: 2_000,
      seed: 3,
      scale: { revenue: 0.9 },
    });
    const base = whatIf(proposedPlan(reps), actuals, "2025", { scenarios: 2_000, seed: 3 });
    expect(worse.cost.p50).toBeLessThan(base.cost.p50);
    expect(base.cost.p10).toBeLessThanOrEqual(base.cost.p50);
    expect(base.cost.p50).toBeLessThanOrEqual(base.cost.p90);
  });
});

describe("parseActualsDataset", () => {
  it("reads JSON and CSV, and rejects a bad cell with its row and column", () => {
    const json = parseActualsDataset({
      period: "2025",
      reps: [{ repId: "anna", values: { revenue: 1, calls: null }, targets: { revenue: 2 } }],
    });
    expect(json.reps[0]!.gaps).toEqual({ calls: "no figure in the dataset" });
    expect(() => parseActualsDataset("rep,revenue\nanna,12k", { period: "2025" })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", details: { path: [1, 1] } }),
    );
    expect(() => parseActualsDataset("rep,bananas\nanna,1", { period: "2025" })).toThrow(
      expect.objectContaining({ details: { path: [0, 1] } }),
    );
    const quoted = parseActualsDataset('rep,name,revenue\r\n"x1","Smith, Jo",5\r\n', {
      period: "2025",
    });
    expect(quoted.reps[0]).toMatchObject({
      repId: "x1",
      name: "Smith, Jo",
      values: { revenue: 5 },
    });
  });
});
