// The blocks that need a browser, run in real Chromium as written: the tracker guide's script tag
// and queue stub on a page, its `createTracker` block bundled as a site's bundler would, and the
// IndexedDB package's README on a real origin. Pages and the collector's host are answered by
// Playwright's request interception, so the guides' own URLs (https://collect.example.com) are
// used unchanged and nothing leaves the machine.
import { readFile } from "node:fs/promises";
import { build } from "esbuild";
import type { Browser, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Shared test support, read by path as the other packages' tests do.
import { launchChromium } from "../../bench/src/chromium.js";
import { blocksOf, compile, expectedOutput, programOf } from "./markdown.js";

const snippet = new URL("../../packages/tracker/dist/crmkit.js", import.meta.url);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A file's program, type-checked, then bundled for the browser as a site's bundler would. */
async function bundled(file: string): Promise<{ code: string; printed: string[] }> {
  const source = await programOf(file);
  const { file: program, problems } = await compile(file.replace(/[^a-z]+/gi, "-"), source);
  expect(problems).toEqual([]);
  const result = await build({
    entryPoints: [program],
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    conditions: ["@crmkit/source"],
    write: false,
    logLevel: "error",
  });
  return { code: result.outputFiles[0]!.text, printed: expectedOutput(source) };
}

/** The routes of a page at `path` that loads a bundle as its module script. */
function moduleApp(path: string, code: string): Record<string, { type: string; body: string }> {
  return {
    [path]: {
      type: "text/html",
      body: '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>',
    },
    "/app.js": { type: "text/javascript", body: code },
  };
}

/** A page at `origin` whose routes answer with the given bodies; hits to the collector recorded. */
async function open(origin: string, routes: Record<string, { type: string; body: string }>) {
  const context = await browser.newContext();
  const hits: Record<string, unknown>[] = [];
  const printed: string[] = [];
  const failures: string[] = [];
  await context.route("https://collect.example.com/**", async (route: Route) => {
    const url = new URL(route.request().url());
    if (url.pathname === "/crmkit.js")
      return route.fulfill({
        contentType: "text/javascript",
        body: await readFile(snippet, "utf8"),
      });
    hits.push(JSON.parse(route.request().postData() ?? "null") as Record<string, unknown>);
    return route.fulfill({
      status: 202,
      contentType: "application/json",
      headers: { "access-control-allow-origin": origin },
      body: '{"accepted":1}',
    });
  });
  await context.route(`${origin}/**`, (route: Route) => {
    const answer = routes[new URL(route.request().url()).pathname];
    return answer === undefined
      ? route.fulfill({ status: 404, body: "" })
      : route.fulfill({ contentType: answer.type, body: answer.body });
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "log") printed.push(message.text());
    if (message.type() === "error") failures.push(message.text());
  });
  page.on("pageerror", (error) => failures.push(error.message));
  return { context, page, hits, printed, failures };
}

describe("the tracker guide, in Chromium", () => {
  it("the queue stub and the script tag, as written, replay the queued event, then send the page", async () => {
    const [tag, stub] = await blocksOf("docs/tracker.md", "html");
    expect(tag).toContain('data-site="pk_example"');
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
${stub}<script>crmkit("event", "newsletter.viewed")</script>
${tag}</head><body><h1>Pricing</h1></body></html>`;
    const { context, page, hits, failures } = await open("https://shop.example", {
      "/pricing": { type: "text/html", body: html },
    });
    try {
      await page.goto("https://shop.example/pricing");
      // "the script replays the calls in order, before its first pageview"
      await expect
        .poll(() => hits.map((hit) => hit.type), { timeout: 20_000 })
        .toEqual(["event", "pageview"]);
      expect(hits[0]).toMatchObject({ site: "pk_example", name: "newsletter.viewed" });
      expect(hits[1]).toMatchObject({ site: "pk_example", url: "https://shop.example/pricing" });
      expect(failures).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("the bundler block, as written, sends its pageview and its form event", async () => {
    const { code } = await bundled("docs/tracker.md");
    const { context, page, hits, failures } = await open(
      "https://shop.example",
      moduleApp("/demo", code),
    );
    try {
      await page.goto("https://shop.example/demo");
      await expect
        .poll(() => hits.map((hit) => hit.type).sort(), { timeout: 20_000 })
        .toEqual(["event", "pageview"]);
      expect(hits.find((hit) => hit.type === "event")).toMatchObject({
        site: "pk_example",
        name: "form.submitted",
        props: { form: "demo" },
      });
      expect(hits.find((hit) => hit.type === "pageview")).toMatchObject({
        url: "https://shop.example/demo",
      });
      expect(failures).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("the IndexedDB package's README, in Chromium", () => {
  it("runs on a real origin and prints what it says", async () => {
    const { code, printed: expected } = await bundled("packages/storage-indexeddb/README.md");
    const { context, page, printed, failures } = await open(
      "https://app.example",
      moduleApp("/", code),
    );
    try {
      await page.goto("https://app.example/");
      await expect.poll(() => printed.length, { timeout: 20_000 }).toBe(expected.length);
      expect(printed).toEqual(expected);
      expect(failures).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
