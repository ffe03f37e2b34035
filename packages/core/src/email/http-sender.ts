import { CrmkitError } from "../errors.js";
import { callWithTimeout, failureOf } from "./http-call.js";
import type { EmailMessage, EmailSender, SendResult } from "./port.js";

/** Options of {@link createHttpEmailSender}. */
export interface HttpEmailSenderOptions {
  /** The endpoint messages are POSTed to (`https://mail.example.com/v1/send`). */
  readonly url: string;
  /** The bearer token. Keep it server-side. */
  readonly token: string;
  /** The fetch to use (a proxy, a test double). @defaultValue globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** How long a send may take before it counts as a (retryable) timeout, in ms. @defaultValue 10000 */
  readonly timeoutMs?: number;
}

/**
 * A generic HTTP {@link EmailSender}: each message is one `POST` of JSON
 * `{ to, toName, from, replyTo, subject, text, html, tags }` with `Authorization: Bearer <token>`
 * and an `Idempotency-Key` header (the message's key), the convention of payment and e-mail APIs
 * for "deliver once however often asked". A 2xx answer is a send (its JSON `id` or `messageId`, if
 * any, kept); 408, 429 (with `Retry-After`), 5xx, timeouts and network errors are retryable; other
 * statuses are final, with the body's `message`, `error` or `detail` as the reason.
 *
 * @throws CrmkitError `VALIDATION_FAILED` for a URL that is not http(s) or an empty token
 * @example
 * ```ts
 * const email = createHttpEmailSender({ url: "https://mail.example.com/v1/send", token: process.env.MAIL_TOKEN! });
 * ```
 */
export function createHttpEmailSender(options: HttpEmailSenderOptions): EmailSender {
  if (!URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol))
    throw new CrmkitError("VALIDATION_FAILED", "Invalid e-mail endpoint: use an http(s) URL.", {
      details: { path: ["url"] },
    });
  if (options.token === "")
    throw new CrmkitError("VALIDATION_FAILED", "The e-mail endpoint needs a token.", {
      details: { path: ["token"] },
    });
  const fetcher: typeof globalThis.fetch =
    options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: "http",
    async send(message: EmailMessage): Promise<SendResult> {
      const { idempotencyKey, ...payload } = message;
      const answer = await callWithTimeout(
        fetcher,
        options.url,
        {
          method: "POST",
          headers: {
            authorization: `Bearer ${options.token}`,
            "content-type": "application/json",
            accept: "application/json",
            "idempotency-key": idempotencyKey,
          },
          body: JSON.stringify(payload),
        },
        timeoutMs,
        "The e-mail endpoint",
      );
      if ("retryable" in answer) return answer;
      const text = await answer.text().catch(() => "");
      let body: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
      } catch {
        // Not JSON (a proxy's page): the status line says enough.
      }
      if (answer.ok) {
        const id = body.id ?? body.messageId;
        return typeof id === "string" ? { ok: true, messageId: id } : { ok: true };
      }
      const said = [body.message, body.error, body.detail].find((v) => typeof v === "string");
      return failureOf(
        answer,
        `${answer.status} ${typeof said === "string" ? said : answer.statusText}`.trim(),
      );
    },
  };
}
