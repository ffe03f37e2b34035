// The HTML report, opened in the system Chromium: its charts render and show the replay's figures.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../../bench/src/chromium.js";
import { screenshot } from "../../screenshots.js";
import { type Replay, replay } from "./replay.js";
import { renderReport, valueScale } from "./report.js";
import { generateYear } from "./year.js";

let browser: Browser;
let result: Replay;
let url: string;

beforeAll(async () => {
  result = await replay(await generateYear());
  const folder = mkdtempSync(join(tmpdir(), "crmkit-report-"));
  const file = join(folder, "report.html");
  writeFileSync(file, renderReport(result.comparison, result.outlook));
  url = pathToFileURL(file).href;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe("the charts' value scale", () => {
  it("ticks at round values from zero to at least the largest value, whole ones for counts", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e9, noNaN: true })),
        fc.boolean(),
        (largest, integer) => {
          const { y, ticks } = valueScale(largest, [200, 0], integer);
          expect(ticks[0]).toBe(0);
          expect(ticks.length).toBeGreaterThanOrEqual(2);
          expect(ticks.length).toBeLessThanOrEqual(11);
          expect(ticks.at(-1)!).toBeGreaterThanOrEqual(integer ? Math.min(largest, 1) : largest);
          const step = ticks[1]! - ticks[0]!;
          const magnitude = 10 ** Math.floor(Math.log10(step));
          expect([1, 2, 5, 10]).toContain(Math.round((step / magnitude) * 1e9) / 1e9);
          if (integer) expect(ticks.every(Number.isInteger)).toBe(true);
          expect(y(0)).toBe(200);
          expect(y(largest)).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("the compensation report", () => {
  it("renders its three charts with the replay's figures, and lists the gap instead of a zero", async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    const problems: string[] = [];
    page.on("console", (message) => problems.push(message.text()));
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(url);
    expect(await page.locator("figure[data-chart] svg").count()).toBe(3);

    const { comparison, outlook } = result;
    const bars = await page.locator('figure[data-chart="pay"] rect').evaluateAll((rects) =>
      rects.map((rect) => ({
        series: rect.getAttribute("data-series"),
        key: rect.getAttribute("data-key"),
        value: Number(rect.getAttribute("data-value")),
        height: rect.getBoundingClientRect().height,
      })),
    );
    for (const rep of comparison.reps) {
      for (const series of ["current", "proposed"] as const) {
        const bar = bars.find((b) => b.key === rep.repId && b.series === series);
        if (rep[series] === null) expect(bar).toBeUndefined();
        else {
          expect(bar?.value).toBeCloseTo(rep[series]! / 100, 6);
          expect(bar!.height).toBeGreaterThan(0); // drawn, not only present in the markup
        }
      }
    }
    // The rep with no activity logged has no proposed pay: shown as n/a and listed as a gap.
    expect(await page.locator('figure[data-chart="pay"] [data-missing="zoe"]').count()).toBe(1);
    expect(await page.locator('[data-gaps] li[data-gap="zoe"]').textContent()).toContain(
      "no activity recorded in the period",
    );

    const attainment = await page
      .locator('figure[data-chart="attainment"] rect')
      .evaluateAll((rects) =>
        rects.map((r) => [r.getAttribute("data-key"), Number(r.getAttribute("data-value"))]),
      );
    expect(Object.fromEntries(attainment)).toEqual(
      Object.fromEntries(
        comparison.proposed.reps
          .filter((r) => r.attainment !== null)
          .map((r) => [r.repId, r.attainment]),
      ),
    );
    const histogram = await page
      .locator('figure[data-chart="distribution"] rect[data-series="proposed"]')
      .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("data-value"))));
    expect(histogram.reduce((a, b) => a + b, 0)).toBe(comparison.proposed.team.complete);

    const summary = await page.locator("[data-summary]").textContent();
    expect(summary).toContain(`${comparison.proposed.team.atTargetShare!.toFixed(1)} %`);
    expect(await page.locator("[data-monte-carlo]").textContent()).toContain(
      `${outlook.expectedShareAtTarget.toFixed(1)} %`,
    );
    expect(await page.locator("[data-reps] tr[data-rep]").count()).toBe(12);

    // Axes a manager can read: round ticks in the chart's unit, from zero past the largest bar,
    // the target on a tick, whole reps, and each axis titled.
    const ticks = async (chart: string) =>
      page
        .locator(`figure[data-chart="${chart}"] [data-tick]`)
        .evaluateAll((texts) =>
          texts.map((t) => [Number(t.getAttribute("data-tick")), t.textContent] as const),
        );
    const pay = await ticks("pay");
    expect(pay[0]).toEqual([0, "€0"]);
    for (const [value, text] of pay) {
      expect(value % 5_000).toBe(0);
      expect(text).toBe(`€${value.toLocaleString("en-US")}`);
    }
    const highestPay = Math.max(...bars.map((b) => b.value));
    expect(pay.at(-1)![0]).toBeGreaterThanOrEqual(highestPay);
    expect(pay.at(-1)![0]).toBeLessThan(highestPay + 5_000);
    const attainmentTicks = (await ticks("attainment")).map(([value]) => value);
    expect(attainmentTicks).toContain(100);
    for (const value of attainmentTicks) expect(value % 20).toBe(0);
    const repTicks = (await ticks("distribution")).map(([value]) => value);
    expect(repTicks.every(Number.isInteger)).toBe(true);
    expect(
      await page.locator("[data-axis-title]").evaluateAll((t) => t.map((e) => e.textContent)),
    ).toEqual(["EUR a year", "% of target", "reps"]);
    await screenshot(page, "compensation-report.png");
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
