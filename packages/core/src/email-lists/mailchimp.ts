import { callWithTimeout, failureOf } from "../email/index.js";
import { CrmkitError } from "../errors.js";
import { md5Hex } from "./md5.js";
import type { EmailListProvider, ListCallResult, ListMembershipRequest } from "./port.js";

/** Options of {@link createMailchimpProvider}. */
export interface MailchimpOptions {
  /** The Marketing API key; its suffix after `-` is the data center (`…-us6`). Keep it server-side. */
  readonly apiKey: string;
  /** The API root. @defaultValue `https://<dc>.api.mailchimp.com/3.0` */
  readonly baseUrl?: string;
  /** The fetch to use (a proxy, a test double). @defaultValue globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** How long a call may take before it counts as a (retryable) timeout, in ms. @defaultValue 10000 */
  readonly timeoutMs?: number;
}

/** The subscriber hash Mailchimp names a list member by: MD5 of the lower-cased address. */
export function subscriberHash(email: string): string {
  return md5Hex(email.trim().toLowerCase());
}

/**
 * An {@link EmailListProvider} for the Mailchimp Marketing API v3: "add or update list member"
 * (`PUT /lists/{list_id}/members/{subscriber_hash}`) with `status` and `status_if_new`, which is
 * idempotent, so the outbox may repeat a call safely.
 *
 * It holds an API key with full access to the account: use it on a server (the collector, a
 * worker), never in a browser bundle.
 *
 * Failures are answers, not exceptions: 429 (with `Retry-After`), 5xx, timeouts and network errors
 * are retryable; 400 (e.g. an address Mailchimp refuses), 401/403 (a bad key) and 404 (an unknown
 * list) are not, and the outbox keeps such entries as `failed` with Mailchimp's `detail`.
 *
 * @throws CrmkitError `VALIDATION_FAILED` when the API key has no data-center suffix and no
 * `baseUrl` is given
 * @example
 * ```ts
 * const provider = createMailchimpProvider({ apiKey: process.env.MAILCHIMP_KEY! });
 * await crm.outbox.deliver({ provider });
 * ```
 */
export function createMailchimpProvider(options: MailchimpOptions): EmailListProvider {
  const dc = options.apiKey.split("-")[1];
  if (options.baseUrl === undefined && (dc === undefined || !/^[a-z]+\d+$/.test(dc))) {
    throw new CrmkitError(
      "VALIDATION_FAILED",
      "Invalid Mailchimp API key: it must end with its data center, e.g. -us6.",
      { details: { path: ["apiKey"] } },
    );
  }
  const base = (options.baseUrl ?? `https://${dc}.api.mailchimp.com/3.0`).replace(/\/$/, "");
  // Looked up per call, so a fetch installed later (a polyfill, a test interceptor) is used.
  const fetcher: typeof globalThis.fetch =
    options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const authorization = `Basic ${btoa(`crmkit:${options.apiKey}`)}`;

  return {
    name: "mailchimp",
    async setMembership(request: ListMembershipRequest): Promise<ListCallResult> {
      const url = `${base}/lists/${encodeURIComponent(request.listId)}/members/${subscriberHash(request.email)}`;
      if (request.status === "deleted") {
        // Mailchimp's permanent deletion: the address cannot be re-imported afterwards.
        const response = await callWithTimeout(
          fetcher,
          `${url}/actions/delete-permanent`,
          { method: "POST", headers: { authorization, accept: "application/json" } },
          timeoutMs,
          "Mailchimp",
        );
        if ("retryable" in response) return response;
        await response.text().catch(() => "");
        // 404: no such member (never subscribed, or deleted already) — the goal holds.
        if (response.ok || response.status === 404) return { ok: true };
        return failureOf(response, `${response.status} ${response.statusText}`);
      }
      const mergeFields = {
        ...(request.firstName === undefined ? {} : { FNAME: request.firstName }),
        ...(request.lastName === undefined ? {} : { LNAME: request.lastName }),
      };
      const body = {
        email_address: request.email,
        status_if_new: request.status,
        status: request.status,
        ...(Object.keys(mergeFields).length === 0 ? {} : { merge_fields: mergeFields }),
      };
      const response = await callWithTimeout(
        fetcher,
        url,
        {
          method: "PUT",
          headers: {
            authorization,
            "content-type": "application/json",
            accept: "application/json",
          },
          body: JSON.stringify(body),
        },
        timeoutMs,
        "Mailchimp",
      );
      if ("retryable" in response) return response;
      if (response.ok) {
        // Drain the (small) member body so the connection can be reused.
        await response.text().catch(() => "");
        return { ok: true };
      }
      // Errors are application/problem+json: { type, title, status, detail, instance }.
      let detail = `${response.status} ${response.statusText}`;
      try {
        const problem = (await response.json()) as { title?: unknown; detail?: unknown };
        if (typeof problem.detail === "string" || typeof problem.title === "string")
          detail =
            `${response.status} ${String(problem.title ?? "")}: ${String(problem.detail ?? "")}`.trim();
      } catch {
        // A body that is not JSON (a proxy's HTML page) keeps the status line.
      }
      return failureOf(response, detail);
    },
  };
}
