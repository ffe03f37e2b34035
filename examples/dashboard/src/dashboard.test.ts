// The dashboard in the system Chromium: the page generates its year into IndexedDB, reads it through
// crmkit's reports and draws it. The same year generated here on the memory store gives the core's
// reports, and every figure on the page must be theirs.
import type { Server } from "node:http";
import { type Crm, createCrm, createTestEnvironment, crmStorageSchema } from "@crmkit/core";
import { mrrReport } from "@crmkit/core/reports";
import { openMemoryStorage } from "@crmkit/storage-memory";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../../bench/src/chromium.js";
import { screenshot } from "../../screenshots.js";
import { billingLines, type DashboardFigures, dashboardFigures } from "./figures.js";
import { asOf, generateYear, reps, timezone } from "./generate.js";
import { contentSecurityPolicy, startServer } from "./serve.js";

let browser: Browser;
let server: Server;
let page: Page;
let crm: Crm;
const problems: string[] = [];
const at = Date.parse(asOf);
const months = Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}`);

beforeAll(async () => {
  const started = await startServer({ fromSource: true });
  server = started.server;
  browser = await launchChromium();
  // A context of its own, so a second tab shares the first one's IndexedDB and localStorage.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on("console", (message) => problems.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(error.message));
  // A strict CSP blocks eval silently in the console but tells the page: collect what it says.
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.assign(globalThis, { cspViolations: seen });
    addEventListener("securitypolicyviolation", (event) =>
      seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`),
    );
  });
  await page.goto(started.url);

  // Meanwhile, the same year on the memory store.
  const environment = createTestEnvironment({ now: asOf, seed: 2026 });
  crm = await createCrm({
    storage: await openMemoryStorage({ schema: crmStorageSchema }),
    environment,
    timezone,
  });
  await generateYear(crm, environment);
  environment.set(asOf);
  await page.waitForSelector("#app[data-ready], #app[data-failed]", { timeout: 240_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** Each drawn rect of a chart as (key, series) → value, with its drawn height. */
async function bars(chart: string) {
  const rects = await page.locator(`[data-chart="${chart}"] svg rect`).evaluateAll((nodes) =>
    nodes.map((n) => ({
      key: n.getAttribute("data-key")!,
      series: n.getAttribute("data-series")!,
      value: Number(n.getAttribute("data-value")),
      height: n.getBoundingClientRect().height,
    })),
  );
  for (const rect of rects) if (rect.value !== 0) expect(rect.height).toBeGreaterThan(0);
  return new Map(rects.map((r) => [`${r.key}|${r.series}`, r.value]));
}

describe("the dashboard", () => {
  it("runs in the page on IndexedDB under a strict CSP, with the same figures as the memory store", async () => {
    expect(await page.getAttribute("#app", "data-failed")).toBeNull();
    expect(await page.getAttribute("#app", "data-generated-ms")).not.toBeNull();
    expect(contentSecurityPolicy).not.toContain("unsafe");
    expect(await page.evaluate("globalThis.cspViolations")).toEqual([]);
    const shown = (await page.evaluate("globalThis.crmkitDashboard")) as DashboardFigures;
    expect(shown).toEqual(JSON.parse(JSON.stringify(await dashboardFigures(crm))));
  }, 60_000);

  it("shows the core's funnel, pipeline by month and forecast against actual", async () => {
    const year = { from: "2026-01-01T00:00:00+01:00", to: asOf };
    const [all] = (await crm.reports.funnel({ pipelineId: "sales", range: year })).groups;
    const steps = await page.locator("[data-step]").evaluateAll((nodes) =>
      nodes.map((n) => ({
        from: n.getAttribute("data-step"),
        entered: Number(n.getAttribute("data-entered")),
        reached: Number(n.getAttribute("data-reached")),
        text: n.textContent,
      })),
    );
    expect(steps.map((s) => [s.from, s.entered, s.reached])).toEqual(
      all!.steps.map((s) => [s.from, s.entered, s.reached]),
    );
    for (const [i, step] of all!.steps.entries())
      expect(steps[i]!.text).toContain(
        `${step.reached} of ${step.entered} · ${(step.conversion! * 100).toFixed(1)} %`,
      );
    // A deal lost after stage 2 still counts in stage 1 → 2: the first cohort is all that entered.
    expect(all!.steps[0]!.entered).toBeGreaterThan(all!.steps[0]!.reached);
    // A team's stages take their own time: a lead is called within days, a proposal waits weeks.
    const medians = all!.stageTimes.map((t) => t.medianDays);
    expect(new Set(medians).size).toBe(medians.length);
    for (const time of all!.stageTimes)
      if (time.medianDays !== null)
        expect(steps.find((step) => step.from === time.stageId)?.text).toContain(
          `median ${time.medianDays.toFixed(1)} d`,
        );

    const open = (await crm.reports.pipeline({ at, pipelineId: "sales" })).byCloseMonth;
    const pipelineBars = await bars("pipeline");
    expect(pipelineBars.size).toBe(open.length * 2);
    for (const row of open) {
      expect(pipelineBars.get(`${row.key}|value`)).toBe(row.value);
      expect(pipelineBars.get(`${row.key}|weighted`)).toBe(row.weightedValue);
    }

    // Axes a manager reads: titled, round ticks (whole thousands of euros), months with their year.
    for (const chart of ["pipeline", "forecast", "mrr"]) {
      const ticks = await page
        .locator(`[data-chart="${chart}"] [data-tick]`)
        .evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute("data-tick"))));
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks).toContain(0);
      const step = ticks[1]! - ticks[0]!;
      expect(step % 100_000).toBe(0); // a multiple of €1,000
      const magnitude = 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 5]).toContain(step / magnitude);
      expect(await page.locator(`[data-chart="${chart}"] [data-axis-title]`).textContent()).toMatch(
        /^EUR/,
      );
    }
    const highest = Math.max(...open.map((row) => row.value));
    const pipelineTicks = await page
      .locator('[data-chart="pipeline"] [data-tick]')
      .evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute("data-tick"))));
    expect(Math.max(...pipelineTicks)).toBeGreaterThanOrEqual(highest);
    expect(await page.locator('[data-chart="pipeline"] [data-value-label]').count()).toBe(
      open.length * 2,
    );
    const monthLabels = await page
      .locator(
        '[data-chart="pipeline"] svg > text:not([data-tick]):not([data-value-label]):not([data-axis-title])',
      )
      .allTextContents();
    for (const label of monthLabels) expect(label).toMatch(/^([A-Z][a-z]+ 20\d\d|undated)$/);

    const forecastBars = await bars("forecast");
    for (const month of months) {
      const [snapshot] = await crm.reports.forecasts(month);
      const total = (await crm.reports.forecastAccuracy(snapshot!.id)).find(
        (l) => l.level === "total",
      )!;
      expect(forecastBars.get(`${month}|forecast`)).toBe(snapshot!.total);
      expect(forecastBars.get(`${month}|actual`)).toBe(total.actual);
      if (month < "2026-11" && total.absolutePercentageError !== null) {
        expect(
          await page.locator(`[data-chart="forecast"] tr[data-month="${month}"]`).textContent(),
        ).toContain(`${total.absolutePercentageError.toFixed(1)} %`);
      }
    }
  }, 60_000);

  it("shows each rep's attainment, the MRR movements and the week's agenda in the types' colours", async () => {
    const revenue = (await crm.reports.attainment("2026", { at })).filter(
      (r) => r.metric === "revenue",
    );
    const meetings = await crm.reports.attainment("2026-Q4", { at });
    expect(revenue).toHaveLength(reps.length);
    for (const row of revenue) {
      const cell = page.locator(`tr[data-rep="${row.subjectId}"] [data-attainment]`);
      expect(Number(await cell.getAttribute("data-attainment"))).toBe(row.attainment);
      expect(await cell.textContent()).toContain(`${row.attainment!.toFixed(0)} %`);
      const perWeek = meetings.find((m) => m.subjectId === row.subjectId)!;
      expect(
        Number(
          await page
            .locator(`tr[data-rep="${row.subjectId}"] [data-meetings]`)
            .getAttribute("data-meetings"),
        ),
      ).toBe(perWeek.actual);
    }

    const mrr = mrrReport(await billingLines(crm), months);
    const mrrBars = await bars("mrr");
    for (const m of mrr) {
      expect(mrrBars.get(`${m.month}|new`)).toBe(m.new);
      expect(mrrBars.get(`${m.month}|churn`)).toBe(m.churn);
      expect(mrrBars.get(`${m.month}|contraction`)).toBe(m.contraction);
      // Drawn movements add up to the change in MRR (contraction and churn are negative).
      const drawn = ["new", "expansion", "reactivation", "contraction", "churn"].map(
        (series) => mrrBars.get(`${m.month}|${series}`)!,
      );
      expect(drawn.reduce((a, b) => a + b, 0)).toBe(m.closing - m.opening);
      expect(
        Number(
          await page
            .locator(`tr[data-month="${m.month}"][data-closing]`)
            .getAttribute("data-closing"),
        ),
      ).toBe(m.closing);
    }
    expect(mrr.some((m) => m.churn < 0)).toBe(true);

    const agenda = await crm.activities.agenda(
      reps.map((r) => r.id),
      { week: "2026-11-18" },
    );
    const colours = new Map((await crm.actionTypes.list()).map((t) => [t.id, t.colour]));
    const entries = await page.locator("[data-activity]").evaluateAll((nodes) =>
      nodes.map((n) => ({
        id: n.getAttribute("data-activity"),
        type: n.getAttribute("data-type")!,
        background: getComputedStyle(n).backgroundColor,
      })),
    );
    expect(entries.map((e) => e.id).sort()).toEqual(agenda.map((e) => e.activity.id).sort());
    const rgb = (hex: string) =>
      `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;
    for (const entry of entries) expect(entry.background).toBe(rgb(colours.get(entry.type)!));
    expect(new Set(entries.map((e) => e.type)).size).toBeGreaterThanOrEqual(5);
    // Each entry says what and with whom, and nobody is booked twice at once.
    const texts = await page.locator("[data-activity]").allTextContents();
    for (const text of texts)
      expect(text).toMatch(/^\d\d:\d\d [A-Za-z -]+ · [A-Z][a-z]+ [A-Z][a-z]+/);
    for (const a of agenda)
      for (const b of agenda)
        if (a !== b && a.userId === b.userId)
          expect(
            a.activity.startAt! < b.activity.endAt! && b.activity.startAt! < a.activity.endAt!,
          ).toBe(false);
    // Nothing wider than the window: the agenda's long entries are cut, not the page widened.
    expect(await page.evaluate("document.documentElement.scrollWidth <= innerWidth")).toBe(true);
    // Each rep has the objectives their manager set, not one quota for all.
    const quotas = revenue.map((row) => row.target);
    expect(new Set(quotas).size).toBe(reps.length);

    await screenshot(page, "dashboard.png");
    expect(problems).toEqual([]);
  }, 60_000);

  it("reads the stored year in a second tab without generating it again", async () => {
    const second = await page.context().newPage();
    await second.goto(page.url());
    await second.waitForSelector("#app[data-ready], #app[data-failed]", { timeout: 60_000 });
    expect(await second.getAttribute("#app", "data-generated-ms")).toBeNull();
    expect(await second.evaluate("globalThis.crmkitDashboard")).toEqual(
      await page.evaluate("globalThis.crmkitDashboard"),
    );
    await second.close();
  }, 90_000);
});
