import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { memoryCrm } from "../testing/crm-fixture.js";
import { salesStory } from "../testing/report-scenario.js";
import { adoptionReport } from "./adoption.js";
import { coachingReport } from "./coaching.js";
import type { ReportData, ReportDeal, ReportStay } from "./data.js";
import { funnelReport } from "./funnel.js";
import { performanceReport } from "./performance.js";
import { StayColumnsBuilder } from "./stay-columns.js";
import { runOf, runsOfDeals, StaysView } from "./stays-view.js";

const stayArb = fc.record({
  dealId: fc.constantFrom("a", "b", "c", "d", "é", "B", "a1"),
  pipelineId: fc.constantFrom("p", "q"),
  stageId: fc.constantFrom("lead", "demo", "won", "p"),
  sequence: fc.integer({ min: 0, max: 5 }),
  enteredAt: fc.integer({ min: 0, max: 1e13 }),
  leftAt: fc.option(fc.integer({ min: 0, max: 1e13 }), { nil: undefined }),
});

/** The reference: group by deal, deals in id order, each deal's stays by sequence (stable). */
function grouped(stays: readonly ReportStay[]): [string, ReportStay[]][] {
  const byDeal = new Map<string, ReportStay[]>();
  for (const stay of stays) byDeal.set(stay.dealId, [...(byDeal.get(stay.dealId) ?? []), stay]);
  return [...byDeal.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, list]) => [id, [...list].sort((x, y) => x.sequence - y.sequence)]);
}

function columnsOf(stays: readonly ReportStay[], capacity: number) {
  const builder = new StayColumnsBuilder(capacity);
  for (const s of stays)
    builder.add(s.dealId, s.pipelineId, s.stageId, s.sequence, s.enteredAt, s.leftAt ?? Number.NaN);
  return builder.build();
}

describe("stay columns", () => {
  it("hold each deal's stays in one run, deals in id order, stays in sequence order, whatever order they came in", () => {
    fc.assert(
      fc.property(fc.array(stayArb, { maxLength: 60 }), fc.nat(100), (stays, capacity) => {
        const columns = columnsOf(stays, capacity);
        const view = new StaysView(columns);
        const expected = grouped(stays);
        expect([...view.entries()]).toEqual(expected);
        expect(view.size).toBe(expected.length);
        expect([...view.keys()]).toEqual(expected.map(([id]) => id));
        for (const [id, list] of expected) {
          expect(view.get(id)).toEqual(list);
          expect(view.has(id)).toBe(true);
        }
        expect(view.get("zz")).toBeUndefined();
        expect(view.has("0")).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("align runs with deals in any order", () => {
    fc.assert(
      fc.property(
        fc.array(stayArb, { maxLength: 40 }),
        fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e", "é", "B", "a1"), {
          maxLength: 8,
        }),
        (stays, dealIds) => {
          const columns = columnsOf(stays, 4);
          const deals = dealIds.map((id) => ({ id }) as ReportDeal);
          const runs = runsOfDeals(columns, deals);
          dealIds.forEach((id, d) => {
            expect(runs[d]).toBe(runOf(columns, id));
            expect(runs[d] === -1 ? undefined : columns.dealIds[runs[d]!]).toBe(
              stays.some((s) => s.dealId === id) ? id : undefined,
            );
          });
          // The same deals in id order take the walking path: same answers.
          const sorted = [...deals].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          const walked = runsOfDeals(columns, sorted);
          expect([...walked]).toEqual(sorted.map((deal) => runOf(columns, deal.id)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("loaded report data", () => {
  it("gives the same reports as the same stays in a plain map", async () => {
    const { crm, env } = await memoryCrm();
    await salesStory(crm, env);
    const loaded = await crm.reports.data();
    const plain: ReportData = { ...loaded, stays: new Map(loaded.stays) };
    expect(plain.stays.size).toBeGreaterThan(0);
    const range = { from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z" };
    for (const data of [loaded, plain]) expect(data.stays.get("no such deal")).toBeUndefined();
    const reports = (data: ReportData) => ({
      funnel: funnelReport(data, { pipelineId: "sales", range, dimension: "rep" }),
      performance: performanceReport(data, { range, askStages: ["qualified"] }),
      adoption: adoptionReport(data, { range }),
      coaching: coachingReport(data, { pipelineId: "sales", range }),
    });
    const fromColumns = reports(loaded);
    expect(fromColumns.funnel.groups.length).toBeGreaterThan(0);
    expect(fromColumns).toEqual(reports(plain));
  });
});
