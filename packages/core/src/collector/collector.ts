// Length: one request handler whose answer paths (CORS, methods, limits, validation, dedup,
// answer) are read in order; the Node adapter and schemas are apart.
import { createEnvironment, type Environment } from "../environment.js";
import { CrmkitError, validationError } from "../errors.js";
import {
  acceptValidated,
  compileUrlPattern,
  type HitInput,
  ScoringService,
  type UrlPattern,
} from "../scoring/index.js";
import { safeParseInput } from "../validation.js";
import { attributionOf, isBot } from "./attribution.js";
import { compileTrust, rateKey, type TrustProxy } from "./client-ip.js";
import { dailyVisitorId, verifyIdentity } from "./identity.js";
import { type RateLimit, RotatingSet, TokenBuckets } from "./limits.js";
import { asBatch, type WireHit, wireBodySchema } from "./wire.js";

/** A site whose pages may send hits. */
export interface CollectorSite {
  /** The public site key the snippet sends. */
  readonly key: string;
  /** Host names its pages are served from (`example.com`, `*.example.com` for any subdomain). */
  readonly hostnames: readonly string[];
  /** Path patterns never tracked (`/admin/*`): their hits are dropped, answered 202. */
  readonly exclude?: readonly string[];
  /** A disabled site's hits are refused with 403 `SITE_DISABLED`. */
  readonly disabled?: boolean;
}

/** Options of {@link createCollector}. */
export interface CollectorOptions {
  /**
   * Where hits go: the workspace's scoring service (`crm.scoring`). The collector accepts hits
   * (stores them with their queue records) and answers; scoring runs after, in a background drain
   * of this process (see `drain`).
   */
  readonly scoring: Pick<ScoringService, "accept" | "drainInBackground" | "identify">;
  /**
   * Whether this process drains the scoring queue after accepting hits. Turn it off when other
   * processes drain (a worker calling `crm.scoring.drain()` on a timer).
   * @defaultValue true
   */
  readonly drain?: boolean;
  /** The sites accepted. */
  readonly sites: readonly CollectorSite[];
  /** The secret visitor hashes are derived from, rotated daily (never stored): 32+ random characters. */
  readonly visitorSecret: string;
  /** The secret shared with the host's backend to sign identify tokens; without it identify is refused. */
  readonly identitySecret?: string;
  /** The clock. @defaultValue createEnvironment() */
  readonly environment?: Environment;
  /**
   * Which proxies in front of the collector may be believed about the client's address: their
   * number (`1` behind one load balancer), or their addresses and CIDR ranges. The client is then
   * the right-most `X-Forwarded-For` hop that is not a trusted proxy; with no proxy trusted, the
   * header is ignored (any client can write it). See the security guide.
   * @defaultValue 0 (the socket's address, the `ip` of the handler's context)
   */
  readonly trustProxy?: TrustProxy;
  /**
   * Reads the client's address yourself (a platform header such as `cf-connecting-ip`), instead of
   * `trustProxy`. Whatever it returns, rate limits key on a bounded form of it (the IPv4 address,
   * the IPv6 /64, or one shared `unknown` bucket for anything that is not an address).
   * @defaultValue the address `trustProxy` picks
   */
  readonly clientIp?: (request: Request, context: CollectorContext) => string | undefined;
  /** Requests per site. @defaultValue `{ burst: 2000, perSecond: 1000 }` */
  readonly siteRateLimit?: RateLimit;
  /** Requests per client IP. @defaultValue `{ burst: 60, perSecond: 2 }` */
  readonly clientRateLimit?: RateLimit;
  /** Drop hits from bots, crawlers and automated browsers (answered 202). @defaultValue true */
  readonly dropBots?: boolean;
  /** How old a hit's timestamp may be (snippets keep failed hits up to 24 h), in ms. @defaultValue 90000000 (25 h) */
  readonly maxAgeMs?: number;
  /** How far ahead of the server clock a timestamp may be, in ms. @defaultValue 300000 */
  readonly maxAheadMs?: number;
  /** Event ids remembered in memory, per generation (storage dedupes the rest). @defaultValue 500000 */
  readonly dedupeEntries?: number;
}

/** What the hosting runtime knows about a request beyond the `Request`. */
export interface CollectorContext {
  /** The client's IP address. */
  readonly ip?: string;
}

/** A web-standard request handler: Node (through {@link toNodeListener}), Deno, Bun, Workers. */
export type CollectorHandler = (request: Request, context?: CollectorContext) => Promise<Response>;

/**
 * Why the collector refused a request, in its JSON answer `{ "error": code, "message", "path"? }`:
 * `METHOD_NOT_ALLOWED` 405, `UNSUPPORTED_MEDIA_TYPE` 415, `BODY_TOO_LARGE` 413, `MALFORMED_BODY`
 * 400 (not JSON), `INVALID_HIT` 400 (with the path of the bad field), `UNKNOWN_SITE` 404,
 * `SITE_DISABLED` 403, `HOST_NOT_ALLOWED` 403, `INVALID_IDENTITY` 403, `RATE_LIMITED` 429 (with
 * `Retry-After`), `INTERNAL` 500 (nothing half-stored: the client may retry). A problem a retry
 * cannot fix is always a 4xx; a 5xx only ever means "try again later".
 */
export type CollectorErrorCode =
  | "METHOD_NOT_ALLOWED"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "BODY_TOO_LARGE"
  | "MALFORMED_BODY"
  | "INVALID_HIT"
  | "UNKNOWN_SITE"
  | "SITE_DISABLED"
  | "HOST_NOT_ALLOWED"
  | "INVALID_IDENTITY"
  | "RATE_LIMITED"
  | "INTERNAL";

/** The largest body accepted, in bytes. */
export const maxBodyBytes = 8_192;
const dedupeWindowMs = 48 * 3_600_000;

class Refusal {
  constructor(
    readonly status: number,
    readonly code: CollectorErrorCode,
    readonly message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {}
}

interface Site extends CollectorSite {
  readonly excluded: readonly UrlPattern[];
}

/**
 * Creates the hit collector: validates, filters and rate-limits what snippets send, dedupes by event
 * id, derives anonymous visitor ids, checks signed identifications, and hands the hits to scoring.
 * It never throws: every refusal is a JSON answer with a stable code, and a refused request stores
 * nothing.
 *
 * @example
 * ```ts
 * const collect = createCollector({ scoring: crm.scoring, sites: [{ key: "pk_site", hostnames: ["example.com"] }], visitorSecret, identitySecret });
 * export default { fetch: (request: Request) => collect(request) }; // a Worker
 * ```
 */
export function createCollector(options: CollectorOptions): CollectorHandler {
  const environment = options.environment ?? createEnvironment();
  options.sites.forEach((site, index) => {
    // Site keys become part of every hit id: they must be what the hit schema accepts.
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(site.key))
      throw validationError("collector options", [
        {
          path: ["sites", index, "key"],
          message: "use 1 to 64 letters, digits, _ and -",
          code: "invalid_string",
        },
      ]);
  });
  const start = environment.now();
  const sites = new Map<string, Site>(
    options.sites.map((site) => [
      site.key,
      { ...site, excluded: (site.exclude ?? []).map(compileUrlPattern) },
    ]),
  );
  const seen = new RotatingSet(dedupeWindowMs, options.dedupeEntries ?? 500_000, start);
  const siteBuckets = new TokenBuckets(
    options.siteRateLimit ?? { burst: 2_000, perSecond: 1_000 },
    10_000,
    start,
  );
  const clientBuckets = new TokenBuckets(
    options.clientRateLimit ?? { burst: 60, perSecond: 2 },
    200_000,
    start,
  );
  const maxAge = options.maxAgeMs ?? 25 * 3_600_000;
  const trust = compileTrust(options.trustProxy);
  const maxAhead = options.maxAheadMs ?? 300_000;

  async function handle(request: Request, context: CollectorContext): Promise<Response> {
    const origin = request.headers.get("origin");
    const cors = corsHeaders(origin, sites);
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
    if (request.method !== "POST")
      throw new Refusal(
        405,
        "METHOD_NOT_ALLOWED",
        "Send hits with POST.",
        {},
        { Allow: "POST, OPTIONS" },
      );
    const type = (request.headers.get("content-type") ?? "text/plain")
      .split(";")[0]!
      .trim()
      .toLowerCase();
    if (type !== "text/plain" && type !== "application/json")
      throw new Refusal(415, "UNSUPPORTED_MEDIA_TYPE", "Send text/plain or application/json.");
    const now = environment.now();
    const ip =
      options.clientIp?.(request, context) ??
      trust.clientOf(context.ip, request.headers.get("x-forwarded-for"));
    const wait = clientBuckets.take(rateKey(ip), now);
    if (wait > 0) throw rateLimited(wait);
    const text = await readLimited(request);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Refusal(400, "MALFORMED_BODY", "The body is not JSON.");
    }
    const parsed = safeParseInput(wireBodySchema, asBatch(body));
    if (!parsed.success) {
      const [issue] = parsed.issues;
      throw new Refusal(400, "INVALID_HIT", `Invalid hit: ${issue?.message ?? "bad shape"}.`, {
        path: issue?.path ?? [],
      });
    }
    const site = sites.get(parsed.data.site);
    if (site === undefined) throw new Refusal(404, "UNKNOWN_SITE", "No site has this key.");
    if (site.disabled === true) throw new Refusal(403, "SITE_DISABLED", "This site is disabled.");
    const hits = parsed.data.hits;
    for (const [index, hit] of hits.entries()) {
      const host = new URL(hit.url).hostname.toLowerCase();
      if (!hostAllowed(site, host))
        throw new Refusal(403, "HOST_NOT_ALLOWED", "The page's host is not one of the site's.", {
          path: ["hits", index, "url"],
        });
      if (hit.ts < now - maxAge || hit.ts > now + maxAhead)
        throw new Refusal(
          400,
          "INVALID_HIT",
          "Invalid hit: the timestamp is too far from the server's clock.",
          { path: ["hits", index, "ts"] },
        );
    }
    if (origin !== null && !hostAllowed(site, originHost(origin)))
      throw new Refusal(403, "HOST_NOT_ALLOWED", "The request's origin is not one of the site's.");
    const siteWait = siteBuckets.take(site.key, now);
    if (siteWait > 0) throw rateLimited(siteWait);
    const userAgent = request.headers.get("user-agent");
    if ((options.dropBots ?? true) && isBot(userAgent)) return accepted(cors, 0, 0, hits.length);

    // Identifications are checked before anything is stored: one forged token refuses the request.
    const identities: [WireHit, string][] = [];
    for (const hit of hits.filter((h) => h.type === "identify")) {
      const contactId =
        options.identitySecret === undefined
          ? null
          : await verifyIdentity(hit.token!, options.identitySecret, now);
      if (contactId === null)
        throw new Refusal(403, "INVALID_IDENTITY", "The identification is not valid.");
      identities.push([hit, contactId]);
    }
    const day = new Date(now).toISOString().slice(0, 10);
    const visitorOf = async (hit: WireHit) =>
      hit.vid ??
      (await dailyVisitorId(options.visitorSecret, day, [site.key, ip ?? "", userAgent ?? ""]));
    for (const [hit, contactId] of identities) {
      try {
        await options.scoring.identify({
          siteId: site.key,
          visitorId: await visitorOf(hit),
          contactId,
        });
      } catch (error) {
        if (CrmkitError.is(error, "NOT_FOUND"))
          throw new Refusal(403, "INVALID_IDENTITY", "The identification is not valid.");
        throw error;
      }
    }
    const inputs: HitInput[] = [];
    let dropped = 0;
    let duplicates = 0;
    for (const hit of hits) {
      if (hit.type === "identify") continue;
      const url = new URL(hit.url);
      if (site.excluded.some((pattern) => pattern.test(url))) {
        dropped++;
        continue;
      }
      if (seen.has(`${site.key}:${hit.id}`, now)) {
        duplicates++;
        continue;
      }
      const attribution = attributionOf(url, hit.referrer);
      inputs.push({
        id: hit.id,
        siteId: site.key,
        visitorId: await visitorOf(hit),
        type: hit.type as HitInput["type"],
        url: hit.url,
        ...(hit.referrer === undefined || hit.referrer === "" ? {} : { referrer: hit.referrer }),
        ...(hit.name === undefined ? {} : { name: hit.name }),
        ...(hit.props === undefined ? {} : { props: hit.props }),
        ...(hit.seconds === undefined ? {} : { seconds: hit.seconds }),
        at: hit.ts,
        ...(attribution === undefined ? {} : { attribution }),
      });
    }
    if (inputs.length === 0) return accepted(cors, 0, duplicates, dropped);
    // The wire body was validated above: the workspace's own service takes the hits as they are.
    const scoring = options.scoring;
    const report =
      scoring instanceof ScoringService
        ? await scoring[acceptValidated](inputs)
        : await scoring.accept(inputs);
    for (const input of inputs) seen.add(`${site.key}:${input.id}`, now);
    if ((options.drain ?? true) && report.accepted.length > 0) options.scoring.drainInBackground();
    return accepted(cors, report.accepted.length, duplicates + report.duplicates.length, dropped);
  }

  return async (request, context = {}) => {
    try {
      return await handle(request, context);
    } catch (error) {
      const cors = corsHeaders(request.headers.get("origin"), sites);
      if (error instanceof Refusal)
        return json(
          error.status,
          { error: error.code, message: error.message, ...error.extra },
          { ...cors, ...error.headers },
        );
      // Storage refused the hits themselves: a retry would be refused again, so it is a 400 (the
      // snippet drops a hit answered 4xx, and keeps one answered 5xx for a day).
      if (CrmkitError.is(error, "VALIDATION_FAILED"))
        return json(
          400,
          {
            error: "INVALID_HIT",
            message: `Invalid hit: ${error.message}`,
            path: error.details.path ?? [],
          },
          cors,
        );
      return json(
        500,
        { error: "INTERNAL", message: "The hits could not be stored; retry later." },
        cors,
      );
    }
  };
}

function rateLimited(seconds: number): Refusal {
  return new Refusal(
    429,
    "RATE_LIMITED",
    "Too many requests.",
    {},
    { "Retry-After": String(seconds) },
  );
}

function accepted(
  cors: Record<string, string>,
  count: number,
  duplicates: number,
  dropped: number,
): Response {
  return json(202, { ok: true, accepted: count, duplicates, dropped }, cors);
}

function json(status: number, body: unknown, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

async function readLimited(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBodyBytes)
    throw new Refusal(413, "BODY_TOO_LARGE", `A body has at most ${maxBodyBytes} bytes.`);
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel();
      throw new Refusal(413, "BODY_TOO_LARGE", `A body has at most ${maxBodyBytes} bytes.`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(joinBytes(chunks, size));
}

/** Joins chunks of a body into one buffer. @internal */
export function joinBytes(chunks: readonly Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function originHost(origin: string): string {
  return URL.canParse(origin) ? new URL(origin).hostname.toLowerCase() : "";
}

function hostAllowed(site: CollectorSite, host: string): boolean {
  return site.hostnames.some((allowed) => {
    const name = allowed.toLowerCase();
    return name.startsWith("*.")
      ? host.endsWith(name.slice(1)) || host === name.slice(2)
      : host === name;
  });
}

function corsHeaders(
  origin: string | null,
  sites: ReadonlyMap<string, Site>,
): Record<string, string> {
  if (origin === null) return {};
  const host = originHost(origin);
  for (const site of sites.values())
    if (site.disabled !== true && hostAllowed(site, host))
      return {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": "POST, OPTIONS",
        "access-control-allow-headers": "content-type",
        // The snippet reads Retry-After of a 429 to wait as asked; CORS hides it unless exposed.
        "access-control-expose-headers": "retry-after",
        "access-control-max-age": "86400",
        vary: "Origin",
      };
  return { vary: "Origin" };
}
