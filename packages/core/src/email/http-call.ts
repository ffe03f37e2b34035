// One HTTP call to an outside service, as ports need it: a timeout, and every failure an answer
// (retryable or not) rather than an exception.

/** What a port's call gave. Failures are ordinary answers, not exceptions. */
export type CallResult =
  | {
      /** It worked. */
      readonly ok: true;
    }
  | CallFailure;

/** A failed call. */
export interface CallFailure {
  /** It failed. */
  readonly ok: false;
  /** Whether trying again later may succeed (rate limit, server error, timeout, network). */
  readonly retryable: boolean;
  /** How long the service asked to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
  /** The HTTP status, or 0 for a timeout or network failure. */
  readonly status: number;
  /** The service's own words. */
  readonly message: string;
}

/** Reads a `Retry-After` header: seconds, or an HTTP date (relative to the response's `Date`). @internal */
export function retryAfter(headers: Headers): number | undefined {
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  const now = Date.parse(headers.get("date") ?? "");
  return Number.isNaN(at) || Number.isNaN(now) ? undefined : Math.max(0, at - now);
}

/**
 * Sends one request with a timeout. Returns the response when one came, or the failure (timeout
 * or network error, both retryable) when none did. @internal
 */
export async function callWithTimeout(
  fetcher: typeof globalThis.fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  service: string,
): Promise<Response | CallFailure> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetcher(url, { ...init, signal: controller.signal });
  } catch (error) {
    return {
      ok: false,
      retryable: true,
      status: 0,
      message: controller.signal.aborted
        ? `${service} did not answer within ${timeoutMs} ms`
        : `network error: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The failure a non-2xx response stands for: 408, 429 and 5xx are retryable (with the wait the
 * service asked for), other statuses are final. `detail` is what the service said. @internal
 */
export function failureOf(response: Response, detail: string): CallFailure {
  const status = response.status;
  const wait = retryAfter(response.headers);
  return {
    ok: false,
    retryable: status === 429 || status >= 500 || status === 408,
    status,
    message: detail,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  };
}
