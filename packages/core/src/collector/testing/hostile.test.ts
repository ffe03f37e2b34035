// Hostile clients against real servers in child processes: the collector's Node adapter (through a
// small fixture) and examples/collector-server. Whatever a client sends, the server process stays
// up, every request that can be answered gets its documented answer, and a good hit sent afterwards
// is stored exactly once. Everything runs on 127.0.0.1, bounded in count and time.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Exchange, exchange, type Served, type Step, serve } from "./clients.js";

const chrome =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
const root = fileURLToPath(new URL("../../../../../", import.meta.url));

function post(body: string, extra = ""): string {
  return `POST /hits HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nUser-Agent: ${chrome}\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function hit(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: "pageview",
    url: "http://localhost/pricing",
    ts: Date.now() - 1_000,
    ...extra,
  };
}

interface Case {
  readonly name: string;
  readonly steps: readonly Step[];
  /** The statuses expected, in order; `[]` when the connection ends unanswered. */
  readonly statuses: readonly number[];
  /** The server must close the connection after answering. */
  readonly closes?: boolean;
  /** What examples/collector-server answers instead, where its routing comes first. */
  readonly example?: readonly number[];
}

/** The corpus; `deadline` is the server's body deadline, so the slow cases outlast it. */
function corpus(deadline: number): Case[] {
  const drip: Step[] = [
    `POST /hits HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 400\r\n\r\n`,
  ];
  for (let i = 0; i * 250 < deadline + 1_000; i++) drip.push({ wait: 250 }, "x");
  const valid = JSON.stringify({ site: "pk_local", ...hit("abortedbody01") });
  return [
    {
      name: "a client that hangs up in the middle of a body",
      steps: [
        `POST /hits HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${valid.length}\r\n\r\n`,
        valid.slice(0, 20),
        { wait: 50 },
        "hang up",
      ],
      statuses: [],
    },
    {
      name: "a client that hangs up in the middle of its headers",
      steps: ["POST /hits HTTP/1.1\r\nHost: loc", { wait: 50 }, "hang up"],
      statuses: [],
    },
    { name: "TRACE", steps: ["TRACE /hits HTTP/1.1\r\nHost: localhost\r\n\r\n"], statuses: [405] },
    // Node's parser refuses methods it does not know before the listener sees them.
    { name: "TRACK", steps: ["TRACK /hits HTTP/1.1\r\nHost: localhost\r\n\r\n"], statuses: [400] },
    {
      name: "CONNECT (no tunnel is offered: the connection is closed)",
      steps: ["CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n\r\n"],
      statuses: [],
      closes: true,
    },
    {
      name: "an invalid Host",
      steps: [post("{}").replace("Host: localhost", "Host: [")],
      statuses: [400],
    },
    {
      name: "a Host with a path in it",
      steps: [post("{}").replace("Host: localhost", "Host: evil.example/x?")],
      statuses: [400],
    },
    {
      name: "HTTP/1.1 without Host",
      steps: ["GET /hits HTTP/1.1\r\n\r\n"],
      statuses: [400],
    },
    {
      name: "HTTP/1.0 without Host (served as localhost, reaches the collector)",
      steps: ["GET /hits HTTP/1.0\r\n\r\n"],
      statuses: [405],
    },
    {
      name: "an absolute target that is not a URL",
      steps: ["GET http://[/hits HTTP/1.1\r\nHost: localhost\r\n\r\n"],
      statuses: [400],
      // The example routes by path only: no path, no route.
      example: [404],
    },
    {
      name: "a good request followed by pipelined garbage",
      steps: [
        "GET /hits HTTP/1.1\r\nHost: localhost\r\n\r\n",
        { wait: 200 },
        "GARBAGE \u0001\u0002 NOT HTTP\r\n\r\n",
      ],
      statuses: [405, 400],
    },
    { name: "a body dripped byte by byte", steps: drip, statuses: [408], closes: true },
    {
      name: "a declared length of 10 MB",
      steps: [
        `POST /hits HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n`,
        "x".repeat(1_000),
      ],
      statuses: [413],
      closes: true,
    },
    {
      name: "a chunked body that never ends",
      steps: [
        `POST /hits HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`,
        { wait: deadline + 500 },
      ],
      statuses: [408],
      closes: true,
    },
    {
      name: "a chunked body that grows past the limit",
      steps: [
        `POST /hits HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n2328\r\n${"x".repeat(9_000)}\r\n`,
        { wait: 200 },
      ],
      statuses: [413],
      closes: true,
    },
    { name: "a body that is not JSON", steps: [post("{not json")], statuses: [400] },
    {
      name: "a hit with a lone surrogate",
      steps: [
        post(
          JSON.stringify({
            site: "pk_local",
            ...hit("surrogate01", { url: "http://localhost/\ud800" }),
          }),
        ),
      ],
      statuses: [400],
    },
    {
      name: "a hit with prototype names as properties",
      steps: [
        post(
          `{"site":"pk_local","id":"protoname01","type":"event","name":"x","url":"http://localhost/","ts":${Date.now()},"props":{"__proto__":{"polluted":1},"constructor":1}}`,
        ),
      ],
      statuses: [400],
    },
  ];
}

async function runCorpus(served: Served, deadline: number, example = false): Promise<void> {
  const cases = corpus(deadline);
  const results: Exchange[] = await Promise.all(
    cases.map((entry) => exchange(served.port, entry.steps, 1_500)),
  );
  const seen = cases.map((entry, i) => ({
    name: entry.name,
    statuses: results[i]!.statuses,
    ...(entry.closes ? { closed: results[i]!.closedByServer } : {}),
  }));
  expect(seen).toEqual(
    cases.map((entry) => ({
      name: entry.name,
      statuses: example ? (entry.example ?? entry.statuses) : entry.statuses,
      ...(entry.closes ? { closed: true } : {}),
    })),
  );
  expect(served.child.exitCode).toBeNull();
  expect(served.errors()).toBe("");
}

describe("the Node adapter under hostile clients", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(
      fileURLToPath(new URL("./server.fixture.ts", import.meta.url)),
      { BODY_TIMEOUT_MS: "1000" },
      /listening (\d+)/,
      root,
    );
  }, 60_000);
  afterAll(() => served?.stop());

  it("stays up, answers each as documented, then stores a good hit once", async () => {
    await runCorpus(served, 1_000);
    const good = post(JSON.stringify({ site: "pk_local", ...hit("goodhit00001") }));
    const first = await exchange(served.port, [good], 500);
    expect(first.status).toBe(202);
    expect(JSON.parse(first.body)).toMatchObject({ accepted: 1, duplicates: 0 });
    const again = await exchange(served.port, [good], 500);
    expect(JSON.parse(again.body)).toMatchObject({ accepted: 0, duplicates: 1 });
    const stored = await exchange(
      served.port,
      ["GET /__stored HTTP/1.1\r\nHost: localhost\r\n\r\n"],
      500,
    );
    expect(JSON.parse(stored.body)).toEqual({ count: 1 });
  }, 60_000);
});

describe("examples/collector-server under hostile clients", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(
      "examples/collector-server/src/server.ts",
      { PORT: "0", HOST: "127.0.0.1" },
      /collector on http:\/\/127\.0\.0\.1:(\d+)\/hits/,
      root,
    );
  }, 60_000);
  afterAll(() => served?.stop());

  it("stays up, answers each as documented, then scores a good hit once", async () => {
    await runCorpus(served, 5_000, true);
    const signed = await exchange(
      served.port,
      ["GET /sign HTTP/1.1\r\nHost: localhost\r\n\r\n"],
      500,
    );
    const { token } = JSON.parse(signed.body) as { token: string };
    const body = JSON.stringify({
      site: "pk_local",
      hits: [
        {
          id: "identify0001",
          type: "identify",
          token,
          url: "http://localhost/app",
          ts: Date.now() - 2_000,
        },
        hit("goodhit00001"),
      ],
    });
    const first = await exchange(served.port, [post(body)], 500);
    expect(first.status).toBe(202);
    const again = await exchange(served.port, [post(body)], 500);
    expect(JSON.parse(again.body)).toMatchObject({ accepted: 0, duplicates: 1 });
    const score = await exchange(
      served.port,
      ["GET /score HTTP/1.1\r\nHost: localhost\r\n\r\n"],
      500,
    );
    const [global] = JSON.parse(score.body) as { contributions: { ruleId: string }[] }[];
    expect(global!.contributions.filter((c) => c.ruleId === "pricing")).toHaveLength(1);
    const bad = await exchange(
      served.port,
      ["GET /score?contact=%00nope HTTP/1.1\r\nHost: [\r\n\r\n"],
      500,
    );
    expect(bad.status).toBeLessThan(500);
    expect(served.child.exitCode).toBeNull();
  }, 60_000);
});
