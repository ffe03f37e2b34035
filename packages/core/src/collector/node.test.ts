import { describe, expect, it } from "vitest";
import type { CollectorHandler } from "./collector.js";
import { type NodeRequestLike, type NodeResponseLike, toNodeListener } from "./node.js";

type Listener = (...args: unknown[]) => void;

/** A request whose body events the test drives, like Node's IncomingMessage. */
function fakeRequest(init: Partial<NodeRequestLike> & { headers?: Record<string, string> }) {
  const listeners = new Map<string, Listener[]>();
  const request = {
    method: "POST",
    url: "/hits",
    httpVersion: "1.1",
    complete: false,
    socket: { remoteAddress: "203.0.113.9", destroy: () => {} },
    ...init,
    headers: { host: "collect.example.com", ...init.headers },
    on(event: string, listener: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return request;
    },
    off(event: string, listener: Listener) {
      listeners.set(
        event,
        (listeners.get(event) ?? []).filter((l) => l !== listener),
      );
      return request;
    },
    emit(event: string, ...args: unknown[]) {
      for (const listener of listeners.get(event) ?? []) listener(...args);
    },
  };
  return request;
}

function fakeResponse() {
  const response = {
    status: 0,
    headers: {} as Record<string, string>,
    body: "",
    headersSent: false as boolean,
    destroyed: false,
    writeHead(status: number, headers: Record<string, string>) {
      response.status = status;
      response.headers = headers;
      response.headersSent = true;
    },
    end(body?: Uint8Array | string) {
      response.body = typeof body === "string" ? body : new TextDecoder().decode(body);
    },
    on() {},
  } satisfies NodeResponseLike & Record<string, unknown>;
  return response;
}

const echo: CollectorHandler = async (request, context) =>
  new Response(
    JSON.stringify({
      method: request.method,
      url: request.url,
      body: await request.text(),
      ...context,
    }),
    { status: 200 },
  );

describe("toNodeListener", () => {
  it("answers 405 for methods a Request cannot carry, without calling the handler", async () => {
    for (const method of ["TRACE", "TRACK", "CONNECT", "PROPFIND", "M-SEARCH"]) {
      const res = fakeResponse();
      let called = false;
      await toNodeListener(async () => {
        called = true;
        return new Response();
      })(fakeRequest({ method }), res);
      expect([method, res.status, JSON.parse(res.body).error]).toEqual([
        method,
        405,
        "METHOD_NOT_ALLOWED",
      ]);
      expect(res.headers.allow).toBe("POST, OPTIONS");
      expect(called).toBe(false);
    }
  });

  it("answers 400 for a Host or target that is not a URL", async () => {
    for (const [host, url] of [
      ["[", "/hits"],
      ["a b", "/hits"],
      ["", "/hits"],
      ["ok.example", "http://[/x"],
      ["ok.example", "*"],
    ] as const) {
      const res = fakeResponse();
      await toNodeListener(echo)(fakeRequest({ method: "GET", url, headers: { host } }), res);
      expect([host, url, res.status]).toEqual([host, url, 400]);
    }
  });

  it("keeps a protocol-relative target on the request's own host", async () => {
    const res = fakeResponse();
    await toNodeListener(echo)(fakeRequest({ method: "GET", url: "//evil.example/hits" }), res);
    expect(JSON.parse(res.body).url).toBe("http://collect.example.com//evil.example/hits");
  });

  it("passes the body and the socket's address to the handler", async () => {
    const req = fakeRequest({});
    const res = fakeResponse();
    const done = toNodeListener(echo)(req, res);
    req.emit("data", new TextEncoder().encode("he"));
    req.emit("data", "llo");
    req.emit("end");
    await done;
    expect(JSON.parse(res.body)).toEqual({
      method: "POST",
      url: "http://collect.example.com/hits",
      body: "hello",
      ip: "203.0.113.9",
    });
  });

  it("answers 413 on a declared length over the limit before reading, and closes", async () => {
    const res = fakeResponse();
    await toNodeListener(echo)(fakeRequest({ headers: { "content-length": "10000000" } }), res);
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe("close");
  });

  it("answers 413 as soon as a streamed body passes the limit", async () => {
    const req = fakeRequest({});
    const res = fakeResponse();
    const done = toNodeListener(echo, { maxBodyBytes: 10 })(req, res);
    req.emit("data", "0123456789");
    req.emit("data", "x");
    await done;
    expect([res.status, res.headers.connection]).toEqual([413, "close"]);
  });

  it("answers 408 when the body is not complete in time, and closes", async () => {
    const req = fakeRequest({});
    const res = fakeResponse();
    const done = toNodeListener(echo, { bodyTimeoutMs: 20 })(req, res);
    req.emit("data", "partial");
    await done;
    expect([res.status, res.headers.connection]).toEqual([408, "close"]);
  });

  it("settles quietly, answering nothing, when the client goes away mid-body", async () => {
    const req = fakeRequest({});
    const res = fakeResponse();
    let called = false;
    const done = toNodeListener(async () => {
      called = true;
      return new Response();
    })(req, res);
    req.emit("data", "par");
    req.emit("error", new Error("aborted"));
    req.emit("close");
    await expect(done).resolves.toBeUndefined();
    expect([res.headersSent, called]).toEqual([false, false]);
  });

  it("answers 500 when the handler throws, and never rejects", async () => {
    const res = fakeResponse();
    const done = toNodeListener(async () => {
      throw new Error("boom");
    })(fakeRequest({ method: "GET" }), res);
    await expect(done).resolves.toBeUndefined();
    expect([res.status, JSON.parse(res.body).error]).toEqual([500, "INTERNAL"]);
  });

  it("writes nothing to a response whose connection is gone", async () => {
    const res = { ...fakeResponse(), destroyed: true };
    let wrote = false;
    res.writeHead = () => {
      wrote = true;
    };
    await toNodeListener(echo)(fakeRequest({ method: "GET" }), res);
    expect(wrote).toBe(false);
  });
});
