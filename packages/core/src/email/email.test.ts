import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CrmkitError } from "../errors.js";
import { createHttpEmailSender } from "./http-sender.js";
import { createMemoryEmailSender } from "./memory-sender.js";
import type { EmailMessage } from "./port.js";
import { renderTemplate } from "./template.js";

const url = "https://mail.example.com/v1/send";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const message: EmailMessage = {
  to: "ada@example.com",
  toName: "Ada Lovelace",
  replyTo: "anna@crmkit.dev",
  subject: "Three new times for our demo",
  text: "Tuesday 10:00, Wednesday 14:00 or Thursday 09:30?",
  html: "<p>Tuesday 10:00, Wednesday 14:00 or Thursday 09:30?</p>",
  idempotencyKey: "run-42:step-1",
  tags: { automation: "missed-recovery" },
};

describe("createHttpEmailSender", () => {
  const sender = createHttpEmailSender({ url, token: "secret-token", timeoutMs: 200 });

  it("POSTs the message as JSON with the bearer token and the idempotency key", async () => {
    let seen:
      | { auth: string | null; key: string | null; type: string | null; body: unknown }
      | undefined;
    server.use(
      http.post(url, async ({ request }) => {
        seen = {
          auth: request.headers.get("authorization"),
          key: request.headers.get("idempotency-key"),
          type: request.headers.get("content-type"),
          body: await request.json(),
        };
        return HttpResponse.json({ id: "msg_123", status: "queued" }, { status: 202 });
      }),
    );
    expect(await sender.send(message)).toEqual({ ok: true, messageId: "msg_123" });
    expect(seen).toEqual({
      auth: "Bearer secret-token",
      key: "run-42:step-1",
      type: "application/json",
      body: {
        to: "ada@example.com",
        toName: "Ada Lovelace",
        replyTo: "anna@crmkit.dev",
        subject: "Three new times for our demo",
        text: "Tuesday 10:00, Wednesday 14:00 or Thursday 09:30?",
        html: "<p>Tuesday 10:00, Wednesday 14:00 or Thursday 09:30?</p>",
        tags: { automation: "missed-recovery" },
      },
    });
  });

  it("accepts a 2xx without a body", async () => {
    server.use(http.post(url, () => new HttpResponse(null, { status: 204 })));
    expect(await sender.send(message)).toEqual({ ok: true });
  });

  it.each([
    [400, { message: "invalid recipient" }, false, "400 invalid recipient"],
    [401, { error: "bad token" }, false, "401 bad token"],
    [422, { detail: "subject too long" }, false, "422 subject too long"],
    [500, { message: "boom" }, true, "500 boom"],
    [503, { message: "maintenance" }, true, "503 maintenance"],
  ])("answers %i as a failure (retryable: %s)", async (status, body, retryable, said) => {
    server.use(http.post(url, () => HttpResponse.json(body, { status })));
    expect(await sender.send(message)).toEqual({ ok: false, retryable, status, message: said });
  });

  it("honours 429 and its Retry-After", async () => {
    server.use(
      http.post(url, () =>
        HttpResponse.json(
          { message: "slow down" },
          { status: 429, headers: { "retry-after": "7" } },
        ),
      ),
    );
    expect(await sender.send(message)).toEqual({
      ok: false,
      retryable: true,
      status: 429,
      message: "429 slow down",
      retryAfterMs: 7_000,
    });
  });

  it("reads a non-JSON error page by its status line", async () => {
    server.use(
      http.post(
        url,
        () =>
          new HttpResponse("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
      ),
    );
    expect(await sender.send(message)).toMatchObject({
      ok: false,
      retryable: true,
      status: 502,
      message: "502 Bad Gateway",
    });
  });

  it("turns a timeout and a network error into retryable failures", async () => {
    server.use(
      http.post(url, async () => {
        await delay(1_000);
        return HttpResponse.json({ id: "late" });
      }),
    );
    expect(await sender.send(message)).toEqual({
      ok: false,
      retryable: true,
      status: 0,
      message: "The e-mail endpoint did not answer within 200 ms",
    });
    server.use(http.post(url, () => HttpResponse.error()));
    expect(await sender.send(message)).toMatchObject({ ok: false, retryable: true, status: 0 });
  });

  it("refuses a bad configuration with the field's path", () => {
    for (const [options, path] of [
      [{ url: "ftp://mail.example.com", token: "t" }, ["url"]],
      [{ url, token: "" }, ["token"]],
    ] as const) {
      try {
        createHttpEmailSender(options);
        throw new Error("expected a refusal");
      } catch (error) {
        expect(CrmkitError.is(error, "VALIDATION_FAILED")).toBe(true);
        expect((error as CrmkitError).details.path).toEqual(path);
      }
    }
  });
});

describe("createMemoryEmailSender", () => {
  it("keeps each message once per idempotency key, and rehearses failures", async () => {
    const email = createMemoryEmailSender();
    expect(await email.send(message)).toEqual({ ok: true, messageId: "mem-1" });
    expect(await email.send({ ...message, subject: "again" })).toEqual({
      ok: true,
      messageId: "mem-1",
    });
    email.failNext(1);
    expect(await email.send({ ...message, idempotencyKey: "other" })).toMatchObject({
      ok: false,
      retryable: true,
    });
    expect(await email.send({ ...message, idempotencyKey: "other" })).toEqual({
      ok: true,
      messageId: "mem-2",
    });
    expect(email.sent.map((m) => m.idempotencyKey)).toEqual(["run-42:step-1", "other"]);
    email.clear();
    expect(email.sent).toEqual([]);
  });
});

describe("renderTemplate", () => {
  it("fills placeholders from paths, escapes them in HTML, and lists the missing ones", () => {
    const rendered = renderTemplate(
      {
        subject: "{{ contact.firstName }}, shall we try again?",
        text: "Options: {{slots}}. Your rep: {{ owner.name }} {{ owner.phone }}",
        html: "<p>Hello {{ contact.firstName }}</p>",
      },
      {
        contact: { firstName: "Ada <3" },
        slots: ["Tue 10:00", "Wed 14:00"],
        owner: { name: "Anna" },
      },
    );
    expect(rendered).toEqual({
      subject: "Ada <3, shall we try again?",
      text: "Options: Tue 10:00, Wed 14:00. Your rep: Anna ",
      html: "<p>Hello Ada &lt;3</p>",
      missing: ["owner.phone"],
      refused: [],
    });
    // A placeholder is a path, never code; prototype keys are not variables.
    expect(renderTemplate({ subject: "{{ constructor }}", text: "" }, {}).missing).toEqual([
      "constructor",
    ]);
  });
});

describe("renderTemplate against hostile values", () => {
  it("keeps the subject on one line whatever a contact's name holds", () => {
    const rendered = renderTemplate(
      { subject: "Hello {{ contact.firstName }}", text: "Hi {{ contact.firstName }}" },
      { contact: { firstName: "Bob\r\nBcc: all@example.com\u2028x" } },
    );
    expect(rendered.subject).toBe("Hello Bob Bcc: all@example.com x");
    expect(rendered.text).toContain("\r\n");
  });

  it("lets only http(s) and mailto URLs start a link, anywhere in the attribute syntax", () => {
    const template = {
      subject: "s",
      text: "{{ url }}",
      html: `<a href="{{ url }}">a</a><a HREF = '{{url}}'>b</a><img src={{ url }}><a href="https://x.example/?u={{ url }}">c</a><p title="{{ url }}">d</p>`,
    };
    for (const url of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "data:text/html,x",
      "vbscript:x",
      "/relative",
    ]) {
      const rendered = renderTemplate(template, { url });
      expect(rendered.refused).toEqual(["url"]);
      expect(rendered.html).toBe(
        `<a href="">a</a><a HREF = ''>b</a><img src=><a href="https://x.example/?u=${escapeHtml(url)}">c</a><p title="${escapeHtml(url)}">d</p>`,
      );
      expect(rendered.text).toBe(url);
    }
    for (const url of ["https://example.com/book?a=1&b=2", "mailto:anna@example.com"]) {
      const rendered = renderTemplate(template, { url });
      expect(rendered.refused).toEqual([]);
      expect(rendered.html).toContain(`href="${url.replace("&", "&amp;")}"`);
    }
  });
});

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
