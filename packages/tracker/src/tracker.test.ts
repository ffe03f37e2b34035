// Unit tests of the tracker (the ESM entry, which shares every line with the script-tag build but
// `destroy` and the injectable beacon): a small fake of the browser's globals, msw for the fetch
// transport, and an injected beacon. Real-browser behaviour is proven in `in-chromium.test.ts`.
import fc from "fast-check";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTracker, type Tracker, type TrackerOptions } from "./index.js";

const api = "https://collect.example.com/hits";

interface SentHit {
  site: string;
  id: string;
  type: string;
  url: string;
  ts: number;
  vid?: string;
  referrer?: string;
  name?: string;
  props?: Record<string, unknown>;
  seconds?: number;
  token?: string;
}

/** What the collector received, in order, with how: `fetch` or `beacon`. */
let received: (SentHit & { via: "fetch" | "beacon"; contentType?: string | null })[] = [];
/** The status the fake collector answers (and headers), or "network" to fail the connection. */
let answer: { status: number; headers?: Record<string, string> } | "network" = { status: 202 };

const server = setupServer(
  http.post(api, async ({ request }) => {
    if (answer === "network") return HttpResponse.error();
    const body = JSON.parse(await request.text()) as SentHit;
    received.push({ ...body, via: "fetch", contentType: request.headers.get("content-type") });
    return new HttpResponse(null, answer);
  }),
);

/** A fake of what the tracker reads from the browser: enough of location, history and the rest. */
class FakeBrowser {
  readonly window = new EventTarget();
  readonly storage: Record<string, string> = {};
  visibility: "visible" | "hidden" = "visible";
  referrer = "";
  doNotTrack: string | null = null;
  globalPrivacyControl = false;
  beaconAccepts = true;
  private entries: URL[];
  private index = 0;

  constructor(start: string) {
    this.entries = [new URL(start)];
  }

  get url(): URL {
    return this.entries[this.index]!;
  }

  install(): void {
    const browser = this;
    vi.stubGlobal("document", {
      get visibilityState() {
        return browser.visibility;
      },
      get referrer() {
        return browser.referrer;
      },
    });
    vi.stubGlobal("location", {
      get href() {
        return browser.url.href;
      },
      get hostname() {
        return browser.url.hostname;
      },
      toString: () => browser.url.href,
    });
    vi.stubGlobal("navigator", {
      get doNotTrack() {
        return browser.doNotTrack;
      },
      get globalPrivacyControl() {
        return browser.globalPrivacyControl;
      },
      sendBeacon: () => {
        throw new Error("the tracker must use the injected beacon");
      },
    });
    vi.stubGlobal("localStorage", this.storage);
    vi.stubGlobal("history", {
      pushState: (_state: unknown, _title: string, url: string) => this.push(url),
      replaceState: (_state: unknown, _title: string, url: string) => {
        this.entries[this.index] = new URL(url, this.url);
      },
    });
    vi.stubGlobal("addEventListener", this.window.addEventListener.bind(this.window));
    vi.stubGlobal("removeEventListener", this.window.removeEventListener.bind(this.window));
  }

  push(url: string): void {
    this.entries.splice(this.index + 1, Number.POSITIVE_INFINITY, new URL(url, this.url));
    this.index++;
  }

  back(): void {
    this.index--;
    this.fire("popstate");
  }

  /** Follows an in-page link to a fragment: the browser fires popstate, then hashchange. */
  followHash(hash: string): void {
    this.push(hash);
    this.fire("popstate");
    this.fire("hashchange");
  }

  show(visible: boolean): void {
    this.visibility = visible ? "visible" : "hidden";
    this.fire("visibilitychange");
  }

  fire(type: string, init: Record<string, unknown> = {}): void {
    this.window.dispatchEvent(Object.assign(new Event(type), init));
  }
}

let browser: FakeBrowser;
let tracker: Tracker | undefined;
const beacons: string[] = [];

function start(options: Partial<TrackerOptions> = {}): Tracker {
  tracker = createTracker({
    api,
    site: "pk_test",
    beacon: (url, body) => {
      expect(`${url}`).toBe(api);
      if (!browser.beaconAccepts) return false;
      beacons.push(body);
      received.push({ ...(JSON.parse(body) as SentHit), via: "beacon" });
      return true;
    },
    ...options,
  });
  return tracker;
}

/** Lets queued microtasks, timers and msw's answers run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
const outbox = (): SentHit[] => JSON.parse(browser.storage.crmkit_outbox ?? "[]") as SentHit[];
const urls = () => received.map((hit) => `${hit.type} ${hit.url}`);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-11-23T10:00:00Z") });
  received = [];
  beacons.length = 0;
  answer = { status: 202 };
  browser = new FakeBrowser("https://shop.example.com/pricing?plan=pro#faq");
  browser.install();
});
afterEach(() => {
  tracker?.destroy();
  tracker = undefined;
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("pageviews", () => {
  it("sends one when started, with the URL without its fragment, the referrer, an id and a time", async () => {
    browser.referrer = "https://search.example.net/?q=crm";
    start();
    expect(received).toEqual([]); // not synchronously: queued commands apply first
    await settle();
    expect(received).toEqual([
      {
        site: "pk_test",
        id: expect.stringMatching(/^\d{8,64}$/),
        type: "pageview",
        url: "https://shop.example.com/pricing?plan=pro",
        referrer: "https://search.example.net/?q=crm",
        ts: Date.parse("2026-11-23T10:00:00Z"),
        via: "fetch",
        contentType: "text/plain;charset=UTF-8",
      },
    ]);
  });

  it("waits until a hidden (or prerendering) page is shown", async () => {
    browser.visibility = "hidden";
    start();
    await settle();
    expect(received).toEqual([]);
    browser.show(true);
    await settle();
    expect(urls()).toEqual(["pageview https://shop.example.com/pricing?plan=pro"]);
  });

  it("counts pushState, popstate and replaceState of the path; not the same URL or a query-only replace", async () => {
    start();
    await settle();
    history.pushState(null, "", "/cases/acme");
    history.pushState(null, "", "/cases/acme");
    history.replaceState(null, "", "/cases/acme?tab=2");
    browser.followHash("#quote"); // same page: no pageview, though the query was replaced before
    history.replaceState(null, "", "/cases/globex");
    browser.back(); // to /cases/acme?tab=2#quote
    await settle();
    expect(urls()).toEqual([
      "pageview https://shop.example.com/pricing?plan=pro",
      "pageview https://shop.example.com/cases/acme",
      "pageview https://shop.example.com/cases/globex",
      "pageview https://shop.example.com/cases/acme?tab=2",
    ]);
    expect(received[1]!.referrer).toBe("https://shop.example.com/pricing?plan=pro");
  });

  it("counts a pushState that changes only the query (a new search is a new page)", async () => {
    start();
    await settle();
    history.pushState(null, "", "/pricing?plan=team");
    await settle();
    expect(urls().at(-1)).toBe("pageview https://shop.example.com/pricing?plan=team");
  });

  it("in hash mode, counts hash routes once though popstate and hashchange both fire", async () => {
    start({ spa: "hash" });
    await settle();
    browser.followHash("#/products");
    browser.followHash("#/products");
    history.replaceState(null, "", "#/products?sort=price");
    await settle();
    expect(urls()).toEqual([
      "pageview https://shop.example.com/pricing?plan=pro#faq",
      "pageview https://shop.example.com/pricing?plan=pro#/products",
    ]);
  });

  it("sends a new pageview when the page is restored from the back-forward cache", async () => {
    start();
    await settle();
    browser.fire("pageshow", { persisted: false });
    browser.fire("pageshow", { persisted: true });
    await settle();
    expect(urls()).toEqual([
      "pageview https://shop.example.com/pricing?plan=pro",
      "pageview https://shop.example.com/pricing?plan=pro",
    ]);
  });

  it("sends virtual pages, events and identifications as asked", async () => {
    const t = start();
    await settle();
    t.page("/virtual/step-2");
    t.event("form.submitted", { form: "demo", seats: 12 });
    t.identify("v1.token");
    await settle();
    expect(received.slice(1)).toMatchObject([
      { type: "pageview", url: "https://shop.example.com/virtual/step-2" },
      { type: "event", name: "form.submitted", props: { form: "demo", seats: 12 } },
      { type: "identify", token: "v1.token", url: "https://shop.example.com/pricing?plan=pro" },
    ]);
    expect(new Set(received.map((hit) => hit.id)).size).toBe(4);
  });

  it("never sends excluded paths, with or without a trailing slash", async () => {
    browser = new FakeBrowser("https://shop.example.com/admin/users/");
    browser.install();
    const t = start({ exclude: ["/admin/*", "/account", "/a.b(c)"] });
    await settle();
    t.event("clicked");
    t.page("/account/");
    t.page("/axb(c)");
    t.page("/a.b(c)");
    t.page("/accounts");
    await settle();
    expect(urls()).toEqual([
      "pageview https://shop.example.com/axb(c)",
      "pageview https://shop.example.com/accounts",
    ]);
  });

  it("excludes exactly what the wildcard patterns say, whatever they are (property)", async () => {
    // The reference: each pattern as an anchored regular expression, `*` as `.*`, one trailing
    // `/` dropped from the pattern and from the path.
    const reference = (patterns: string[], path: string) =>
      patterns.some((pattern) =>
        new RegExp(
          `^${pattern
            .replace(/\/$/, "")
            .split("*")
            .map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, "\\$&"))
            .join(".*")}$`,
        ).test(path.replace(/\/$/, "")),
      );
    const piece = fc.constantFrom("/", "a", "b", ".", "(", "*", "**", "ab/");
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join("")}`),
          { minLength: 1, maxLength: 3 },
        ),
        fc.array(
          // Paths start "/a": "//x" would name another host.
          fc
            .array(fc.constantFrom("/", "a", "b", ".", "("), { maxLength: 8 })
            .map((c) => `/a${c.join("")}`),
          { minLength: 1, maxLength: 6 },
        ),
        async (patterns, paths) => {
          received = [];
          tracker?.destroy();
          const t = start({
            exclude: patterns.map((pattern, i) => (i % 2 ? ` ${pattern} ` : pattern)),
          });
          await settle();
          received = [];
          for (const path of paths) t.page(path);
          await settle();
          const sent = received.map((hit) => new URL(hit.url).pathname);
          const expected = paths.filter(
            (path) => !reference(patterns, new URL(path, "https://x.example").pathname),
          );
          expect(sent).toEqual(expected.map((path) => new URL(path, "https://x.example").pathname));
        },
      ),
      { numRuns: 60, seed: 1206 },
    );
  }, 60_000);

  it("matches many wildcards against a long path at once, without backtracking", async () => {
    const t = start({ exclude: ["/a*a*a*a*a*a*b", "/a*a*a*a*c/"] });
    await settle();
    received = [];
    t.page(`/${"a".repeat(20_000)}`);
    t.page(`/${"a".repeat(20_000)}b`);
    t.page(`/${"a".repeat(20_000)}c`);
    await settle();
    expect(received.map((hit) => hit.url)).toEqual([
      `https://shop.example.com/${"a".repeat(20_000)}`,
    ]);
  });

  it("stops on destroy: no more hits, history methods restored", async () => {
    const pushState = history.pushState;
    const t = start();
    await settle();
    expect(history.pushState).not.toBe(pushState);
    t.destroy();
    expect(history.pushState).toBe(pushState);
    t.event("after");
    browser.show(false);
    await settle();
    expect(received).toHaveLength(1);
  });
});

describe("engagement time", () => {
  it("counts visible time only, sent as the page is hidden (by beacon) and with the next pageview", async () => {
    start();
    await settle();
    vi.setSystemTime(Date.now() + 5_000);
    browser.show(false); // 5 s visible: reported now, by beacon
    vi.setSystemTime(Date.now() + 60_000); // hidden: not counted
    browser.show(true);
    vi.setSystemTime(Date.now() + 3_500);
    history.pushState(null, "", "/cases"); // 3.5 s more, reported with the next pageview
    await settle();
    expect(received.map(({ type, url, seconds, via }) => ({ type, url, seconds, via }))).toEqual([
      { type: "pageview", url: "https://shop.example.com/pricing?plan=pro", via: "fetch" },
      {
        type: "engagement",
        url: "https://shop.example.com/pricing?plan=pro",
        seconds: 5,
        via: "beacon",
      },
      {
        type: "engagement",
        url: "https://shop.example.com/pricing?plan=pro",
        seconds: 3.5,
        via: "fetch",
      },
      { type: "pageview", url: "https://shop.example.com/cases", via: "fetch" },
    ]);
  });

  it("keeps less than a second for later rather than sending it", async () => {
    start();
    await settle();
    vi.setSystemTime(Date.now() + 600);
    browser.show(false);
    browser.show(true);
    vi.setSystemTime(Date.now() + 600);
    browser.fire("pagehide");
    await settle();
    expect(received.slice(1)).toMatchObject([{ type: "engagement", seconds: 1.2, via: "beacon" }]);
  });

  it("falls back to fetch with keepalive when the beacon is refused", async () => {
    browser.beaconAccepts = false;
    start();
    await settle();
    vi.setSystemTime(Date.now() + 2_000);
    browser.fire("pagehide");
    await settle();
    expect(received.slice(1)).toMatchObject([{ type: "engagement", seconds: 2, via: "fetch" }]);
  });
});

describe("the outbox", () => {
  it("keeps a hit whose send failed (5xx or network) and resends it with the same id when back online", async () => {
    answer = { status: 500 };
    const t = start();
    await settle();
    answer = "network";
    t.event("quote.requested");
    await settle();
    expect(outbox().map((hit) => hit.type)).toEqual(["pageview", "event"]);
    const ids = outbox().map((hit) => hit.id);
    answer = { status: 202 };
    received = [];
    browser.fire("online");
    await settle();
    expect(received.map((hit) => hit.id)).toEqual(ids);
    expect(browser.storage.crmkit_outbox).toBeUndefined();
  });

  it("drops what the collector refuses for good (4xx)", async () => {
    answer = { status: 400 };
    start();
    await settle();
    expect(received).toHaveLength(1);
    expect(browser.storage.crmkit_outbox).toBeUndefined();
  });

  it("flushes on load and on becoming visible", async () => {
    browser.storage.crmkit_outbox = JSON.stringify([
      {
        id: "1111111111",
        type: "event",
        name: "old",
        url: "https://shop.example.com/",
        ts: Date.now() - 3_600_000,
      },
    ]);
    start();
    await settle();
    expect(received.map((hit) => hit.id)).toEqual([expect.any(String), "1111111111"]);
    answer = { status: 503 };
    tracker!.event("later");
    await settle();
    answer = { status: 202 };
    received = [];
    browser.show(false);
    browser.show(true);
    await settle();
    expect(received.map((hit) => hit.name)).toEqual(["later"]);
  });

  it("holds at most 20 hits, 16 KB and 24 hours, newest kept", async () => {
    answer = "network";
    const t = start();
    await settle();
    for (let n = 0; n < 30; n++) t.event(`e${n}`);
    await settle();
    expect(outbox().map((hit) => hit.name)).toEqual(
      Array.from({ length: 20 }, (_, n) => `e${n + 10}`),
    );
    for (let n = 0; n < 10; n++)
      t.event(`big${n}`, { text: "x".repeat(450), more: "y".repeat(450) });
    await settle();
    expect(JSON.stringify(outbox()).length).toBeLessThanOrEqual(16_384);
    expect(outbox().at(-1)!.name).toBe("big9");
    vi.setSystemTime(Date.now() + 25 * 3_600_000);
    t.event("tomorrow");
    await settle();
    expect(outbox().map((hit) => hit.name)).toEqual(["tomorrow"]);
  });

  it("honours 429 and Retry-After: nothing is sent before the wait is over, then the outbox goes", async () => {
    answer = { status: 429, headers: { "retry-after": "30" } };
    const t = start();
    await settle();
    answer = { status: 202 };
    t.event("during");
    browser.fire("online");
    await settle();
    expect(received.map((hit) => hit.type)).toEqual(["pageview"]);
    expect(outbox().map((hit) => hit.type)).toEqual(["pageview", "event"]);
    vi.setSystemTime(Date.now() + 31_000);
    received = [];
    browser.fire("online");
    await settle();
    expect(received.map((hit) => hit.type)).toEqual(["pageview", "event"]);
  });

  it("keeps working when storage is disabled: the visitor id and the outbox last as long as the page", async () => {
    vi.stubGlobal("localStorage", undefined);
    Object.defineProperty(globalThis, "localStorage", {
      configurable: true,
      get() {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    });
    answer = { status: 500 };
    const t = start();
    t.consent("granted");
    await settle();
    expect(received).toHaveLength(1);
    answer = { status: 202 };
    received = [];
    browser.fire("online");
    t.event("still");
    await settle();
    expect(received.map((hit) => hit.type)).toEqual(["pageview", "event"]);
    expect(received[0]!.vid).toMatch(/^\d+$/);
  });
});

describe("privacy", () => {
  it.each([
    ["Do Not Track", (b: FakeBrowser) => (b.doNotTrack = "1")],
    ["Global Privacy Control", (b: FakeBrowser) => (b.globalPrivacyControl = true)],
    ["the opt-out flag", (b: FakeBrowser) => (b.storage.crmkit_optout = "1")],
  ])("sends nothing, manual events included, under %s", async (_, signal) => {
    signal(browser);
    const t = start();
    t.event("manual");
    t.page("/x");
    t.consent("granted");
    await settle();
    expect(received).toEqual([]);
    expect(browser.storage.crmkit_vid).toBeUndefined();
  });

  it("ignores Do Not Track and GPC when told to", async () => {
    browser.doNotTrack = "1";
    browser.globalPrivacyControl = true;
    start({ respectDnt: false });
    await settle();
    expect(received).toHaveLength(1);
  });

  it("opting out erases the visitor id and the outbox, and silences what follows", async () => {
    const t = start();
    t.consent("granted");
    answer = { status: 500 };
    await settle();
    expect(Object.keys(browser.storage).sort()).toEqual(["crmkit_outbox", "crmkit_vid"]);
    t.optout();
    t.event("after");
    await settle();
    expect(browser.storage).toEqual({ crmkit_optout: "1" });
    expect(received).toHaveLength(1);
  });

  it.each([
    ["http://localhost:3000/"],
    ["http://127.0.0.1:8080/"],
    ["http://[::1]/"],
    ["file:///home/me/site/index.html"],
  ])("ignores %s unless in dev mode", async (url) => {
    browser = new FakeBrowser(url);
    browser.install();
    start();
    await settle();
    expect(received).toEqual([]);
    tracker!.destroy();
    if (url.startsWith("file:")) return; // the collector takes http(s) pages only
    start({ dev: true });
    await settle();
    expect(urls()).toEqual([`pageview ${new URL(url).href}`]);
  });

  it("keeps no identifier before consent; granted adds one to every hit, denied erases it", async () => {
    const t = start();
    await settle();
    expect(received[0]!.vid).toBeUndefined();
    expect(Object.keys(browser.storage)).toEqual([]);
    t.consent("granted");
    const vid = browser.storage.crmkit_vid!;
    expect(vid).toMatch(/^\d{8,64}$/);
    t.consent("granted");
    expect(browser.storage.crmkit_vid).toBe(vid);
    t.event("with");
    await settle();
    expect(received[1]!.vid).toBe(vid);
    answer = "network";
    t.event("queued");
    await settle();
    t.consent("denied");
    expect(Object.keys(browser.storage)).toEqual(["crmkit_outbox"]);
    expect(browser.storage.crmkit_outbox).not.toContain(vid);
    answer = { status: 202 };
    t.event("without");
    await settle();
    expect(received.at(-1)!.vid).toBeUndefined();
  });
});
