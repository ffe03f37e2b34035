import { type CollectorHandler, joinBytes, maxBodyBytes } from "./collector.js";

/**
 * The parts of Node's `IncomingMessage` the adapter reads (structural, so the core needs no Node
 * types and runs unchanged in browsers and workers).
 */
export interface NodeRequestLike {
  /** The HTTP method. */
  readonly method?: string | undefined;
  /** The request target: a path with its query, or an absolute URL. */
  readonly url?: string | undefined;
  /** `"1.0"` or `"1.1"`: an HTTP/1.0 request may omit `Host`. */
  readonly httpVersion?: string | undefined;
  /** The headers, lower-cased. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The connection, for the client's address. */
  readonly socket?: NodeSocketLike | null;
  /** Whether the whole body has arrived. */
  readonly complete?: boolean;
  /** Subscribes to the body stream: `data`, `end`, `error`, `close`. */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Unsubscribes a listener. */
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** The part of Node's socket the adapter reads. */
export interface NodeSocketLike {
  /** The client's IP address. */
  readonly remoteAddress?: string | undefined;
  /** Closes the connection (when an answer cannot be written). */
  destroy?(): unknown;
}

/** The parts of Node's `ServerResponse` the adapter writes. */
export interface NodeResponseLike {
  /** Writes the status and headers. */
  writeHead(status: number, headers: Record<string, string>): unknown;
  /** Writes the body and ends the response. */
  end(body?: Uint8Array | string): unknown;
  /** Whether the status line has been written. */
  readonly headersSent?: boolean;
  /** Whether the response can no longer be written (the connection is gone). */
  readonly destroyed?: boolean;
  /** Subscribes to `error` (a write to a closed socket), which the adapter swallows. */
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * How long the whole body may take to arrive, in ms, from the moment the request's headers were
   * read. A body still incomplete then (a client dripping bytes) is answered 408 and the connection
   * closed.
   * @defaultValue 5000
   */
  readonly bodyTimeoutMs?: number;
  /** The largest body read, in bytes: a larger declared or streamed body gets 413 at once. @defaultValue 8192 */
  readonly maxBodyBytes?: number;
}

/** Methods a `Request` can carry; anything else (TRACE, TRACK, CONNECT, made-up ones) gets 405. */
const passedMethods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

type Answer = { status: number; body: Uint8Array | string; headers: Record<string, string> };

/**
 * Adapts a collector to Node's `http` server:
 * `http.createServer(toNodeListener(collect))`. The listener never throws, its promise never
 * rejects, and every request is answered unless its client went away first:
 *
 * - a method a `Request` cannot carry (TRACE, TRACK, CONNECT, …) → 405 `METHOD_NOT_ALLOWED`;
 * - a `Host` or target that is not a valid URL → 400 `BAD_REQUEST` (an HTTP/1.0 request without
 *   `Host` is served as `localhost`);
 * - a declared `Content-Length` over the limit → 413 `BODY_TOO_LARGE` before reading anything, and
 *   the connection is closed; a streamed body that grows past it → the same, at once;
 * - a body still incomplete after `bodyTimeoutMs` → 408 `REQUEST_TIMEOUT`, connection closed;
 * - a client that disconnects mid-body → nothing is stored and nothing is answered;
 * - a handler that throws (it should not) → 500 `INTERNAL`.
 *
 * The client IP passed to the handler is the socket's. Node's own `server.headersTimeout` and
 * `server.requestTimeout` bound how long a client may take to send its headers: set them too (see
 * the collector guide).
 *
 * @example
 * ```ts
 * const server = http.createServer(toNodeListener(collect));
 * server.headersTimeout = 10_000;
 * server.requestTimeout = 15_000;
 * server.listen(8787, "127.0.0.1");
 * ```
 */
export function toNodeListener(
  handler: CollectorHandler,
  options: NodeListenerOptions = {},
): (request: NodeRequestLike, response: NodeResponseLike) => Promise<void> {
  const limit = options.maxBodyBytes ?? maxBodyBytes;
  const timeoutMs = options.bodyTimeoutMs ?? 5_000;
  return async (req, res) => {
    // A write to a socket the client closed emits `error` on the response: nothing to do about it.
    res.on?.("error", ignore);
    try {
      const answer = await serve(req, handler, limit, timeoutMs);
      if (answer !== undefined) send(req, res, answer);
    } catch {
      send(req, res, failure(500, "INTERNAL", "The request could not be handled; retry later."));
    }
  };
}

async function serve(
  req: NodeRequestLike,
  handler: CollectorHandler,
  limit: number,
  timeoutMs: number,
): Promise<Answer | undefined> {
  const method = (req.method ?? "GET").toUpperCase();
  if (!passedMethods.has(method))
    return failure(405, "METHOD_NOT_ALLOWED", "Send hits with POST.", {
      allow: "POST, OPTIONS",
    });
  const url = requestUrl(req);
  if (url === undefined) return failure(400, "BAD_REQUEST", "The Host or the target is not valid.");
  const declared = header(req, "content-length");
  if (declared !== undefined && Number(declared) > limit)
    return closing(failure(413, "BODY_TOO_LARGE", `A body has at most ${limit} bytes.`));
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const read = await readBody(req, limit, timeoutMs);
    if (read.kind === "aborted") return undefined;
    if (read.kind === "tooLarge")
      return closing(failure(413, "BODY_TOO_LARGE", `A body has at most ${limit} bytes.`));
    if (read.kind === "timeout")
      return closing(failure(408, "REQUEST_TIMEOUT", "The body did not arrive in time."));
    if (read.kind === "done") body = read.bytes;
  }
  let request: Request;
  try {
    request = new Request(url, { method, headers, ...(body === undefined ? {} : { body }) });
  } catch {
    return failure(400, "BAD_REQUEST", "The request could not be read.");
  }
  const remoteAddress = req.socket?.remoteAddress;
  const response = await handler(request, remoteAddress === undefined ? {} : { ip: remoteAddress });
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  return {
    status: response.status,
    headers: out,
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

function requestUrl(req: NodeRequestLike): string | undefined {
  const target = req.url ?? "/";
  const host = header(req, "host") ?? (req.httpVersion === "1.0" ? "localhost" : undefined);
  if (host === undefined || host === "" || /[\s/\\?#@]/.test(host)) return undefined;
  const base = `http://${host}`;
  if (!URL.canParse(base)) return undefined;
  if (target.startsWith("/")) {
    // `//evil.example/x` would name another host when resolved against the base: keep it a path.
    const url = `${base}${target}`;
    return URL.canParse(url) ? url : undefined;
  }
  // The absolute form (`POST http://host/hits HTTP/1.1`), as a proxy sends it.
  return /^https?:\/\//i.test(target) && URL.canParse(target) ? target : undefined;
}

function header(req: NodeRequestLike, name: string): string | undefined {
  if (!Object.hasOwn(req.headers, name)) return undefined;
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

type BodyRead =
  | { kind: "done"; bytes: Uint8Array<ArrayBuffer> }
  | { kind: "aborted" | "tooLarge" | "timeout" };

/**
 * Reads the body through events rather than `for await`, which throws `aborted` when a client
 * disconnects mid-body; every outcome, including the client going away, settles the promise.
 */
function readBody(req: NodeRequestLike, limit: number, timeoutMs: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let settled = false;
    const encoder = new TextEncoder();
    const finish = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off?.("data", onData);
      req.off?.("end", onEnd);
      req.off?.("close", onClose);
      // Later errors of this request (a reset after the answer) must not go unhandled.
      resolve(result);
    };
    const onData = (chunk: unknown) => {
      const bytes =
        typeof chunk === "string"
          ? encoder.encode(chunk)
          : chunk instanceof Uint8Array
            ? chunk
            : new Uint8Array(0);
      size += bytes.byteLength;
      if (size > limit) finish({ kind: "tooLarge" });
      else chunks.push(bytes);
    };
    const onEnd = () => finish({ kind: "done", bytes: joinBytes(chunks, size) });
    const onClose = () => {
      if (req.complete === true) onEnd();
      else finish({ kind: "aborted" });
    };
    const timer = setTimeout(() => finish({ kind: "timeout" }), timeoutMs);
    req.on("error", ignore);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
  });
}

function failure(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Answer {
  return {
    status,
    body: JSON.stringify({ error: code, message }),
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  };
}

/** The answer ends the connection: the rest of the body is never read. */
function closing(answer: Answer): Answer {
  return { ...answer, headers: { ...answer.headers, connection: "close" } };
}

function send(req: NodeRequestLike, res: NodeResponseLike, answer: Answer): void {
  if (res.destroyed === true || res.headersSent === true) return;
  try {
    const body =
      typeof answer.body === "string" ? new TextEncoder().encode(answer.body) : answer.body;
    res.writeHead(answer.status, { ...answer.headers, "content-length": String(body.byteLength) });
    // With `connection: close` Node ends the socket once the answer is flushed, instead of
    // reading (and discarding) the rest of a body the client keeps sending.
    res.end(body);
  } catch {
    req.socket?.destroy?.();
  }
}

function ignore(): void {}
