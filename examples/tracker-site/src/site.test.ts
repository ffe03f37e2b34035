// The tracker demo in the system Chromium, as a visitor uses it: with the collector's default, a
// headless browser is dropped — and the panel says so instead of staying silent; with DROP_BOTS
// off, Ada browses, logs in, requests a demo and the panel says when she qualifies.
import type { Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../../bench/src/chromium.js";
import { startCollectorServer } from "../../collector-server/src/server.js";
import { screenshot } from "../../screenshots.js";
import { startSite } from "./serve.js";

let browser: Browser;
const servers: Server[] = [];

/** A collector and the site in front of it, on free loopback ports. */
async function demo(dropBots: boolean): Promise<string> {
  const collector = await startCollectorServer({ port: 0, dropBots, log: () => {} });
  const site = await startSite({ port: 0, collector: collector.url });
  servers.push(collector.server, site.server);
  return site.url;
}

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) server.close();
});

async function open(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await (
    await browser.newContext({ viewport: { width: 1100, height: 760 } })
  ).newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  await page.goto(url);
  return { page, problems };
}

describe("the tracker demo site", () => {
  it("says why a headless browser's visits do not count, instead of showing nothing", async () => {
    const { page, problems } = await open(`${await demo(true)}pricing`);
    const note = page.locator("#score [data-dropped]");
    await note.waitFor({ timeout: 30_000 });
    expect(await note.textContent()).toContain("automated browser");
    expect(await note.textContent()).toContain("DROP_BOTS=false");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("scores Ada's visits once she logs in, and says when she qualifies", async () => {
    const site = await demo(false);
    const { page, problems } = await open(site);
    await page.click("#login");
    await page.locator("#score strong", { hasText: "Ada's score" }).waitFor({ timeout: 30_000 });
    for (const path of ["pricing", "cases/acme", "demo"]) await page.goto(`${site}${path}`);
    await page.click("#demo button");
    const qualified = page.locator("#score [data-qualified]");
    await qualified.waitFor({ timeout: 30_000 });
    expect(await qualified.textContent()).toMatch(
      /^Ada qualified at \d\d:\d\d with 100 points: a sales-ready lead\.$/,
    );
    const lines = await page.locator("#score li").allTextContents();
    expect(lines.map((line) => line.replace(/^[\d.]+ — /, "")).sort()).toEqual([
      "Based in France",
      "Case study (/cases/acme)",
      "Demo request (/demo)",
      "Pricing page (/pricing)",
    ]);
    expect(await page.locator("#score [data-dropped]").count()).toBe(0);
    await screenshot(page, "tracker-site.png");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 90_000);
});
