import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryCrm } from "../testing/crm-fixture.js";
import { salesStory } from "../testing/report-scenario.js";
import { mrrReport, type SubscriptionLine } from "./subscriptions.js";

describe("process adoption", () => {
  it("counts deals that skip a stage or leave stage tasks undone as not following the process", async () => {
    const { crm, env } = await memoryCrm();
    await crm.users.create({ id: "anna", name: "Anna", role: "inside" });
    await crm.pipelines.create({
      id: "p",
      name: "P",
      stages: [
        { id: "lead", name: "Lead", probability: 10 },
        {
          id: "qualified",
          name: "Qualified",
          probability: 30,
          tasks: [
            { id: "call", title: "Call", actionType: "call", due: { amount: 1, unit: "days" } },
          ],
        },
        { id: "proposal", name: "Proposal", probability: 60 },
        { id: "won", name: "Won", kind: "won" },
        { id: "lost", name: "Lost", kind: "lost" },
      ],
    });
    env.set("2026-05-04T09:00:00Z");
    const skipper = await crm.deals.create({ title: "skip", pipelineId: "p", ownerId: "anna" });
    const careless = await crm.deals.create({
      title: "careless",
      pipelineId: "p",
      ownerId: "anna",
    });
    const careful = await crm.deals.create({ title: "careful", pipelineId: "p", ownerId: "anna" });
    await crm.deals.move(skipper.id, "proposal");
    for (const deal of [careless, careful]) await crm.deals.move(deal.id, "qualified");
    const [task] = await crm.tasks.list({ dealId: careful.id });
    await crm.tasks.complete(task!.id);
    for (const deal of [careless, careful]) await crm.deals.move(deal.id, "proposal");
    const rows = await crm.reports.adoption({
      range: { from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z" },
    });
    expect(rows.map((r) => [r.key, r.deals, r.following, r.rate])).toEqual([
      ["anna", 3, 1, 1 / 3],
      ["total", 3, 1, 1 / 3],
    ]);
    expect(rows[0]!.skippedStages).toEqual([skipper.id]);
    expect(rows[0]!.tasksLeftUndone).toEqual([careless.id]);
  });
});

describe("coaching and acquisition", () => {
  it("compare each rep's stage conversion with the top performers, and price first meetings by source", async () => {
    const { crm, env } = await memoryCrm();
    const ids = await salesStory(crm, env);
    const range = { from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z" };
    const rows = await crm.reports.coaching({ pipelineId: "sales", range, top: 1 });
    // Anna won the most: she is the benchmark. Marc: lead → qualified 1 of 2 against Anna's 2 of 2.
    expect(rows.map((r) => [r.repId, r.topPerformer])).toEqual([
      ["anna", true],
      ["marc", false],
    ]);
    expect(rows[1]!.gaps[0]).toMatchObject({
      from: "lead",
      to: "qualified",
      conversion: 0.5,
      benchmark: 1,
      gap: -0.5,
    });
    env.set("2026-05-06T09:00:00Z");
    await crm.activities.create({
      type: "meeting",
      ownerId: "anna",
      dealId: ids.won!,
      startAt: "2026-05-05T09:00:00Z",
      status: "done",
    });
    await crm.activities.create({
      type: "meeting",
      ownerId: "marc",
      dealId: ids.open!,
      startAt: "2026-05-05T13:00:00Z",
      status: "done",
    });
    await crm.activities.create({
      type: "meeting",
      ownerId: "marc",
      dealId: ids.open!,
      startAt: "2026-05-06T08:00:00Z",
      status: "done",
    });
    const acquisition = await crm.reports.acquisition(
      [
        { source: "web", amount: 90_000 },
        { source: "referral", amount: 10_000 },
        { source: "trade-show", amount: 50_000 },
      ],
      range,
    );
    expect(
      acquisition.map((r) => [
        r.source,
        r.cost,
        r.deals,
        r.firstMeetings,
        r.won,
        r.costPerFirstMeeting,
        r.costPerWon,
      ]),
    ).toEqual([
      ["referral", 10_000, 1, 1, 1, 10_000, 10_000],
      ["trade-show", 50_000, 0, 0, 0, null, null],
      ["web", 90_000, 3, 1, 0, 90_000, null],
    ]);
    await expect(
      crm.reports.acquisition([{ source: "web", amount: -1 }], range),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { path: [0, "amount"] },
    });
  });
});

describe("MRR", () => {
  const lines: SubscriptionLine[] = [
    { id: "1", customerId: "acme", mrr: 10_000, start: "2026-01-15", country: "FR" },
    {
      id: "2",
      customerId: "acme",
      mrr: 5_000,
      start: "2026-03-01",
      type: "maintenance",
      country: "FR",
    },
    {
      id: "3",
      customerId: "beta",
      mrr: 8_000,
      start: "2026-01-01",
      end: "2026-03-01",
      country: "DE",
    },
    { id: "4", customerId: "beta", mrr: 6_000, start: "2026-05-01", country: "DE" },
    {
      id: "5",
      customerId: "gamma",
      mrr: 4_000,
      start: "2026-02-10",
      end: "2026-04-10",
      type: "licence",
    },
  ];

  it("splits each month's change into new, expansion, contraction, churn and reactivation", () => {
    const months = mrrReport(lines, ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]);
    expect(
      months.map((m) => [
        m.month,
        m.opening,
        m.closing,
        m.new,
        m.expansion,
        m.contraction,
        m.churn,
        m.reactivation,
      ]),
    ).toEqual([
      ["2026-01", 0, 18_000, 18_000, 0, 0, 0, 0],
      ["2026-02", 18_000, 22_000, 4_000, 0, 0, 0, 0],
      ["2026-03", 22_000, 19_000, 0, 5_000, 0, -8_000, 0],
      ["2026-04", 19_000, 15_000, 0, 0, 0, -4_000, 0],
      ["2026-05", 15_000, 21_000, 0, 0, 0, 0, 6_000],
    ]);
    expect(months[2]).toMatchObject({
      revenueChurnRate: 8_000 / 22_000,
      customerChurnRate: 1 / 3,
      customers: { churn: ["beta"], expansion: ["acme"] },
    });
    expect(months[4]!.byType).toEqual({ subscription: 16_000, maintenance: 5_000 });
    expect(months[4]!.byCountry).toEqual({ FR: 15_000, DE: 6_000 });
  });

  it("has movements that always sum to the change in MRR", () => {
    const lineArb = fc.record({
      customer: fc.constantFrom("a", "b", "c", "d"),
      mrr: fc.integer({ min: 0, max: 50_000 }),
      start: fc.integer({ min: 0, max: 300 }),
      length: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
    });
    const day = (offset: number) =>
      new Date(Date.UTC(2026, 0, 1 + offset)).toISOString().slice(0, 10);
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 12 }), (specs) => {
        const input = specs.map((s, i) => ({
          id: String(i),
          customerId: s.customer,
          mrr: s.mrr,
          start: day(s.start),
          ...(s.length === undefined ? {} : { end: day(s.start + s.length) }),
        }));
        const months = Array.from(
          { length: 12 },
          (_, m) => `2026-${String(m + 1).padStart(2, "0")}`,
        );
        for (const month of mrrReport(input, months)) {
          expect(
            month.new + month.expansion + month.contraction + month.churn + month.reactivation,
          ).toBe(month.closing - month.opening);
          expect(month.new).toBeGreaterThanOrEqual(0);
          expect(month.churn).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it("rejects a malformed line with the path of the bad field", () => {
    expect(() => mrrReport([{ ...lines[0]!, end: "2026-01-01" }], ["2026-01"])).toThrow(
      expect.objectContaining({
        code: "VALIDATION_FAILED",
        details: expect.objectContaining({ path: [0, "end"] }),
      }),
    );
  });
});
