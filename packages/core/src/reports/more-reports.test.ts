import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryCrm } from "../testing/crm-fixture.js";
import { salesStory } from "../testing/report-scenario.js";
import { bookingsReport } from "./bookings.js";
import { reportCsv } from "./csv-presets.js";
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
      { numRuns: 100 },
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

describe("bookings, attainment and activity", () => {
  it("book won deals in the workspace's calendar month, with the ids behind each figure", async () => {
    const { crm, env } = await memoryCrm({ timezone: "Europe/Paris" });
    const ids = await salesStory(crm, env);
    // 23:30 UTC on 31 May is already June in Paris.
    const late = await crm.deals.create({
      title: "late",
      pipelineId: "sales",
      ownerId: "marc",
      value: 70_000,
    });
    const unvalued = await crm.deals.create({
      title: "unvalued",
      pipelineId: "sales",
      ownerId: "anna",
    });
    env.set("2026-05-31T23:30:00Z");
    await crm.deals.win(late.id);
    await crm.deals.win(unvalued.id);
    const range = { from: "2026-05-01T00:00:00Z", to: "2026-07-01T00:00:00Z" };
    expect(await crm.reports.bookings({ range })).toEqual([
      { month: "2026-05", key: "all", won: 1, value: 300_000, withoutValue: 0, ids: [ids.won] },
      {
        month: "2026-06",
        key: "all",
        won: 2,
        value: 70_000,
        withoutValue: 1,
        ids: [late.id, unvalued.id].sort(),
      },
    ]);
    const byRep = await crm.reports.bookings({ range, dimension: "rep" });
    expect(byRep.map((r) => [r.month, r.key, r.value])).toEqual([
      ["2026-05", "anna", 300_000],
      ["2026-06", "anna", 0],
      ["2026-06", "marc", 70_000],
    ]);
    const csv = reportCsv.bookings(byRep).split("\r\n");
    expect(csv[0]).toBe("month,group,won,value,won_without_value,ids");
    expect(csv[1]).toBe(`2026-05,anna,1,300000,0,${ids.won}`);
  });

  it("give attainment per objective and meetings per week against the target, a gap rather than a zero", async () => {
    const { crm, env } = await memoryCrm({ timezone: "Europe/Paris" });
    await crm.users.create({ id: "anna", name: "Anna", role: "inside" });
    await crm.users.create({ id: "zoe", name: "Zoé", role: "inside" });
    await crm.objectives.set({
      subject: { kind: "user", id: "anna" },
      metric: { kind: "meetingsPerWeek" },
      period: "2026-05",
      target: 2,
    });
    await crm.objectives.set({
      subject: { kind: "user", id: "zoe" },
      metric: { kind: "calls" },
      period: "2026-05",
      target: 10,
    });
    for (const day of ["04", "05", "11", "12", "13", "18"])
      await crm.activities.create({
        type: "meeting",
        ownerId: "anna",
        startAt: `2026-05-${day}T08:00:00Z`,
        status: "done",
      });
    await crm.activities.create({
      type: "call",
      ownerId: "anna",
      startAt: "2026-05-06T08:00:00Z",
      status: "done",
    });
    env.set("2026-06-01T00:00:00Z");
    const rows = await crm.reports.attainment("2026-05");
    expect(rows.map((r) => [r.subjectId, r.metric, r.unit, r.target, r.actual, r.gap])).toEqual([
      ["anna", "meetingsPerWeek", "perWeek", 2, (6 * 7) / 31, undefined],
      ["zoe", "calls", "count", 10, null, "no activity recorded in the period"],
    ]);
    expect(rows[0]!.attainment).toBeCloseTo((((6 * 7) / 31) * 100) / 2, 9);
    expect(rows[0]!.objectiveIds).toEqual(["user:anna:meetingsPerWeek:2026-05"]);

    // Three weeks into May (21 days in Paris): Anna's own objective, Zoé the default target.
    const activity = await crm.reports.activity({
      period: "2026-05",
      at: "2026-05-21T22:00:00Z",
      targetPerWeek: 3,
    });
    expect(
      activity.map((r) => [
        r.repId,
        r.meetings,
        r.calls,
        r.meetingsPerWeek,
        r.targetPerWeek,
        r.gap,
      ]),
    ).toEqual([
      ["anna", 6, 1, 2, 2, undefined],
      ["zoe", null, null, null, 3, "no activity recorded in the period"],
    ]);
    expect(activity[0]!.attainment).toBe(100);
    expect(reportCsv.activity(activity).split("\r\n")[2]).toBe(
      "zoe,,,,,3,,no activity recorded in the period",
    );
    expect(reportCsv.attainment(rows).split("\r\n")[0]).toBe(
      "subject_kind,subject,metric,unit,period,target,target_source,actual,attainment,expected_by_now,pace,reached,gap,objective_ids",
    );
  });

  it("have bookings that add up to the won value in the range, whatever the split", () => {
    const deal = fc.record({
      state: fc.constantFrom("open", "won", "lost"),
      ownerId: fc.constantFrom("a", "b", undefined),
      products: fc.subarray(["x", "y", "z"]),
      value: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
      closedAt: fc.integer({ min: Date.parse("2026-01-01"), max: Date.parse("2027-01-01") }),
    });
    fc.assert(
      fc.property(fc.array(deal, { maxLength: 40 }), (input) => {
        const deals = input.map((d, i) => ({
          id: `d${String(i).padStart(3, "0")}`,
          pipelineId: "p",
          stageId: d.state,
          state: d.state as "open" | "won" | "lost",
          ownerId: d.ownerId,
          source: undefined,
          territory: undefined,
          products: d.products,
          value: d.value,
          expectedCloseDate: undefined,
          createdAt: d.closedAt - 1,
          updatedAt: d.closedAt,
          closedAt: d.state === "open" ? undefined : d.closedAt,
        }));
        const data = {
          deals,
          stays: new Map(),
          pipelines: new Map(),
          teams: new Map(),
          tasks: new Map(),
          firstMeetings: new Map(),
        };
        const range = { from: "2026-03-01T00:00:00Z", to: "2026-10-01T00:00:00Z" };
        const inRange = deals.filter(
          (d) =>
            d.state === "won" &&
            d.closedAt! >= Date.parse(range.from) &&
            d.closedAt! < Date.parse(range.to),
        );
        const expected = inRange.reduce((sum, d) => sum + (d.value ?? 0), 0);
        for (const dimension of [undefined, "rep", "team"] as const) {
          const rows = bookingsReport(data, {
            range,
            timezone: "Europe/Paris",
            ...(dimension === undefined ? {} : { dimension }),
          });
          expect(rows.reduce((sum, r) => sum + r.value, 0)).toBe(expected);
          expect(rows.reduce((sum, r) => sum + r.won, 0)).toBe(inRange.length);
          expect(new Set(rows.flatMap((r) => r.ids))).toEqual(new Set(inRange.map((d) => d.id)));
        }
        // Products overlap: each deal counts once per product, none without one.
        const byProduct = bookingsReport(data, {
          range,
          timezone: "Europe/Paris",
          dimension: "product",
        });
        expect(byProduct.reduce((sum, r) => sum + r.won, 0)).toBe(
          inRange.reduce((sum, d) => sum + Math.max(1, d.products.length), 0),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe("CSV presets", () => {
  it("write every report with its drill-down ids and nothing a spreadsheet would run", async () => {
    const { crm, env } = await memoryCrm();
    const ids = await salesStory(crm, env);
    const range = { from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z" };
    const funnel = reportCsv.funnel(await crm.reports.funnel({ pipelineId: "sales", range }));
    expect(funnel.split("\r\n").slice(0, 2)).toEqual([
      "pipeline,group,from,to,entered,reached,conversion,median_days_in_from,entered_ids,reached_ids",
      `sales,all,lead,qualified,4,3,0.75,3,${[ids.lostAfterQualified, ids.won, ids.lostAtLead, ids.open].sort().join(" ")},${[ids.lostAfterQualified, ids.won, ids.open].sort().join(" ")}`,
    ]);
    const pipeline = reportCsv.pipeline(
      await crm.reports.pipeline({ at: Date.parse("2026-05-25T00:00:00Z") }),
    );
    expect(pipeline.split("\r\n").filter((l) => l.includes(ids.open!))).toHaveLength(2);
    const performance = reportCsv.performance(
      await crm.reports.performance({ range, dimension: "rep" }),
    );
    expect(performance).toContain(`anna,2,1,1,0.5,300000,300000,0,19,12,${ids.won},`);
    const mrr = reportCsv.mrr(
      mrrReport(
        [{ id: "l", customerId: "=HYPERLINK(1)", mrr: 100, start: "2026-01-01" }],
        ["2026-01"],
      ),
    );
    expect(mrr).toContain("'=HYPERLINK(1)");
    for (const csv of [
      reportCsv.adoption(await crm.reports.adoption({ range })),
      reportCsv.coaching(await crm.reports.coaching({ pipelineId: "sales", range, top: 1 })),
      reportCsv.acquisition(await crm.reports.acquisition([{ source: "web", amount: 500 }], range)),
    ])
      expect(csv.split("\r\n").length).toBeGreaterThan(2);
  });
});
