// The script-tag build (dist/crmkit.js, as `pnpm build` leaves it) in real Chromium, against the
// real collector of @crmkit/core over HTTP. Pages are served from http://shop.test and the
// collector from http://collect.test (a host-resolver rule maps both to this machine), so every
// send is cross-origin, as on a real site.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Crm, createCrm, crmStorageSchema } from "@crmkit/core";
import { type CollectorHandler, createCollector, signIdentity } from "@crmkit/core/collector";
import type { StorageAdapter } from "@crmkit/core/storage";
import { openMemoryStorage } from "@crmkit/storage-memory";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
// Shared test support, read by path as the other packages' tests do (not part of any package).
import { launchChromium } from "../../../bench/src/chromium.js";
import { addNewBusinessPipeline, addReps } from "../../core/src/testing/pipeline-fixture.js";

const built = new URL("../dist/crmkit.js", import.meta.url);
const identitySecret = "test-identity-secret-0123456789abcdef";

/** A request that reached the collector's host. */
interface Logged {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly cookie: string | undefined;
  readonly body: string;
}

/** A hit as the snippet sent it (one per request). */
interface Sent {
  readonly site: string;
  readonly id: string;
  readonly type: string;
  readonly url: string;
  readonly ts: number;
  readonly vid?: string;
  readonly referrer?: string;
  readonly name?: string;
  readonly props?: Record<string, unknown>;
  readonly seconds?: number;
  readonly token?: string;
}

/** One test's world: a fresh workspace and collector, what reached it, and faults to inject. */
interface World {
  crm: Crm;
  storage: StorageAdapter;
  collect: CollectorHandler;
  log: Logged[];
  /** Answer the next n hit requests 500 after the collector stored them. */
  failAfterStoring: number;
  /** What a failing answer waits for before it is sent (to order it after the page's load). */
  failureGate: Promise<void>;
  /** Pages of the site by path; others get `page()`. */
  pages: Map<string, { html: string; headers?: Record<string, string> }>;
}

let snippet: string;
let browser: Browser;
let server: Server;
let port: number;
let world: World;
let context: BrowserContext;
const methodsSeen = new Set<string>();

const site = (path: string) => `http://shop.test:${port}${path}`;
const collector = () => `http://collect.test:${port}`;
const stub =
  "<script>window.crmkit=window.crmkit||function(){(crmkit.q=crmkit.q||[]).push(arguments)}</script>";

/** A page of the site with the snippet's tag (its `data-*` extended by `attrs`). */
function page(options: { attrs?: string; before?: string; body?: string } = {}): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${options.before ?? ""}
<script async src="${collector()}/crmkit.js" data-api="${collector()}/hits" data-site="pk_shop" ${options.attrs ?? ""}></script>
</head><body>${options.body ?? '<a id="pricing" href="/pricing">Pricing</a> <a id="case" href="/cases/acme">Acme</a>'}</body></html>`;
}

async function newWorld(options: { dropBots?: boolean } = {}): Promise<World> {
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({ storage });
  return {
    crm,
    storage,
    collect: createCollector({
      scoring: crm.scoring,
      sites: [{ key: "pk_shop", hostnames: ["shop.test"] }],
      visitorSecret: "test-visitor-secret-0123456789abcdef",
      identitySecret,
      // Headless Chromium says so in its user agent; the collector drops such hits by default.
      dropBots: options.dropBots ?? false,
      clientRateLimit: { burst: 1_000, perSecond: 1_000 },
    }),
    log: [],
    failAfterStoring: 0,
    failureGate: Promise.resolve(),
    pages: new Map(),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  try {
    snippet = readFileSync(built, "utf8");
  } catch {
    throw new Error("dist/crmkit.js is missing: run `pnpm build` before these tests.");
  }
  server = createServer(async (request, response): Promise<unknown> => {
    const host = (request.headers.host ?? "").split(":")[0];
    const url = new URL(request.url ?? "/", `http://${request.headers.host}`);
    if (host === "collect.test" && url.pathname === "/crmkit.js") {
      response.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-store" });
      return response.end(snippet);
    }
    if (host === "collect.test") {
      const body = await readBody(request);
      methodsSeen.add(request.method ?? "");
      world.log.push({
        method: request.method ?? "",
        path: url.pathname,
        contentType: request.headers["content-type"],
        cookie: request.headers.cookie,
        body,
      });
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === "string") headers.set(name, value);
      const answer = await world.collect(
        new Request(url, {
          method: request.method ?? "GET",
          headers,
          ...(body === "" ? {} : { body }),
        }),
        { ip: "203.0.113.7" },
      );
      const failed = request.method === "POST" && world.failAfterStoring > 0;
      if (failed) {
        world.failAfterStoring--;
        await world.failureGate;
      }
      response.writeHead(failed ? 500 : answer.status, Object.fromEntries(answer.headers));
      return response.end(failed ? "" : await answer.text());
    }
    if (host === "shop.test" && url.pathname === "/token") {
      const contactId = url.searchParams.get("contact") ?? "";
      response.writeHead(200, { "content-type": "text/plain" });
      return response.end(
        await signIdentity({ contactId, expiresAt: Date.now() + 600_000 }, identitySecret),
      );
    }
    const found = world.pages.get(url.pathname);
    response.writeHead(200, { "content-type": "text/html", ...found?.headers });
    return response.end(found?.html ?? page());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  browser = await launchChromium({ args: ["--host-resolver-rules=MAP *.test 127.0.0.1"] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  // Every send was a "simple" cross-origin request: not one CORS preflight in the whole file.
  expect([...methodsSeen].filter((method) => method !== "POST")).toEqual([]);
});

beforeEach(async () => {
  world = await newWorld();
  context = await browser.newContext();
});

afterEach(async () => {
  await context.close();
});

/**
 * The hits the collector's host received, in arrival order. Engagement hits depend on how long a
 * page stayed open (a slow machine lingers), so only the test about them counts them.
 */
const sent = (options: { engagement?: boolean } = {}): Sent[] =>
  world.log
    .filter((entry) => entry.method === "POST")
    .map((entry) => JSON.parse(entry.body) as Sent)
    .filter((hit) => options.engagement === true || hit.type !== "engagement");

/** Waits until exactly `count` hits arrived, and a little longer to be sure no more come. */
async function expectSent(count: number, options: { engagement?: boolean } = {}): Promise<Sent[]> {
  await expect.poll(() => sent(options).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(sent(options)).toHaveLength(count);
  return sent(options);
}

/** The hits the collector stored; engagement hits only when asked (see `sent`). */
async function storedHits(
  options: { engagement?: boolean } = {},
): Promise<{ id: string; type: string; url?: string }[]> {
  const all: { id: string; type: string; url?: string }[] = [];
  for await (const batch of world.storage.scan({ collection: "hits" }))
    all.push(...(batch as unknown as { id: string; type: string; url?: string }[]));
  return all.filter((hit) => options.engagement === true || hit.type !== "engagement");
}

async function open(path: string, options: { referer?: string } = {}): Promise<Page> {
  const tab = await context.newPage();
  await tab.goto(site(path), options);
  return tab;
}

const navigation = (hit: Sent) =>
  `${hit.type} ${new URL(hit.url).pathname}${new URL(hit.url).search}${new URL(hit.url).hash}`;

describe("the snippet in Chromium", { timeout: 30_000 }, () => {
  it("sends one pageview at load, with its referrer, as text/plain and without cookies", async () => {
    await context.addCookies([{ name: "session", value: "secret", url: collector() }]);
    const tab = await open("/?utm_source=newsletter", { referer: "https://news.example.org/a" });
    const referrer = await tab.evaluate(() => document.referrer);
    expect(referrer).not.toBe("");
    let [hit] = await expectSent(1);
    expect(hit).toEqual({
      site: "pk_shop",
      id: expect.stringMatching(/^\d{8,64}$/),
      type: "pageview",
      url: site("/?utm_source=newsletter"),
      referrer,
      ts: expect.any(Number),
    });
    expect(world.log[0]!.contentType).toBe("text/plain;charset=UTF-8");
    expect(world.log[0]!.cookie).toBeUndefined();
    // Following a link: the next page's pageview names the page it came from.
    await tab.click("#pricing");
    [, hit] = await expectSent(2);
    expect(hit).toMatchObject({ url: site("/pricing"), referrer: site("/?utm_source=newsletter") });
    expect((await storedHits()).map((stored) => stored.type)).toEqual(["pageview", "pageview"]);
  });

  it("counts pushState then back as three pageviews, in order", async () => {
    const tab = await open("/app");
    await expectSent(1);
    await tab.evaluate(() => history.pushState({}, "", "/app/step-2"));
    await expectSent(2);
    await tab.goBack();
    const hits = await expectSent(3);
    expect(hits.map(navigation)).toEqual([
      "pageview /app",
      "pageview /app/step-2",
      "pageview /app",
    ]);
  });

  it("ignores a pushState to the same URL and a replaceState of only the query", async () => {
    const tab = await open("/search?q=crm");
    await expectSent(1);
    await tab.evaluate(() => {
      history.pushState({}, "", "/search?q=crm");
      history.replaceState({}, "", "/search?q=crm&page=2");
      history.replaceState({}, "", "/search?q=crm&page=3");
    });
    await expectSent(1);
  });

  it("in hash mode, counts each hash route once (popstate and hashchange both fire)", async () => {
    world.pages.set("/spa", {
      html: page({ attrs: 'data-spa="hash"', body: '<a id="orders" href="#/orders">Orders</a>' }),
    });
    const tab = await open("/spa#/home");
    await expectSent(1);
    await tab.click("#orders");
    await tab.evaluate(() => {
      location.hash = "#/orders"; // the same route again
    });
    await tab.evaluate(() => {
      location.hash = "#/invoices";
    });
    const hits = await expectSent(3);
    expect(hits.map(navigation)).toEqual([
      "pageview /spa#/home",
      "pageview /spa#/orders",
      "pageview /spa#/invoices",
    ]);
  });

  it.each([
    ["Do Not Track", "doNotTrack", "1"],
    ["Global Privacy Control", "globalPrivacyControl", true],
  ])("sends nothing under %s, manual events included", async (_, property, value) => {
    await context.addInitScript(
      ([name, signal]) => Object.defineProperty(Navigator.prototype, name, { get: () => signal }),
      [property, value] as const,
    );
    const tab = await open("/");
    await tab.evaluate(() =>
      (window as unknown as { crmkit: (...a: unknown[]) => void }).crmkit("event", "manual"),
    );
    await expectSent(0);
  });

  it("sends nothing, manual events included, once the visitor opted out", async () => {
    const tab = await open("/");
    await expectSent(1);
    await tab.evaluate(() =>
      (window as unknown as { crmkit: (...a: unknown[]) => void }).crmkit("optout"),
    );
    await tab.evaluate(() =>
      (window as unknown as { crmkit: (...a: unknown[]) => void }).crmkit("event", "manual"),
    );
    await tab.reload();
    await tab.click("#pricing");
    await expectSent(1);
    expect(await tab.evaluate(() => ({ ...localStorage }))).toEqual({ crmkit_optout: "1" });
  });

  it("replays the calls queued before the script loaded, in order, consent first", async () => {
    world.pages.set("/queued", {
      html: page({
        before: `${stub}<script>crmkit("consent","granted");crmkit("event","first",{n:1});crmkit("event","second",{n:2})</script>`,
      }),
    });
    const issued: Sent[] = [];
    const tab = await context.newPage();
    tab.on("request", (request) => {
      if (request.method() === "POST") issued.push(JSON.parse(request.postData() ?? "{}") as Sent);
    });
    await tab.goto(site("/queued"));
    await expectSent(3);
    expect(issued.map((hit) => hit.name ?? hit.type)).toEqual(["first", "second", "pageview"]);
    const vid = await tab.evaluate(() => localStorage.getItem("crmkit_vid"));
    expect(vid).toMatch(/^\d+$/);
    expect(issued.every((hit) => hit.vid === vid)).toBe(true);
  });

  it("delivers an event fired right before navigating away", async () => {
    world.pages.set("/leave", {
      html: page({
        body: `<a id="out" href="/next">Next</a><script>document.getElementById("out").addEventListener("click",()=>crmkit("event","clicked.out",{to:"/next"}))</script>`,
      }),
    });
    const tab = await open("/leave");
    await expectSent(1);
    await Promise.all([tab.waitForURL(site("/next")), tab.click("#out")]);
    // The event's request may be sent twice: the page can see it fail as it unloads, keep it, and
    // the next page sends it again. The same id makes the collector store it once.
    await expect.poll(() => new Set(sent().map((hit) => hit.id)).size, { timeout: 10_000 }).toBe(3);
    const distinct = new Map(sent().map((hit) => [hit.id, hit]));
    expect([...distinct.values()].map((hit) => hit.name ?? navigation(hit)).sort()).toEqual(
      ["clicked.out", "pageview /leave", "pageview /next"].sort(),
    );
    await expect
      .poll(async () => (await storedHits()).filter((hit) => hit.type !== "engagement").length, {
        timeout: 10_000,
      })
      .toBe(3);
  });

  it("resends a failed hit from the outbox after a reload, with the same id; the collector stores it once", async () => {
    world.failAfterStoring = 1;
    // The failure answers after the page has loaded: a failure seen before the load would be
    // flushed by the load itself (pageshow), not by the reload this test is about.
    let loaded = () => {};
    world.failureGate = new Promise((resolve) => {
      loaded = resolve;
    });
    const tab = await open("/pricing");
    loaded();
    const [first] = await expectSent(1);
    await expect
      .poll(() => tab.evaluate(() => localStorage.getItem("crmkit_outbox")), { timeout: 10_000 })
      .toContain(first!.id);
    await tab.reload();
    const hits = await expectSent(3);
    expect(hits.filter((hit) => hit.id === first!.id)).toHaveLength(2);
    // The collector stores after it answers the snippet: wait for both, however busy the machine.
    await expect.poll(async () => (await storedHits()).length, { timeout: 10_000 }).toBe(2);
    const stored = await storedHits();
    expect(stored.filter((hit) => hit.id.endsWith(`:${first!.id}`))).toHaveLength(1);
    expect(await tab.evaluate(() => localStorage.getItem("crmkit_outbox"))).toBeNull();
  });

  it("keeps what is sent offline and sends it when the browser is back online", async () => {
    const tab = await open("/");
    await expectSent(1);
    await context.setOffline(true);
    await tab.evaluate(() =>
      (window as unknown as { crmkit: (...a: unknown[]) => void }).crmkit("event", "offline.click"),
    );
    await expect
      .poll(() => tab.evaluate(() => localStorage.getItem("crmkit_outbox")), { timeout: 10_000 })
      .toContain("offline.click");
    await context.setOffline(false);
    const hits = await expectSent(2);
    expect(hits[1]).toMatchObject({ type: "event", name: "offline.click" });
  });

  it("leaves no identifier behind once consent is granted then denied", async () => {
    const tab = await open("/");
    await expectSent(1);
    const crmkit = (...args: unknown[]) =>
      tab.evaluate(
        (a) => (window as unknown as { crmkit: (...a: unknown[]) => void }).crmkit(...a),
        args,
      );
    await crmkit("consent", "granted");
    await crmkit("event", "with.consent");
    const [, withConsent] = await expectSent(2);
    expect(withConsent!.vid).toMatch(/^\d+$/);
    await crmkit("consent", "denied");
    await crmkit("event", "without.consent");
    const [, , withoutConsent] = await expectSent(3);
    expect(withoutConsent!.vid).toBeUndefined();
    expect(await tab.evaluate(() => ({ ...localStorage }))).toEqual({});
    expect(await tab.evaluate(() => document.cookie)).toBe("");
    expect(await context.cookies()).toEqual([]);
  });

  it("reports visible time only: hidden time is not engagement", async () => {
    // Headless Chromium keeps every page visible; the page's visibility is driven here instead.
    await context.addInitScript(() => {
      const state = { value: "visible" as DocumentVisibilityState };
      Object.defineProperty(Document.prototype, "visibilityState", { get: () => state.value });
      Object.assign(window, {
        setVisibility(value: DocumentVisibilityState) {
          state.value = value;
          document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
        },
      });
    });
    const setVisibility = (value: string) =>
      tab.evaluate(
        (v) => (window as unknown as { setVisibility: (v: string) => void }).setVisibility(v),
        value,
      );
    const started = Date.now();
    const tab = await open("/cases/acme");
    await expectSent(1);
    await tab.waitForTimeout(1_500);
    await setVisibility("hidden");
    await tab.waitForTimeout(2_000);
    await setVisibility("visible");
    await tab.waitForTimeout(1_000);
    await tab.evaluate(() => history.pushState({}, "", "/cases/globex"));
    const elapsed = (Date.now() - started) / 1_000;
    const hits = await expectSent(4, { engagement: true });
    const engagement = hits.filter((hit) => hit.type === "engagement");
    expect(engagement.map((hit) => new URL(hit.url).pathname)).toEqual([
      "/cases/acme",
      "/cases/acme",
    ]);
    const visible = engagement.reduce((sum, hit) => sum + hit.seconds!, 0);
    expect(engagement[0]!.seconds).toBeGreaterThanOrEqual(1.5);
    expect(engagement[1]!.seconds).toBeGreaterThanOrEqual(1);
    expect(visible).toBeLessThanOrEqual(elapsed - 2);
  });

  it("waits while a page loaded in the background is hidden, and counts it once shown", async () => {
    // A background tab, or a page prerendered before its visit, loads hidden. Headless Chromium
    // shows every page, and prerendering is turned off while DevTools drives it
    // (PrerenderingDisabledByDevTools), so the page's visibility is driven here, from its load on.
    await context.addInitScript(() => {
      const state = { value: "hidden" as DocumentVisibilityState };
      Object.defineProperty(Document.prototype, "visibilityState", { get: () => state.value });
      Object.assign(window, {
        show() {
          state.value = "visible";
          document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
        },
      });
    });
    const tab = await open("/pricing");
    await tab.evaluate(() =>
      (window as unknown as { crmkit: (...a: unknown[]) => void }).crmkit("event", "while.hidden"),
    );
    await tab.waitForTimeout(1_000);
    // Only the explicit event went out: no pageview while nobody sees the page.
    expect(sent().map((hit) => hit.type)).toEqual(["event"]);
    await tab.evaluate(() => (window as unknown as { show: () => void }).show());
    const hits = await expectSent(2);
    expect(hits.map(navigation)).toEqual(["event /pricing", "pageview /pricing"]);
  });

  it("runs under a strict Content-Security-Policy: no inline script, no eval", async () => {
    world.pages.set("/strict", {
      html: page(),
      headers: {
        "content-security-policy": `default-src 'none'; script-src ${collector()}; connect-src ${collector()}`,
      },
    });
    const violations: string[] = [];
    const tab = await context.newPage();
    tab.on("console", (message) => violations.push(message.text()));
    await tab.goto(site("/strict"));
    const [hit] = await expectSent(1);
    expect(hit).toMatchObject({ type: "pageview", url: site("/strict") });
    expect(violations.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
  });

  it("does not drop automated browsers itself: the collector decides (and says so)", async () => {
    world = await newWorld({ dropBots: true });
    await open("/");
    await expectSent(1);
    expect(await storedHits({ engagement: true })).toEqual([]);
  });
});

describe("end to end: browsing, identifying, qualifying", { timeout: 60_000 }, () => {
  it("scores the anonymous visits once the visitor identifies, crosses the threshold and hands the lead to a rep", async () => {
    const { crm } = world;
    const reps = await addReps(crm, 2);
    await addNewBusinessPipeline(crm);
    await crm.assignment.pools.create({
      id: "inside",
      name: "Inside",
      members: { teamId: "inside" },
      strategy: "roundRobin",
    });
    await crm.assignment.setRules({
      rules: [{ id: "all", target: { kind: "pool", poolId: "inside" } }],
    });
    await crm.scoring.setModel({
      groups: [{ id: "global" }],
      rules: [
        { id: "pricing", points: 30, when: { type: "page", url: "/pricing" }, repeat: "day" },
        { id: "cases", points: 20, when: { type: "page", url: "/cases/*" }, repeat: "once" },
        {
          id: "demo",
          points: 50,
          when: { type: "event", name: "form.submitted", props: { form: "demo" } },
        },
      ],
      thresholds: [
        {
          group: "global",
          qualifyAt: 80,
          unqualifyBelow: 60,
          handoff: { pipelineId: "new-business" },
        },
      ],
    });
    const ada = await crm.contacts.create({ firstName: "Ada", email: "ada@example.com" });
    const crossings: unknown[] = [];
    crm.events.on("score.thresholdCrossed", (event) => crossings.push(event));
    world.pages.set("/login", {
      html: page({
        before: stub,
        body: `<form id="demo"><button>Ask for a demo</button></form><script>
fetch("/token?contact=${ada.id}").then((r) => r.text()).then((token) => crmkit("identify", token));
document.getElementById("demo").addEventListener("submit", (e) => { e.preventDefault(); crmkit("event", "form.submitted", { form: "demo" }); });
</script>`,
      }),
    });

    // Anonymous browsing: stored, not yet anyone's score.
    const tab = await open("/");
    await tab.click("#pricing");
    await tab.waitForURL(site("/pricing"));
    await tab.click("#case");
    await tab.waitForURL(site("/cases/acme"));
    await expectSent(3);
    expect(await crm.scoring.score(ada.id)).toEqual({ global: 0 });

    // Logging in identifies the visitor: the earlier visits count.
    await tab.goto(site("/login"));
    await expectSent(5);
    await expect
      .poll(async () => (await crm.scoring.score(ada.id)).global, { timeout: 10_000 })
      .toBe(50);
    const [explained] = await crm.scoring.explain(ada.id, { group: "global" });
    expect(explained!.contributions.map((c) => c.ruleId).sort()).toEqual(["cases", "pricing"]);

    // The demo request crosses the threshold: a deal for a rep, with what Ada looked at.
    await tab.click("#demo button");
    await expect
      .poll(async () => (await crm.scoring.score(ada.id)).global, { timeout: 10_000 })
      .toBe(100);
    expect(crossings).toMatchObject([{ contactId: ada.id, group: "global", direction: "up" }]);
    const card = await crm.scoring.card(ada.id);
    const deal = await crm.deals.require(card!.handoffs.global!);
    expect(deal).toMatchObject({
      contactId: ada.id,
      pipelineId: "new-business",
      source: "website",
    });
    expect(reps).toContain(deal.ownerId);
    const handoff = await crm.scoring.handoff(deal.id);
    expect(handoff!.history.map((hit) => new URL(hit.url!).pathname)).toEqual(
      expect.arrayContaining(["/", "/pricing", "/cases/acme", "/login"]),
    );
  });
});

describe("the back-forward cache", { timeout: 60_000 }, () => {
  // Playwright launches Chromium with the back-forward cache off; this browser has it on.
  let cachingBrowser: Browser;
  beforeAll(async () => {
    cachingBrowser = await launchChromium({
      args: ["--host-resolver-rules=MAP *.test 127.0.0.1"],
      ignoreDefaultArgs: ["--disable-back-forward-cache"],
    });
  }, 60_000);
  afterAll(async () => {
    await cachingBrowser?.close();
  });

  it("counts a page restored from the cache as a new pageview", async () => {
    const recordShows =
      '<script>addEventListener("pageshow", (e) => (window.shows ||= []).push(e.persisted))</script>';
    world.pages.set("/first", {
      html: page({ before: recordShows, body: '<a id="next" href="/second">Next</a>' }),
    });
    const restoring = await cachingBrowser.newContext();
    try {
      const tab = await restoring.newPage();
      await tab.goto(site("/first"));
      await expectSent(1);
      await Promise.all([tab.waitForURL(site("/second")), tab.click("#next")]);
      await expectSent(2);
      // A restore fires no load event: wait for the commit, then for the page's own pageshow.
      await tab.goBack({ waitUntil: "commit" });
      await expect
        .poll(() => tab.evaluate(() => (window as unknown as { shows?: boolean[] }).shows), {
          timeout: 10_000,
        })
        .toEqual([false, true]);
      const hits = await expectSent(3);
      expect(hits.map(navigation)).toEqual([
        "pageview /first",
        "pageview /second",
        "pageview /first",
      ]);
      expect(new Set(hits.map((hit) => hit.id)).size).toBe(3);
    } finally {
      await restoring.close();
    }
  });
});
