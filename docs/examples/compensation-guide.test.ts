import { describe, expect, it } from "vitest";
import { compensationGuide, objectivesGuide } from "./compensation-guide.js";

describe("the objectives and compensation guides", () => {
  it("give the results the objectives guide shows", async () => {
    const { q4, marc, alerts, split } = await objectivesGuide();
    expect(q4).toMatchObject({ target: 25_000_000, source: "seasonality" });
    expect(marc).toMatchObject({ actual: 6, attainment: 50, reached: [50], next: 90 });
    expect(marc!.expectedByNow).toBeCloseTo((12 * 14.5) / 31, 9);
    expect(alerts).toEqual([50]);
    expect(split.reps.map((r) => r.bySegment)).toEqual([
      { a: 35_000_000, b: 0, other: 0 },
      { a: 0, b: 25_000_000, other: 40_000_000 },
    ]);
  });

  it("give the results the compensation guide shows", () => {
    const { review, result, comparison, outlook } = compensationGuide();
    expect(review.ok && review.warnings.map((w) => w.code)).toEqual([
      "STEP_THRESHOLD",
      "TARGET_NOT_100",
    ]);
    expect(review.ok && review.remarks.map((w) => w.code)).toEqual(["CRITERIA_COUNT"]);
    expect(result.gaps).toEqual([
      {
        repId: "lea",
        criterionId: "meetings",
        metric: "meetingsPerWeek",
        reason: "no figure in the dataset",
      },
    ]);
    expect(result.reps.map((r) => r.payout)).toEqual([1_405_200, 1_107_000, null]);
    expect(result.reps[0]!.explanation).toEqual([
      "On-target pay for 2025: €12,000.00.",
      "Revenue booked (70 %): €560,000.00 of €500,000.00 = 112 %; 50 pts × 2 (50 %–100 %) + 12 pts × 1.5 (100 %–112 %) = 118 % of €8,400.00 = €9,912.00.",
      "Meetings held per week (30 %): 8.6 of 8 = 107.5 %; 57.5 pts × 2 (50 %–107.5 %) = 115 % of €3,600.00 = €4,140.00.",
      "Team at 103.21 %: the collective component pays in full.",
      "Payout: €14,052.00 (117.1 % of on-target); weighted attainment 110.65 %.",
    ]);
    expect(
      comparison.reps.map((r) => [
        r.repId,
        r.deltaPercent === null ? null : Math.round(r.deltaPercent),
      ]),
    ).toEqual([
      ["anna", -4],
      ["marc", -3],
      ["lea", null],
    ]);
    expect(outlook.cost.p50).toBeLessThanOrEqual(outlook.cost.p90);
    expect(outlook.reps.map((r) => r.repId)).toEqual(["anna", "marc"]);
  });
});
