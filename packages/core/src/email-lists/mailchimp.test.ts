import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { memoryCrm } from "../testing/crm-fixture.js";
import { addNewBusinessPipeline, addReps } from "../testing/pipeline-fixture.js";
import { createMailchimpProvider, subscriberHash } from "./mailchimp.js";
import { md5Hex } from "./md5.js";

const apiKey = "0123456789abcdef0123456789abcdef-us6";
const base = "https://us6.api.mailchimp.com/3.0";
const member = `${base}/lists/:listId/members/:hash`;

// The documented error body: application/problem+json.
const problem = (status: number, title: string, detail: string) =>
  HttpResponse.json(
    {
      type: "https://mailchimp.com/developer/marketing/docs/errors/",
      title,
      status,
      detail,
      instance: "995c5cb0-3280-4a6e-808b-3b096d0bb219",
    },
    { status, headers: { "content-type": "application/problem+json" } },
  );

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("md5Hex", () => {
  it("matches the RFC 1321 test vectors", () => {
    expect(md5Hex("")).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(md5Hex("abc")).toBe("900150983cd24fb0d6963f7d28e17f72");
    expect(md5Hex("message digest")).toBe("f96b697d7cb7938d525a2f31aaf161d0");
    expect(md5Hex("1234567890".repeat(8))).toBe("57edf4a22be3c955ac49da2e2107b67a");
    expect(md5Hex("été")).toBe("deaf6a1e9612a4d8c221e68ee23d58d2"); // UTF-8 bytes, as Node's crypto gives
  });
  it("names a member by the hash of the lower-cased, trimmed address", () => {
    expect(subscriberHash(" Urist.McVankab@Freddiesjokes.com ")).toBe(
      md5Hex("urist.mcvankab@freddiesjokes.com"),
    );
  });
});

describe("createMailchimpProvider", () => {
  const provider = createMailchimpProvider({ apiKey, timeoutMs: 200 });
  const request = {
    listId: "a1b2c3",
    email: "Ada@Example.com",
    status: "subscribed" as const,
    firstName: "Ada",
  };

  it("adds or updates the member with PUT, basic auth, status and status_if_new", async () => {
    let seen: { method: string; params: unknown; auth: string | null; body: unknown } | undefined;
    server.use(
      http.put(member, async ({ request: req, params }) => {
        seen = {
          method: req.method,
          params,
          auth: req.headers.get("authorization"),
          body: await req.json(),
        };
        return HttpResponse.json({
          id: params.hash,
          email_address: "Ada@Example.com",
          status: "subscribed",
          list_id: params.listId,
        });
      }),
    );
    expect(await provider.setMembership(request)).toEqual({ ok: true });
    expect(seen).toEqual({
      method: "PUT",
      params: { listId: "a1b2c3", hash: md5Hex("ada@example.com") },
      auth: `Basic ${btoa(`crmkit:${apiKey}`)}`,
      body: {
        email_address: "Ada@Example.com",
        status_if_new: "subscribed",
        status: "subscribed",
        merge_fields: { FNAME: "Ada" },
      },
    });
  });

  it.each([
    [
      400,
      "Invalid Resource",
      "Ada@Example.com looks fake or invalid, please enter a real email address.",
    ],
    [
      401,
      "API Key Invalid",
      "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
    ],
    [404, "Resource Not Found", "The requested resource could not be found."],
  ])(
    "reports %i as a failure not worth retrying, with Mailchimp's words",
    async (status, title, detail) => {
      server.use(http.put(member, () => problem(status, title, detail)));
      expect(await provider.setMembership(request)).toEqual({
        ok: false,
        retryable: false,
        status,
        message: `${status} ${title}: ${detail}`,
      });
    },
  );

  it("reports 429 as retryable after the Retry-After delay", async () => {
    server.use(
      http.put(member, () =>
        HttpResponse.json(
          {
            title: "Too Many Requests",
            status: 429,
            detail: "You have exceeded the limit of 10 simultaneous connections.",
          },
          { status: 429, headers: { "retry-after": "30" } },
        ),
      ),
    );
    expect(await provider.setMembership(request)).toMatchObject({
      ok: false,
      retryable: true,
      status: 429,
      retryAfterMs: 30_000,
    });
  });

  it("reports 500, a non-JSON error page, a timeout and a network error as retryable", async () => {
    server.use(
      http.put(member, () =>
        problem(500, "Internal Server Error", "An unexpected internal error has occurred."),
      ),
    );
    expect(await provider.setMembership(request)).toMatchObject({
      ok: false,
      retryable: true,
      status: 500,
    });
    server.use(
      http.put(
        member,
        () =>
          new HttpResponse("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
      ),
    );
    expect(await provider.setMembership(request)).toEqual({
      ok: false,
      retryable: true,
      status: 502,
      message: "502 Bad Gateway",
    });
    server.use(
      http.put(member, async () => {
        await delay(1_000);
        return HttpResponse.json({});
      }),
    );
    expect(await provider.setMembership(request)).toEqual({
      ok: false,
      retryable: true,
      status: 0,
      message: "Mailchimp did not answer within 200 ms",
    });
    server.use(http.put(member, () => HttpResponse.error()));
    expect(await provider.setMembership(request)).toMatchObject({
      ok: false,
      retryable: true,
      status: 0,
    });
  });

  it("refuses an API key without its data center", () => {
    expect(() => createMailchimpProvider({ apiKey: "nodc" })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });
});

describe("the outbox", () => {
  async function queued() {
    const fixture = await memoryCrm({ timezone: "Europe/Paris" });
    const [owner] = await addReps(fixture.crm, 1);
    await addNewBusinessPipeline(fixture.crm);
    const contact = await fixture.crm.contacts.create({ email: "ada@example.com" });
    const deal = await fixture.crm.deals.create({
      title: "Ada",
      contactId: contact.id,
      ownerId: owner!,
    });
    return { ...fixture, deal };
  }

  /** Mailchimp's membership state, as a list of what each PUT set, in order. */
  function fakeMailchimp(fail: (attempt: number) => Response | undefined) {
    const effects: string[] = [];
    let attempt = 0;
    server.use(
      http.put(member, async ({ request, params }) => {
        attempt++;
        const failure = fail(attempt);
        if (failure !== undefined) return failure;
        const body = (await request.json()) as { status: string };
        effects.push(`${String(params.listId)}:${body.status}`);
        return HttpResponse.json({ id: params.hash, status: body.status });
      }),
    );
    return { effects, attempts: () => attempt };
  }

  it("retries failures with backoff and delivers each call once in effect", async () => {
    const { crm, env } = await queued();
    const mailchimp = fakeMailchimp((n) =>
      n <= 2 ? problem(503, "Service Unavailable", "down") : undefined,
    );
    const provider = createMailchimpProvider({ apiKey });
    expect(await crm.outbox.deliver({ provider })).toEqual({
      delivered: 0,
      retried: 1,
      failed: 0,
      deferred: 0,
    });
    expect(await crm.outbox.deliver({ provider })).toEqual({
      delivered: 0,
      retried: 0,
      failed: 0,
      deferred: 0,
    }); // not due yet
    env.advance(60_000);
    expect((await crm.outbox.deliver({ provider })).retried).toBe(1);
    env.advance(120_000);
    expect((await crm.outbox.deliver({ provider })).delivered).toBe(1);
    env.advance(3_600_000);
    expect((await crm.outbox.deliver({ provider })).delivered).toBe(0);
    expect(mailchimp.effects).toEqual(["nurture:subscribed"]);
    const [entry] = await crm.outbox.list();
    expect([entry!.status, entry!.attempts, entry!.lastStatus]).toEqual(["done", 3, 503]);
  });

  it("lets two workers deliver at once without sending any call twice", async () => {
    const { crm, deal } = await queued();
    await crm.deals.move(deal.id, "proposal"); // unsubscribes: a second entry for the same member
    const mailchimp = fakeMailchimp(() => undefined);
    const provider = createMailchimpProvider({ apiKey });
    const reports = await Promise.all([
      crm.outbox.deliver({ provider }),
      crm.outbox.deliver({ provider }),
    ]);
    const rerun = await crm.outbox.deliver({ provider });
    expect(reports.reduce((sum, r) => sum + r.delivered, 0) + rerun.delivered).toBe(2);
    expect(mailchimp.effects).toEqual(["nurture:subscribed", "nurture:unsubscribed"]);
  });

  it("keeps an unsubscribe behind its failing subscribe, and resends a lost attempt after its lease", async () => {
    const { crm, env, deal } = await queued();
    await crm.deals.move(deal.id, "proposal");
    const mailchimp = fakeMailchimp((n) =>
      n === 1 ? problem(500, "Internal Server Error", "boom") : undefined,
    );
    const provider = createMailchimpProvider({ apiKey });
    expect(await crm.outbox.deliver({ provider })).toEqual({
      delivered: 0,
      retried: 1,
      failed: 0,
      deferred: 1,
    });
    env.advance(3_600_000);
    expect((await crm.outbox.deliver({ provider })).delivered).toBe(2);
    expect(mailchimp.effects).toEqual(["nurture:subscribed", "nurture:unsubscribed"]);

    // A worker that died mid-call leaves its entry in flight; after the lease another one sends it.
    const contact = await crm.contacts.create({ email: "bo@example.com" });
    await crm.deals.create({ title: "Bo", contactId: contact.id, ownerId: "rep-00" });
    const never = { name: "stuck", setMembership: () => new Promise<never>(() => {}) };
    void crm.outbox.deliver({ provider: never, leaseMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await crm.outbox.list("inflight")).length).toBe(1);
    expect((await crm.outbox.deliver({ provider })).delivered).toBe(0);
    env.advance(61_000);
    expect((await crm.outbox.deliver({ provider })).delivered).toBe(1);
    expect(mailchimp.effects).toEqual([
      "nurture:subscribed",
      "nurture:unsubscribed",
      "nurture:subscribed",
    ]);
  });

  it("keeps a call that cannot succeed as failed, with the reason, until retried", async () => {
    const { crm } = await queued();
    fakeMailchimp(() => problem(401, "API Key Invalid", "Your API key may be invalid."));
    const provider = createMailchimpProvider({ apiKey });
    expect((await crm.outbox.deliver({ provider })).failed).toBe(1);
    const [failed] = await crm.outbox.list("failed");
    expect([failed!.lastStatus, failed!.lastError]).toEqual([
      401,
      "401 API Key Invalid: Your API key may be invalid.",
    ]);
    const mailchimp = fakeMailchimp(() => undefined);
    await crm.outbox.retry(failed!.id);
    expect((await crm.outbox.deliver({ provider })).delivered).toBe(1);
    expect(mailchimp.effects).toEqual(["nurture:subscribed"]);
  });
});
