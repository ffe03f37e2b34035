import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { CrmkitError } from "../errors.js";
import { collections } from "../records/schema.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { type CollectorOptions, createCollector } from "./collector.js";
import { signIdentity } from "./identity.js";
import { toNodeListener } from "./node.js";

const chrome =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
const identitySecret = "identity-secret-0123456789abcdef0123";

async function setup(overrides: Partial<CollectorOptions> = {}) {
  const fixture = await memoryCrm();
  await fixture.crm.scoring.setModel({
    groups: [],
    rules: [{ id: "pricing", points: 20, when: { type: "page", url: "/pricing" } }],
    thresholds: [],
  });
  const collect = createCollector({
    scoring: fixture.crm.scoring,
    sites: [
      { key: "pk_web", hostnames: ["example.com", "*.example.org"], exclude: ["/admin/*"] },
      { key: "pk_off", hostnames: ["example.net"], disabled: true },
    ],
    visitorSecret: "visitor-secret-0123456789abcdef",
    identitySecret,
    environment: fixture.env,
    ...overrides,
  });
  let n = 0;
  const hit = (extra: Record<string, unknown> = {}) => ({
    id: `evt_${String(++n).padStart(8, "0")}`,
    type: "pageview",
    url: "https://example.com/pricing",
    ts: fixture.env.now() - 1_000,
    ...extra,
  });
  // Each request is answered once its hits are stored; the test then waits for the background
  // drain to score them, as a host's test would with `settle()`.
  const send = async (
    body: unknown,
    init: { headers?: Record<string, string>; ip?: string; raw?: string } = {},
  ) => {
    const response = await collect(
      new Request("https://collect.example.com/hits", {
        method: "POST",
        headers: { "content-type": "text/plain", "user-agent": chrome, ...init.headers },
        body: init.raw ?? JSON.stringify(body),
      }),
      { ip: init.ip ?? "203.0.113.7" },
    );
    await fixture.crm.scoring.settle();
    return response;
  };
  const stored = async () =>
    Promise.all(
      [collections.hits, collections.scoreEntries, collections.visitors].map((collection) =>
        fixture.storage.count({ collection }),
      ),
    );
  return { ...fixture, collect, hit, send, stored };
}

async function refused(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  const body = await response.json();
  expect(body.error).toBe(error);
  return body;
}

describe("collector", () => {
  it("accepts a text/plain hit without preflight, with CORS for the site's origin, and attributes it", async () => {
    const { send, hit, storage } = await setup();
    const response = await send(
      {
        site: "pk_web",
        ...hit({
          url: "https://example.com/pricing?utm_source=news&gclid=abc",
          referrer: "https://www.google.com/",
        }),
      },
      { headers: { origin: "https://example.com" } },
    );
    expect(response.status).toBe(202);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://example.com");
    // The snippet must be able to read a 429's Retry-After across origins.
    expect(response.headers.get("access-control-expose-headers")).toBe("retry-after");
    expect(await response.json()).toEqual({ ok: true, accepted: 1, duplicates: 0, dropped: 0 });
    const [stored] = (await storage.query({ collection: collections.hits })).records;
    expect(stored!.attribution).toEqual({
      utm: { source: "news" },
      clickIds: { gclid: "abc" },
      referrerHost: "www.google.com",
    });
    expect(stored!.visitorKey).toMatch(/^pk_web:d-/);
    expect(JSON.stringify(stored)).not.toContain("203.0.113.7");
  });

  it("scores an identified visitor's earlier visits once, only with a valid signed token", async () => {
    const { send, hit, crm, env } = await setup();
    const contact = await crm.contacts.create({ email: "ada@example.com" });
    await send({ site: "pk_web", ...hit({ vid: "visitor_0001" }) });
    await send({
      site: "pk_web",
      ...hit({ vid: "visitor_0001", url: "https://example.com/pricing/" }),
    });
    const token = await signIdentity(
      { contactId: contact.id, expiresAt: env.now() + 600_000 },
      identitySecret,
    );
    const ok = await send({
      site: "pk_web",
      hits: [hit({ type: "identify", token, vid: "visitor_0001" })],
    });
    expect(ok.status).toBe(202);
    expect((await crm.scoring.score(contact.id)).global).toBe(40);
  });

  it("refuses forged, expired and unsigned identifications and changes nothing", async () => {
    const { send, hit, crm, env, stored } = await setup();
    const victim = await crm.contacts.create({ email: "victim@example.com" });
    await send({ site: "pk_web", ...hit({ vid: "attacker_01" }) });
    const before = await stored();
    const forged = await signIdentity(
      { contactId: victim.id, expiresAt: env.now() + 600_000 },
      "not-the-secret-at-all-000000000",
    );
    const expired = await signIdentity(
      { contactId: victim.id, expiresAt: env.now() - 1 },
      identitySecret,
    );
    const unknown = await signIdentity(
      { contactId: "no-such-contact", expiresAt: env.now() + 600_000 },
      identitySecret,
    );
    const tampered = forged.replace(/^v1\.[^.]+/, `v1.${btoa("someone-else").replace(/=+$/, "")}`);
    const answers = new Set<string>();
    for (const token of [forged, expired, unknown, tampered, victim.id, "v1.x.1.y"]) {
      const response = await send({
        site: "pk_web",
        hits: [hit({ vid: "attacker_01" }), hit({ type: "identify", token, vid: "attacker_01" })],
      });
      answers.add(JSON.stringify(await refused(response, 403, "INVALID_IDENTITY")));
    }
    expect(answers.size).toBe(1); // the same answer whatever the reason: nothing to learn
    expect(await stored()).toEqual(before);
    expect(await crm.scoring.visits(victim.id)).toEqual([]);
    const noToken = await send({
      site: "pk_web",
      ...hit({ type: "identify", vid: "attacker_01" }),
    });
    await refused(noToken, 400, "INVALID_HIT");
  });

  it("refuses oversize bodies, streamed or declared, before reading them", async () => {
    const { send, collect, hit, stored } = await setup();
    const big = {
      site: "pk_web",
      ...hit({ props: { text: "x".repeat(400) } }),
      padding: "y".repeat(9_000),
    };
    await refused(await send(big), 413, "BODY_TOO_LARGE");
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++)
          controller.enqueue(new TextEncoder().encode("x".repeat(1_000)));
        controller.close();
      },
    });
    const streamed = await collect(
      new Request("https://c.example.com/", {
        method: "POST",
        body: stream,
        headers: { "user-agent": chrome },
        duplex: "half",
      } as RequestInit),
    );
    await refused(streamed, 413, "BODY_TOO_LARGE");
    expect(await stored()).toEqual([0, 0, 0]);
  });

  it("answers each bad request with its status and stable code, and stores nothing", async () => {
    const { send, hit, collect, stored } = await setup();
    const cases: [Response, number, string, unknown?][] = [
      [await send(null, { raw: "{not json" }), 400, "MALFORMED_BODY"],
      [await send({ site: "pk_nope", ...hit() }), 404, "UNKNOWN_SITE"],
      [
        await send({ site: "pk_off", ...hit({ url: "https://example.net/" }) }),
        403,
        "SITE_DISABLED",
      ],
      [
        await send({ site: "pk_web", ...hit({ url: "https://evil.com/pricing" }) }),
        403,
        "HOST_NOT_ALLOWED",
        ["hits", 0, "url"],
      ],
      [
        await send({ site: "pk_web", ...hit() }, { headers: { origin: "https://evil.com" } }),
        403,
        "HOST_NOT_ALLOWED",
      ],
      [
        await send({ site: "pk_web", ...hit({ url: `https://example.com/${"a".repeat(2_000)}` }) }),
        400,
        "INVALID_HIT",
        ["hits", 0, "url"],
      ],
      [
        await send({ site: "pk_web", ...hit({ url: "javascript:alert(1)" }) }),
        400,
        "INVALID_HIT",
        ["hits", 0, "url"],
      ],
      [
        await send({ site: "pk_web", ...hit({ type: "event", name: "n".repeat(51) }) }),
        400,
        "INVALID_HIT",
        ["hits", 0, "name"],
      ],
      [
        await send({ site: "pk_web", ...hit({ type: "event", name: "email.opened" }) }),
        400,
        "INVALID_HIT",
        ["hits", 0, "name"],
      ],
      [
        await send({
          site: "pk_web",
          ...hit({
            type: "event",
            name: "e",
            props: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`p${i}`, i])),
          }),
        }),
        400,
        "INVALID_HIT",
        ["hits", 0, "props"],
      ],
      [
        await send({ site: "pk_web", ...hit({ props: { nested: { a: 1 } } }) }),
        400,
        "INVALID_HIT",
        ["hits", 0, "props", "nested"],
      ],
      [
        await send({ site: "pk_web", ...hit({ ts: Date.parse("2020-01-01") }) }),
        400,
        "INVALID_HIT",
        ["hits", 0, "ts"],
      ],
      [
        await send({ site: "pk_web", hits: Array.from({ length: 26 }, () => hit()) }),
        400,
        "INVALID_HIT",
        ["hits"],
      ],
      [
        await send({ site: "pk_web", ...hit({ extra: 1 }) }),
        400,
        "INVALID_HIT",
        ["hits", 0, "extra"],
      ],
      [
        await send(
          { site: "pk_web", ...hit() },
          { headers: { "content-type": "application/x-www-form-urlencoded" } },
        ),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        await collect(new Request("https://c.example.com/", { method: "GET" })),
        405,
        "METHOD_NOT_ALLOWED",
      ],
    ];
    for (const [response, status, code, path] of cases) {
      const body = await refused(response, status, code);
      if (path !== undefined) expect(body.path).toEqual(path);
    }
    expect(await stored()).toEqual([0, 0, 0]);
  });

  it("drops bots, automated browsers and excluded paths with 202, storing nothing", async () => {
    const { send, hit, stored } = await setup();
    for (const agent of [
      "Googlebot/2.1 (+http://www.google.com/bot.html)",
      "Mozilla/5.0 HeadlessChrome/130.0",
      "curl/8.5.0",
      "",
    ]) {
      const response = await send(
        { site: "pk_web", ...hit() },
        { headers: { "user-agent": agent } },
      );
      expect(response.status).toBe(202);
      expect((await response.json()).accepted).toBe(0);
    }
    const excluded = await send({
      site: "pk_web",
      ...hit({ url: "https://example.com/admin/users" }),
    });
    expect(await excluded.json()).toMatchObject({ accepted: 0, dropped: 1 });
    expect(await stored()).toEqual([0, 0, 0]);
  });

  it("limits floods per client with 429 and Retry-After, and stores only what it accepted", async () => {
    const { send, hit, storage } = await setup({ clientRateLimit: { burst: 5, perSecond: 1 } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 20; i++) {
      const response = await send({ site: "pk_web", ...hit() });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(await storage.count({ collection: collections.hits })).toBe(5);
    const other = await send({ site: "pk_web", ...hit() }, { ip: "198.51.100.1" });
    expect(other.status).toBe(202);
  });

  it("cannot be dodged with forged X-Forwarded-For headers, and keys stay bounded", async () => {
    const { send, hit } = await setup({ clientRateLimit: { burst: 60, perSecond: 2 } });
    let accepted = 0;
    for (let i = 0; i < 3_000; i++) {
      const forged = i % 2 === 0 ? `198.51.${i % 256}.${i >> 8}` : "x".repeat(8_192) + String(i);
      const response = await send(
        { site: "pk_web", ...hit() },
        { headers: { "x-forwarded-for": forged } },
      );
      if (response.status === 202) accepted++;
    }
    expect(accepted).toBe(60);
  });

  it("believes X-Forwarded-For only from trusted proxies: the right-most untrusted hop", async () => {
    const { send, hit } = await setup({
      clientRateLimit: { burst: 2, perSecond: 1 },
      trustProxy: ["10.0.0.0/8"],
    });
    const from = (client: string, forged = "6.6.6.6") =>
      send(
        { site: "pk_web", ...hit() },
        { ip: "10.0.0.2", headers: { "x-forwarded-for": `${forged}, ${client}` } },
      );
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await from("198.51.100.1", `6.6.6.${i}`)).status);
    statuses.push((await from("198.51.100.2")).status);
    expect(statuses).toEqual([202, 202, 429, 429, 202]);
  });

  it("counts a resent hit once, also across a restart", async () => {
    const { send, hit, crm, env, storage } = await setup();
    const first = hit({ vid: "visitor_0002" });
    await send({ site: "pk_web", ...first });
    expect(await (await send({ site: "pk_web", ...first })).json()).toMatchObject({
      accepted: 0,
      duplicates: 1,
    });
    const restarted = createCollector({
      scoring: crm.scoring,
      sites: [{ key: "pk_web", hostnames: ["example.com"] }],
      visitorSecret: "visitor-secret-0123456789abcdef",
      environment: env,
    });
    const again = await restarted(
      new Request("https://c.example.com/", {
        method: "POST",
        headers: { "user-agent": chrome },
        body: JSON.stringify({ site: "pk_web", ...first }),
      }),
      { ip: "203.0.113.7" },
    );
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await storage.count({ collection: collections.hits })).toBe(1);
  });

  it("answers 500 when storage fails, 400 when it refuses the hit as bad input, and never throws", async () => {
    const { hit, env } = await setup();
    const over = (failure: Error) =>
      createCollector({
        scoring: {
          accept: async () => {
            throw failure;
          },
          drainInBackground: () => {},
          identify: async () => 0,
        },
        sites: [{ key: "pk_web", hostnames: ["example.com"] }],
        visitorSecret: "visitor-secret-0123456789abcdef",
        environment: env,
      })(
        new Request("https://c.example.com/", {
          method: "POST",
          headers: { "user-agent": chrome },
          body: JSON.stringify({ site: "pk_web", ...hit() }),
        }),
      );
    // A retry may succeed: 5xx, which the snippet keeps for later.
    await refused(await over(new Error("disk full")), 500, "INTERNAL");
    // A retry would be refused again: 4xx, which the snippet drops.
    const invalid = new CrmkitError("VALIDATION_FAILED", "a field is wrong", {
      details: { path: [0, "record", "url"] },
    });
    await refused(await over(invalid), 400, "INVALID_HIT");
  });

  it("serves Node's http server through the adapter", async () => {
    const { collect, hit, storage } = await setup();
    const listener = toNodeListener(collect);
    const server = createServer((req, res) => void listener(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/hits`, {
        method: "POST",
        headers: { "content-type": "text/plain", "user-agent": chrome },
        body: JSON.stringify({ site: "pk_web", ...hit() }),
      });
      expect(response.status).toBe(202);
      const big = await fetch(`http://127.0.0.1:${port}/hits`, {
        method: "POST",
        headers: { "user-agent": chrome },
        body: "x".repeat(50_000),
      });
      expect(big.status).toBe(413);
      expect(await storage.count({ collection: collections.hits })).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
