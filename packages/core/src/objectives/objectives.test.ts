import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulate } from "../compensation/simulate.js";
import type { CompensationPlan } from "../compensation/types.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { rejection } from "../testing/rejection.js";
import { allocateBySegment } from "./allocation.js";
import type { ObjectiveAlertEvent } from "./types.js";

// The fixture's clock: 2026-05-15T10:00Z.
async function workspace() {
  const fixture = await memoryCrm({ timezone: "Europe/Paris" });
  const { crm } = fixture;
  await crm.teams.create({ id: "north", name: "North" });
  for (const id of ["anna", "marc", "sam"])
    await crm.users.create({
      id,
      name: id,
      role: "field",
      teamId: "north",
      timezone: "Europe/Paris",
    });
  await crm.pipelines.create({
    id: "sales",
    name: "Sales",
    stages: [
      { id: "lead", name: "Lead", probability: 10 },
      { id: "proposal", name: "Proposal", probability: 60 },
      { id: "won", name: "Won", kind: "won" },
      { id: "lost", name: "Lost", kind: "lost" },
    ],
  });
  const alerts: ObjectiveAlertEvent[] = [];
  crm.events.on("objective.alert", (event) => alerts.push(event));
  return { ...fixture, alerts };
}

describe("objectives", () => {
  it("split a yearly target by seasonality, exactly, and sum shorter periods", async () => {
    const { crm } = await workspace();
    await crm.objectives.set({
      subject: { kind: "user", id: "anna" },
      metric: { kind: "revenue" },
      period: "2026",
      target: 50_000_001,
      seasonality: [10, 20, 20, 50],
    });
    const q4 = await crm.objectives.targetFor(
      { kind: "user", id: "anna" },
      { kind: "revenue" },
      "2026-Q4",
    );
    expect(q4).toMatchObject({ source: "seasonality", target: 25_000_001 });
    let sum = 0;
    for (const month of ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"])
      sum += (await crm.objectives.targetFor(
        { kind: "user", id: "anna" },
        { kind: "revenue" },
        `2026-${month}`,
      ))!.target;
    expect(sum).toBe(50_000_001);
    for (const [q, target] of [
      ["Q1", 100],
      ["Q2", 100],
      ["Q3", 100],
      ["Q4", 200],
    ] as const)
      await crm.objectives.set({
        subject: { kind: "user", id: "marc" },
        metric: { kind: "calls" },
        period: `2026-${q}`,
        target,
      });
    expect(
      await crm.objectives.targetFor({ kind: "user", id: "marc" }, { kind: "calls" }, "2026"),
    ).toMatchObject({
      source: "sum",
      target: 500,
    });
    expect(
      await crm.objectives.targetFor({ kind: "team", id: "north" }, { kind: "calls" }, "2026-H2"),
    ).toMatchObject({
      source: "members",
      target: 300,
    });
    const bad = await rejection(
      crm.objectives.set({
        subject: { kind: "user", id: "anna" },
        metric: { kind: "conversionRate" },
        period: "2026",
        target: 30,
        seasonality: [1, 1, 1, 1],
      }),
    );
    expect(bad.details.path).toEqual(["seasonality"]);
    const odd = await rejection(
      crm.objectives.set({
        subject: { kind: "user", id: "anna" },
        metric: { kind: "revenue" },
        period: "2026",
        target: 1,
        seasonality: [1, 2, 3],
      }),
    );
    expect(odd.message).toContain("a year takes 2, 4, 12 weights");
  });

  it("measure actuals from deals and activities, and name the gaps", async () => {
    const { crm, env } = await workspace();
    const contact = await crm.contacts.create({ email: "a@acme.test" });
    const won = await crm.deals.create({
      title: "Acme",
      ownerId: "anna",
      contactId: contact.id,
      value: 1_200_000,
      pipelineId: "sales",
    });
    await crm.deals.move(won.id, "proposal");
    await crm.deals.win(won.id);
    const lost = await crm.deals.create({
      title: "Beta",
      ownerId: "anna",
      value: 500_000,
      pipelineId: "sales",
    });
    await crm.deals.lose(lost.id, "price");
    const novalue = await crm.deals.create({
      title: "Gamma",
      ownerId: "marc",
      pipelineId: "sales",
    });
    await crm.deals.win(novalue.id);
    await crm.activities.create({
      type: "meeting",
      ownerId: "anna",
      startAt: "2026-05-12T08:00:00Z",
      status: "done",
    });
    await crm.activities.create({
      type: "visit",
      ownerId: "anna",
      startAt: "2026-05-13T08:00:00Z",
      status: "done",
    });
    await crm.activities.create({
      type: "call",
      ownerId: "anna",
      startAt: "2026-05-14T08:00:00Z",
      status: "done",
    });
    await crm.activities.create({
      type: "meeting",
      ownerId: "anna",
      startAt: "2026-05-20T08:00:00Z",
    });
    await crm.objectives.set({
      subject: { kind: "user", id: "anna" },
      metric: { kind: "revenue" },
      period: "2026-Q2",
      target: 2_000_000,
    });
    env.set("2026-07-01T00:00:00Z");
    const actuals = await crm.objectives.actuals({
      period: "2026-Q2",
      metrics: [
        { kind: "revenue" },
        { kind: "dealsWon" },
        { kind: "conversionRate" },
        { kind: "meetingsHeld" },
        { kind: "calls" },
        { kind: "proposalsSent" },
        { kind: "newCustomers" },
        { kind: "margin" },
      ],
    });
    const anna = actuals.reps.find((r) => r.repId === "anna")!;
    expect(anna.values).toEqual({
      revenue: 1_200_000,
      dealsWon: 1,
      conversionRate: 50,
      meetingsHeld: 2,
      calls: 1,
      proposalsSent: 1,
      newCustomers: 1,
      margin: null,
    });
    expect(anna.targets).toEqual({ revenue: 2_000_000 });
    const marc = actuals.reps.find((r) => r.repId === "marc")!;
    expect(marc.values.revenue).toBeNull();
    expect(marc.gaps.revenue).toBe(`1 won deal(s) have no value (${novalue.id})`);
    expect(marc.gaps.meetingsHeld).toBe("no activity recorded in the period");
    const sam = actuals.reps.find((r) => r.repId === "sam")!;
    expect(sam.gaps.revenue).toBe("no deal owned in the period");
    // Simulating on these figures pays Anna and lists the others' gaps.
    const plan: CompensationPlan = {
      id: "q",
      name: "Q",
      version: 1,
      currency: "EUR",
      criteria: [
        {
          id: "rev",
          metric: { kind: "revenue" },
          weight: 80,
          target: { source: "objective" },
          curve: { tiers: [{ from: 0, rate: 1 }], cap: 150 },
        },
        {
          id: "meet",
          metric: { kind: "meetingsHeld" },
          weight: 20,
          target: { source: "fixed", value: 4 },
          curve: { tiers: [{ from: 0, rate: 1 }], cap: 150 },
        },
      ],
      reps: ["anna", "marc", "sam"].map((repId) => ({ repId, onTargetPay: 400_000 })),
    };
    const result = simulate(plan, await crm.compensation.actuals(plan, "2026-Q2"), "2026-Q2");
    // A quarter of 400,000: 80,000 × 60 % + 20,000 × 50 %.
    expect(result.reps[0]).toMatchObject({ repId: "anna", payout: 58_000, complete: true });
    expect(result.gaps.map((g) => `${g.repId}:${g.criterionId}`)).toEqual([
      "marc:rev",
      "marc:meet",
      "sam:rev",
      "sam:meet",
    ]);
  });

  it("report progress to date against seasonality and alert once at 50, 90 and 100 %", async () => {
    const { crm, env, alerts } = await workspace();
    await crm.objectives.set({
      subject: { kind: "user", id: "sam" },
      metric: { kind: "calls" },
      period: "2026-05",
      target: 10,
    });
    for (let i = 0; i < 5; i++)
      await crm.activities.create({
        type: "call",
        ownerId: "sam",
        startAt: `2026-05-0${i + 1}T08:00:00Z`,
        status: "done",
      });
    const [progress] = await crm.objectives.progress("2026-05", { at: "2026-05-16T22:00:00Z" });
    expect(progress).toMatchObject({ actual: 5, attainment: 50, reached: [50], next: 90 });
    // 16 of May's 31 days are over in Paris.
    expect(progress!.expectedByNow).toBeCloseTo((10 * 16) / 31, 9);
    await crm.objectives.checkAlerts("2026-05", { at: "2026-05-16T22:00:00Z" });
    await crm.objectives.checkAlerts("2026-05", { at: "2026-05-16T22:00:00Z" });
    expect(alerts.map((a) => a.threshold)).toEqual([50]);
    for (let i = 0; i < 5; i++)
      await crm.activities.create({
        type: "call",
        ownerId: "sam",
        startAt: `2026-05-1${i}T08:00:00Z`,
        status: "done",
      });
    env.set("2026-05-20T00:00:00Z");
    await crm.objectives.checkAlerts("2026-05");
    expect(alerts.map((a) => a.threshold)).toEqual([50, 90, 100]);
  });

  it("plan intensity per segment and measure coverage and pressure", async () => {
    const { crm } = await workspace();
    await crm.segments.create({
      id: "smb",
      name: "SMB",
      target: "account",
      query: { field: "status", op: "eq", value: "prospect" } as never,
    });
    const accounts = [];
    for (let i = 0; i < 4; i++)
      accounts.push(
        await crm.accounts.create({ name: `Acc ${i}`, ownerId: i < 3 ? "anna" : "marc" }),
      );
    const contact = await crm.contacts.create({ email: "x@acc0.test", accountId: accounts[0]!.id });
    await crm.activities.create({
      type: "call",
      ownerId: "anna",
      contactId: contact.id,
      startAt: "2026-05-04T08:00:00Z",
      status: "done",
    });
    await crm.activities.create({
      type: "call",
      ownerId: "anna",
      accountId: accounts[1]!.id,
      startAt: "2026-05-05T08:00:00Z",
      status: "done",
    });
    await crm.activities.create({
      type: "demo",
      ownerId: "anna",
      accountId: accounts[1]!.id,
      startAt: "2026-05-06T08:00:00Z",
      status: "done",
    });
    await crm.activities.create({
      type: "meeting",
      ownerId: "anna",
      accountId: accounts[2]!.id,
      startAt: "2026-06-06T08:00:00Z",
    });
    const lines = await crm.objectives.intensity({
      period: "2026-Q2",
      rules: [{ segmentId: "smb", perYear: { call: 8, meeting: 4 } }],
    });
    expect(lines).toEqual([
      {
        repId: "anna",
        segmentId: "smb",
        portfolio: 3,
        planned: { call: 6, meeting: 3 },
        done: { call: 2, meeting: 1 },
        booked: { call: 0, meeting: 1 },
        worked: 2,
        coverage: 66.67,
        pressure: 1,
        plannedPressure: 3,
      },
      {
        repId: "marc",
        segmentId: "smb",
        portfolio: 1,
        planned: { call: 2, meeting: 1 },
        done: { call: 0, meeting: 0 },
        booked: { call: 0, meeting: 0 },
        worked: 0,
        coverage: 0,
        pressure: 0,
        plannedPressure: 3,
      },
    ]);
  });
});

describe("allocateBySegment", () => {
  it("translates a 35/25 company split proportionally or by specialisation", () => {
    const proportional = allocateBySegment({
      total: 100_000_000,
      shares: { a: 35, b: 25 },
      mode: "proportional",
      reps: [{ repId: "anna" }, { repId: "marc" }],
    });
    expect(proportional.reps[0]!.bySegment).toEqual({
      a: 17_500_000,
      b: 12_500_000,
      other: 20_000_000,
    });
    const specialised = allocateBySegment({
      total: 100_000_000,
      shares: { a: 35, b: 25 },
      mode: "specialised",
      reps: [
        { repId: "anna", specialisation: "a" },
        { repId: "marc", specialisation: "b" },
        { repId: "sam" },
      ],
    });
    expect(specialised.reps.map((r) => r.total)).toEqual([35_000_000, 25_000_000, 40_000_000]);
    expect(specialised.reps[0]!.bySegment).toEqual({ a: 35_000_000, b: 0, other: 0 });
    expect(specialised.unallocated).toEqual({ total: 0, bySegment: {} });
  });

  it("refuses a share nobody carries, or leaves it unallocated and says how much, when asked", () => {
    const specialists = {
      total: 100_000_000,
      shares: { a: 35, b: 25 },
      mode: "specialised" as const,
      reps: [
        { repId: "anna", specialisation: "a" },
        { repId: "marc", specialisation: "b" },
      ],
    };
    expect(() => allocateBySegment(specialists)).toThrow(/Nobody carries other/);
    const left = allocateBySegment({ ...specialists, uncovered: "unallocated" });
    expect(left.unallocated).toEqual({ total: 40_000_000, bySegment: { other: 40_000_000 } });
    expect(left.reps.map((r) => r.total)).toEqual([35_000_000, 25_000_000]);
    expect(left.segments.other).toBe(40_000_000);
  });

  it("keeps every row and column summing exactly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e11 }),
        fc.array(fc.integer({ min: 0, max: 33 }), { minLength: 1, maxLength: 3 }),
        fc.array(
          fc.record({
            weight: fc.integer({ min: 1, max: 100 }),
            spec: fc.integer({ min: -1, max: 2 }),
          }),
          {
            minLength: 1,
            maxLength: 9,
          },
        ),
        fc.boolean(),
        fc.boolean(),
        (total, shares, reps, proportional, withGeneralist) => {
          const names = shares.map((_, i) => `s${i}`);
          const input = {
            total,
            shares: Object.fromEntries(names.map((n, i) => [n, shares[i]!])),
            mode: proportional ? ("proportional" as const) : ("specialised" as const),
            reps: [
              ...reps.map((r, i) => ({
                repId: `r${i}`,
                weight: r.weight,
                ...(r.spec >= 0 && r.spec < names.length ? { specialisation: names[r.spec]! } : {}),
              })),
              ...(withGeneralist ? [{ repId: "generalist" }] : []),
            ],
            uncovered: "unallocated" as const,
          };
          const result = allocateBySegment(input);
          const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
          const left = result.unallocated.bySegment;
          expect(sum(Object.values(result.segments))).toBe(total);
          expect(sum(result.reps.map((r) => r.total)) + result.unallocated.total).toBe(total);
          if (withGeneralist) expect(result.unallocated.total).toBe(0);
          for (const rep of result.reps) expect(sum(Object.values(rep.bySegment))).toBe(rep.total);
          for (const [segment, amount] of Object.entries(result.segments))
            expect(sum(result.reps.map((r) => r.bySegment[segment]!)) + (left[segment] ?? 0)).toBe(
              amount,
            );
          for (const rep of result.reps)
            for (const part of Object.values(rep.bySegment)) expect(part).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
