import { describe, expect, it } from "vitest";
import { memoryCrm } from "../testing/crm-fixture.js";
import { rejection } from "../testing/rejection.js";
import type { CompensationPlan } from "./types.js";

const plan: CompensationPlan = {
  id: "inside",
  name: "Inside",
  version: 1,
  currency: "EUR",
  criteria: [
    {
      id: "won",
      metric: { kind: "dealsWon" },
      weight: 60,
      target: { source: "objective" },
      curve: { tiers: [{ from: 0, rate: 1 }], cap: 150 },
    },
    {
      id: "calls",
      metric: { kind: "calls" },
      weight: 40,
      target: { source: "fixed", value: 2 },
      curve: { tiers: [{ from: 0, rate: 1 }], cap: 150 },
    },
  ],
  reps: [{ repId: "anna", onTargetPay: 1_200_000 }],
};

describe("CompensationService", () => {
  it("keeps every plan version and refuses to change a saved one", async () => {
    const { crm } = await memoryCrm();
    await crm.compensation.plans.create(plan);
    await crm.compensation.plans.create(plan); // the same content again: nothing to do
    const changed = await rejection(crm.compensation.plans.create({ ...plan, name: "Renamed" }));
    expect(changed).toMatchObject({ code: "VALIDATION_FAILED", details: { path: ["version"] } });
    await crm.compensation.plans.create({ ...plan, version: 2, name: "Renamed" });
    expect((await crm.compensation.plans.get("inside"))?.plan.name).toBe("Renamed");
    expect((await crm.compensation.plans.get("inside", 1))?.plan.name).toBe("Inside");
    expect((await crm.compensation.plans.versions("inside")).map((v) => v.plan.version)).toEqual([
      1, 2,
    ]);
    const invalid = await rejection(
      crm.compensation.plans.create({ ...plan, version: 3, criteria: [plan.criteria[0]!] }),
    );
    expect(invalid.message).toBe("Invalid plan: The criteria's weights sum to 60 %, not 100 %.");
  });

  it("simulates on the figures in storage, with targets from objectives", async () => {
    const { crm } = await memoryCrm();
    await crm.users.create({ id: "anna", name: "Anna", role: "inside" });
    await crm.pipelines.create({
      id: "p",
      name: "P",
      stages: [
        { id: "open", name: "Open", probability: 20 },
        { id: "won", name: "Won", kind: "won" },
        { id: "lost", name: "Lost", kind: "lost" },
      ],
    });
    for (let i = 0; i < 3; i++) {
      const deal = await crm.deals.create({ title: `D${i}`, ownerId: "anna", value: 1_000 });
      await crm.deals.win(deal.id);
    }
    await crm.activities.create({
      type: "call",
      ownerId: "anna",
      startAt: "2026-05-11T09:00:00Z",
      status: "done",
    });
    await crm.objectives.set({
      subject: { kind: "user", id: "anna" },
      metric: { kind: "dealsWon" },
      period: "2026",
      target: 8,
      seasonality: [1, 1, 1, 1],
    });
    const result = await crm.compensation.simulate(plan, "2026-Q2", { current: plan });
    const [anna] = result.reps;
    // Q2 is a quarter of the year's 8 deals: 3 of 2 = 150 %; 1 call of 2 = 50 %.
    expect(anna!.criteria.map((c) => [c.value, c.target, c.attainment])).toEqual([
      [3, 2, 150],
      [1, 2, 50],
    ]);
    // A quarter of 12,000: 180,000 × 150 % + 120,000 × 50 %.
    expect(anna!.payout).toBe(330_000);
  });
});
