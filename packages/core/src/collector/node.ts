import { type CollectorHandler, joinBytes, maxBodyBytes } from "./collector.js";

/** The parts of Node's `IncomingMessage` the adapter reads (structural, so core needs no Node types). */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  /** The HTTP method. */
  readonly method?: string | undefined;
  /** The path and query. */
  readonly url?: string | undefined;
  /** The headers, lower-cased. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The connection, for the client's address. */
  readonly socket?: NodeSocketLike | null;
}

/** The part of Node's socket the adapter reads. */
export interface NodeSocketLike {
  /** The client's IP address. */
  readonly remoteAddress?: string | undefined;
}

/** The parts of Node's `ServerResponse` the adapter writes. */
export interface NodeResponseLike {
  /** Writes the status and headers. */
  writeHead(status: number, headers: Record<string, string>): unknown;
  /** Writes the body and ends the response. */
  end(body?: Uint8Array | string): unknown;
}

/**
 * Adapts a collector to Node's `http` server: `http.createServer(toNodeListener(collect))`. The body
 * is kept up to the collector's limit (a larger one is drained, not buffered, and refused), and the
 * client IP is the socket's.
 */
export function toNodeListener(
  handler: CollectorHandler,
): (request: NodeRequestLike, response: NodeResponseLike) => Promise<void> {
  return async (req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
    }
    const method = req.method ?? "GET";
    let body: Uint8Array<ArrayBuffer> | undefined;
    if (method !== "GET" && method !== "HEAD") {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of req) {
        const bytes: Uint8Array =
          typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
        // Past the limit the rest is drained, not kept: enough is known to refuse it, and breaking
        // off would destroy the socket before the answer is written.
        if (size > maxBodyBytes) continue;
        size += bytes.byteLength;
        chunks.push(bytes);
      }
      body = joinBytes(chunks, size);
    }
    const request = new Request(`http://${headers.get("host") ?? "localhost"}${req.url ?? "/"}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const remoteAddress = req.socket?.remoteAddress;
    const response = await handler(
      request,
      remoteAddress === undefined ? {} : { ip: remoteAddress },
    );
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    res.writeHead(response.status, out);
    res.end(new Uint8Array(await response.arrayBuffer()));
  };
}
