// Length: the script-tag build is one closure for size (scripts/size.mjs); splitting it would cost
// bytes.
// The tracker: pageviews, SPA navigation, events, identify, consent, engagement time, and a
// transport that loses nothing. Nearly everything here ends up in the script-tag build, where every
// byte counts (scripts/size.mjs), so the code favours what minifies well: closures, no classes.

/** A value an event property may hold. */
export type EventValue = string | number | boolean | null;

/** How the tracker follows navigation. */
export type SpaMode = "history" | "hash";

/**
 * Options of {@link createTracker}. The script-tag build reads the same from its tag's `data-*`
 * attributes (`data-api`, `data-site`, `data-spa`, `data-respect-dnt`, `data-dev`, `data-exclude`).
 */
export interface TrackerOptions {
  /** The collector's URL: `https://collect.example.com/hits`, or a first-party path such as `/_c/hits`. */
  readonly api: string | URL;
  /** The site's public key, as declared in the collector's sites. */
  readonly site: string;
  /**
   * How navigation is followed: `history` counts `pushState`, `replaceState` that changes the
   * path, and back/forward; `hash` counts hash changes too, and sends the fragment (hash routers).
   * @defaultValue "history"
   */
  readonly spa?: SpaMode | undefined;
  /** Send nothing when the browser signals Do Not Track or Global Privacy Control. @defaultValue true */
  readonly respectDnt?: boolean | undefined;
  /** Track pages served from `localhost`, loopback addresses and `file:` URLs too. @defaultValue false */
  readonly dev?: boolean | undefined;
  /**
   * Path patterns never tracked, `*` matching anything (`/admin/*`); a trailing `/` is ignored on
   * the path and on the pattern. Matched without backtracking (linear in the path).
   */
  readonly exclude?: readonly string[] | undefined;
  /**
   * Sends a body as the page goes away (hidden or unloading), when no answer could be read.
   * @defaultValue `navigator.sendBeacon`
   */
  readonly beacon?: ((url: string | URL, body: string) => boolean) | undefined;
}

/** A running tracker: the same commands the script-tag build's `crmkit(command, …)` queue accepts. */
export interface Tracker {
  /**
   * Sends a pageview now: of the given URL (resolved against the current one), or of the current
   * page — for virtual pages the URL does not show.
   */
  page(url?: string): void;
  /** Sends a custom event, such as `form.submitted` with `{ form: "demo" }`. */
  event(name: string, props?: Readonly<Record<string, EventValue>>): void;
  /** Links this visitor to a contact with a token signed by the host's backend (`signIdentity`). */
  identify(token: string): void;
  /**
   * Records the visitor's consent: `granted` creates a first-party visitor id kept in
   * `localStorage` and sent with every hit; `denied` erases it (queued hits never hold it).
   */
  consent(state: "granted" | "denied"): void;
  /** Silences this browser for the site for good (a flag in `localStorage`), and erases the visitor id and queued hits. */
  optout(): void;
  /** Stops tracking: removes the listeners and restores `history.pushState` / `replaceState`. */
  destroy(): void;
}

/** A hit as sent to the collector (its wire format, without the site key). */
interface Hit {
  id: string;
  type: string;
  url: string | undefined;
  ts: number;
  referrer?: string | undefined;
  name?: string | undefined;
  props?: Readonly<Record<string, EventValue>> | undefined;
  seconds?: number | undefined;
  token?: string | undefined;
  vid?: string | undefined;
}

// Defined (as true) only in the script-tag build, whose minifier then drops what only the ESM
// module offers (`destroy`, an injected beacon).
declare const CRMKIT_SNIPPET: true | undefined;
const esm = typeof CRMKIT_SNIPPET === "undefined";

/** A command of the `crmkit(command, …)` queue. @internal */
export type Command = (command: string, first?: unknown, second?: unknown) => unknown;

/** The settings as the script tag's `data-*` attributes give them: strings, or absent. @internal */
export interface Settings {
  /** `data-api`. */
  readonly api?: string | URL | undefined;
  /** `data-site`. */
  readonly site?: string | undefined;
  /** `data-spa`. */
  readonly spa?: string | undefined;
  /** `data-respect-dnt`: `"false"` turns it off. */
  readonly respectDnt?: string | undefined;
  /** `data-dev`: present (any value) turns it on. */
  readonly dev?: string | undefined;
  /** `data-exclude`: comma-separated patterns. */
  readonly exclude?: string | undefined;
}

// 128 random bits as digits: valid as an event or visitor id, and available outside secure contexts.
const randomId = () => crypto.getRandomValues(new Uint32Array(4)).join("");

/**
 * Starts tracking this page: a pageview once the page is visible (a prerendering page is hidden),
 * new ones as the visitor navigates, engagement time, and the outbox of failed sends. It honours Do
 * Not Track, Global Privacy Control and the opt-out flag, and keeps no identifier before consent.
 *
 * @example
 * ```ts
 * import { createTracker } from "@crmkit/tracker";
 * const tracker = createTracker({ api: "https://collect.example.com/hits", site: "pk_site" });
 * tracker.event("form.submitted", { form: "demo" });
 * ```
 */
export function createTracker(options: TrackerOptions): Tracker {
  const destroy: (() => void)[] = [];
  const command = start(
    {
      ...options,
      respectDnt: `${options.respectDnt ?? true}`,
      dev: options.dev ? "" : undefined,
      exclude: options.exclude?.join(),
    },
    options.beacon,
    destroy,
  );
  return {
    page: (url) => command("page", url),
    event: (name, props) => command("event", name, props),
    identify: (token) => command("identify", token),
    consent: (state) => command("consent", state),
    optout: () => command("optout"),
    // Emptying the list is what marks the tracker stopped (see `track`).
    destroy: () => {
      for (const step of destroy.splice(0)) step();
    },
  };
}

/**
 * The tracker behind both builds. It reads its settings as strings (the script tag's `data-*`)
 * and answers the queue's commands. Everything here ends up in the script-tag build, so it is
 * written for the minifier: closures, no classes, short paths.
 * @internal
 */
export function start(
  settings: Settings,
  beacon?: ((url: string | URL, body: string) => boolean) | undefined,
  destroy?: (() => void)[],
): Command {
  const now = Date.now;
  const api = settings.api!;
  let storage: Record<string, string> = {};
  try {
    storage = localStorage as unknown as Record<string, string>;
  } catch {
    // Storage is off (sandboxed frames, strict privacy settings): nothing is kept.
  }
  // Writes may fail too (a full quota); a falsy value removes the key.
  const put = (key: string, value?: unknown) => {
    try {
      if (value) storage[`crmkit_${key}`] = value as string;
      else delete storage[`crmkit_${key}`];
    } catch {}
  };
  // The page's URL as sent: without the fragment (it may hold tokens), unless the site routes by
  // hash.
  const here = () => location.href.replace(settings.spa === "hash" ? "" : /#.*/, "");
  const visible = () => document.visibilityState > "hidden";
  // What replaceState must change to count: the URL without its queries (the hash route's too).
  const withoutQuery = (url?: string) => url?.replace(/\?[^#]*/g, "");
  // Excluded paths: `*` matches anything, everything else is literal, and a trailing `/` is ignored
  // (on the path and on the pattern). Matched without backtracking: between spaces (never in a
  // path, and stripped from patterns) the first part can only sit at the start and the last at the
  // end, so each part is simply the first found after the one before: at most (pattern length) ×
  // (path length) steps. A failed part leaves `at` at -1, which `indexOf` reads as 0 for the next
  // pattern.
  const excluded = (path: string, at = 0) =>
    `${settings.exclude}`
      .replace(/\s/g, "")
      .split(",")
      .some((glob) =>
        ` ${glob}`
          .replace(/\/?$/, " ")
          .split("*")
          .every(
            (part) =>
              // biome-ignore lint/suspicious/noAssignInExpressions: the smallest linear matcher, in bytes.
              ~(at = ` ${path}`.replace(/\/?$/, " ").indexOf(part, at)) && (at += part.length),
          ),
      );
  // Do Not Track, Global Privacy Control, and pages on this machine: fixed for the page's life.
  const quiet =
    (settings.respectDnt !== "false" &&
      ((navigator.doNotTrack as unknown as number) > 0 ||
        (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl)) ||
    (settings.dev == null && /^(localhost|127\.|\[::1]|$)/.test(location.hostname));
  let waitUntil = 0;
  let lastUrl: string | undefined;
  let pageUrl: string | undefined;
  let visibleSince: number | false = 0;
  let engaged = 0;

  const outbox = (): Hit[] => {
    try {
      return JSON.parse(storage.crmkit_outbox!);
    } catch {
      return [];
    }
  };

  // A hit whose send failed waits in the outbox, newest kept: at most 20 hits, 16 KB, 24 hours.
  const keep = (hit: Hit) => {
    const box = [...outbox(), hit].filter((kept) => kept.ts > now() - 864e5);
    while (box[20] || JSON.stringify(box)[16_384]) box.shift();
    put("outbox", JSON.stringify(box));
  };

  // One hit per request: far below the collector's 8 KB, and one refused hit never takes others
  // with it. The visitor id (after consent) joins as the hit leaves: the outbox never holds one.
  const send = (hit: Hit, unloading?: unknown) => {
    const body = JSON.stringify({ site: settings.site, vid: storage.crmkit_vid, ...hit });
    if (waitUntil > now()) keep(hit);
    // A beacon outlives the page but has no answer: it is used only as the page goes away.
    else if (!(unloading && (esm && beacon ? beacon(api, body) : navigator.sendBeacon(api, body))))
      // A string body makes this a text/plain "simple" request: no CORS preflight, no credentials.
      fetch(api, { method: "POST", body, keepalive: true, credentials: "omit" }).then(
        (response) => {
          const status = response.status;
          // 429 (and its Retry-After: the wait is never 0, so the test holds) and 5xx: kept for
          // later. Other refusals are final.
          if (
            (status === 429 &&
              // biome-ignore lint/suspicious/noAssignInExpressions: set and tested in one, for bytes.
              (waitUntil = now() + 1e3 * (+response.headers.get("retry-after")! || 60))) ||
            status > 499
          )
            keep(hit);
        },
        () => keep(hit),
      );
  };

  const silenced = () => quiet || storage.crmkit_optout;

  const track = (type: string, fields: Partial<Hit>, unloading?: unknown) => {
    const url = fields.url || here();
    silenced() ||
      (esm && !destroy![0]) || // stopped (ESM only)
      excluded(new URL(url).pathname) ||
      send({ id: randomId(), type, url, ts: now(), ...fields }, unloading);
  };

  // Engagement: visible time only, reported with the next pageview or as the page is hidden.
  const engagement = (unloading?: unknown) => {
    engaged += visibleSince ? now() - visibleSince : 0;
    visibleSince = 0;
    if (engaged > 999) {
      track("engagement", { url: pageUrl, seconds: engaged / 1e3 }, unloading);
      engaged = 0;
    }
  };

  const page = (url?: unknown) => {
    engagement();
    const referrer = pageUrl || document.referrer;
    lastUrl = here();
    pageUrl = url ? `${new URL(url as string, location.href)}` : lastUrl;
    visibleSince = visible() && now();
    track("pageview", { url: pageUrl, referrer });
  };

  // The guard of every automatic pageview: the page is visible (a prerendering page is hidden, so
  // its pageview waits for activation), and its normalised URL changed, so that popstate +
  // hashchange never double-count. A replaceState that changes only the query (a router keeping
  // filters in the URL) is the same page: its URL is taken as the page's, without a pageview.
  const check = (replace?: unknown) => {
    if (visible() && here() !== lastUrl) {
      if (replace && withoutQuery(here()) === withoutQuery(lastUrl)) lastUrl = here();
      else page();
    }
  };

  // One listener for every signal, on window in the capture phase (it hears the document's
  // visibilitychange there too).
  const handle = (event: Partial<PageTransitionEvent>) => {
    if (event.type === "pagehide" || !visible()) return engagement(1);
    // Restored from the back-forward cache: a new pageview.
    lastUrl = event.persisted ? "" : lastUrl;
    visibleSince ||= now();
    check();
    const box = outbox(); // flushed: on load, on becoming visible, when back online
    put("outbox");
    for (const hit of box) send(hit);
  };
  for (const type of "visibilitychange pagehide pageshow online popstate hashchange".split(" ")) {
    addEventListener(type, handle, true);
    if (esm) destroy!.push(() => removeEventListener(type, handle, true));
  }
  for (const method of ["pushState", "replaceState"] as const) {
    const original = history[method];
    history[method] = function (this: History) {
      // biome-ignore lint/complexity/noArguments: the shortest faithful forwarding, in bytes.
      original.apply(this, arguments as unknown as Parameters<History["pushState"]>);
      check(method > "q");
    };
    if (esm)
      destroy!.push(() => {
        history[method] = original;
      });
  }
  // Started after the current task, so that consent and opt-out given right after creation (or
  // queued before the script loaded) apply to the first pageview.
  queueMicrotask(() => handle({}));

  return (name, first, second) => {
    if (name === "page") page(first);
    else if (name === "event")
      track(name, { name: first as string, props: second as Hit["props"] });
    else if (name === "identify") track(name, { token: first as string });
    else if (name === "consent")
      put("vid", first === "granted" && !silenced() && (storage.crmkit_vid || randomId()));
    else if (name === "optout") {
      put("vid", put("outbox", put("optout", "1")));
    }
  };
}
