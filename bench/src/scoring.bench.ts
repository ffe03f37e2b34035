// Collector and scoring: in-process handler throughput against a bare handler (accepting, and
// accepting then scoring), loopback HTTP with autocannon against the same bare server, the cost of
// a hit for a loyal visitor against a new one, and rescoring 1,000,000 stored hits.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import {
  type Crm,
  collections,
  createCrm,
  createTestEnvironment,
  crmStorageSchema,
} from "@crmkit/core";
import { createCollector } from "@crmkit/core/collector";
import { openMemoryStorage } from "@crmkit/storage-memory";
import autocannon from "autocannon";
import { type BenchResult, compareDurations, durationResult, throughputResult } from "./harness.js";
import { benchModel, benchPaths } from "./scoring-model.js";

const chrome =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
const start = Date.parse("2026-05-18T10:00:00Z");

/**
 * Which visitor sends each hit: a Zipf-like mix (exponent 1.1) where a few loyal visitors send
 * many hits and most send one or two, deterministic for a seed.
 */
export function zipfVisitors(count: number, visitors: number, seed = 7): number[] {
  const weights = Array.from({ length: visitors }, (_, rank) => 1 / (rank + 1) ** 1.1);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const cumulative: number[] = [];
  let running = 0;
  for (const weight of weights) {
    running += weight / total;
    cumulative.push(running);
  }
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return Array.from({ length: count }, () => {
    const draw = random();
    let low = 0;
    let high = visitors - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < draw) low = middle + 1;
      else high = middle;
    }
    return low;
  });
}

function bodies(count: number, visitors: number): string[] {
  const who = zipfVisitors(count, visitors);
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      site: "pk_bench",
      id: `evt_${String(i).padStart(10, "0")}`,
      type: "pageview",
      url: `https://example.com${benchPaths[i % benchPaths.length]}`,
      ts: start - (count - i) * 1_000,
      vid: `visitor_${String(who[i]).padStart(6, "0")}`,
    }),
  );
}

async function identifiedWorkspace(visitors: number): Promise<Crm> {
  const crm = await createCrm({
    storage: await openMemoryStorage({ schema: crmStorageSchema }),
    environment: createTestEnvironment({ now: start }),
  });
  await crm.scoring.setModel(benchModel);
  const report = await crm.contacts.import(
    Array.from({ length: visitors }, (_, i) => ({ id: `c${i}`, email: `v${i}@example.com` })),
  );
  if (report.failures.length > 0) throw new Error("import failed");
  for (let i = 0; i < visitors; i++)
    await crm.scoring.identify({
      siteId: "pk_bench",
      visitorId: `visitor_${String(i).padStart(6, "0")}`,
      contactId: `c${i}`,
    });
  return crm;
}

/**
 * In process, through the collector's handler: accepting only (the drain left to another
 * process), and accepting then scoring (the background drain, waited for at the end), each
 * against a bare handler that reads and parses the same bodies.
 */
async function inProcess(): Promise<BenchResult[]> {
  const hits = 5_000;
  const visitors = 1_000;
  const payloads = bodies(hits, visitors);
  const bare = async (request: Request) => {
    JSON.parse(await request.text());
    return new Response('{"ok":true}', { status: 202 });
  };
  const send = async (handle: (request: Request) => Promise<Response>) => {
    for (const body of payloads) {
      const response = await handle(
        new Request("https://collect.example.com/", {
          method: "POST",
          headers: { "content-type": "text/plain", "user-agent": chrome },
          body,
        }),
      );
      if (response.status !== 202)
        throw new Error(`status ${response.status}: ${await response.text()}`);
    }
  };
  const results: BenchResult[] = [];
  for (const drain of [false, true]) {
    let crm: Crm | undefined;
    let handler: (request: Request) => Promise<Response> = bare;
    const measured = await compareDurations(
      3,
      async () => {
        await send(handler);
        await crm!.scoring.settle();
      },
      () => send(bare),
      async (which) => {
        if (which !== "candidate") return;
        crm = await identifiedWorkspace(visitors);
        const collect = createCollector({
          scoring: crm.scoring,
          sites: [{ key: "pk_bench", hostnames: ["example.com"] }],
          visitorSecret: "bench-visitor-secret-0123456789abcdef",
          environment: createTestEnvironment({ now: start }),
          clientRateLimit: { burst: 1e9, perSecond: 1e9 },
          siteRateLimit: { burst: 1e9, perSecond: 1e9 },
          drain,
        });
        handler = (request) => collect(request, { ip: "203.0.113.7" });
      },
    );
    if (drain) {
      const left = await crm!.scoring.drain();
      if (left.scored !== 0) throw new Error(`${left.scored} hits were left unscored`);
    }
    results.push(
      ...throughputResult(
        drain ? "scoring.end-to-end-in-process" : "scoring.collector-accept-in-process",
        drain ? "scoring.bare-handler-in-process" : "scoring.bare-handler-accept",
        hits,
        measured,
        `${hits.toLocaleString("en-US")} single-hit requests from ${visitors.toLocaleString("en-US")} identified visitors in a Zipf-like mix (a few send hundreds, most one or two), memory store, 7 rules; ${
          drain
            ? "accepted, then scored by the collector's background drain until the queue is empty (goal ratio ≤ 4)"
            : "accepted only: validated, deduped, stored with their queue records (goal ratio ≤ 2)"
        }`,
      ),
    );
  }
  return results;
}

const who = zipfVisitors(200_000, 5_000);

async function loopback(mode: "scoring" | "bare") {
  const script = fileURLToPath(new URL("./collector-server.ts", import.meta.url));
  // The server gets one core; autocannon runs on the other.
  const child = spawn("taskset", ["-c", "0", process.execPath, "--import", "tsx", script, mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [chunk] = (await once(child.stdout!, "data")) as [Buffer];
  const port = Number(chunk.toString().trim());
  let n = 0;
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/hits`,
      connections: 20,
      duration: 10,
      method: "POST",
      headers: { "content-type": "text/plain", "user-agent": chrome },
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            const i = n++;
            return {
              ...request,
              body: JSON.stringify({
                site: "pk_bench",
                id: `evt_${String(i).padStart(10, "0")}`,
                type: "pageview",
                url: `https://example.com${benchPaths[i % benchPaths.length]}`,
                ts: Date.now() - 1_000,
                vid: `visitor_${String(who[i % who.length]).padStart(6, "0")}`,
              }),
            };
          },
        },
      ],
    });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
    return { rps: result.requests.average, p99: result.latency.p99, total: result.requests.total };
  } finally {
    child.kill();
  }
}

async function overHttp(): Promise<BenchResult[]> {
  const scoring = await loopback("scoring");
  const bare = await loopback("bare");
  const note = (r: { p99: number; total: number }) =>
    `autocannon, 20 connections, 10 s, server pinned to one core; p99 ${r.p99} ms; ${r.total.toLocaleString("en-US")} requests; anonymous visitors in a Zipf-like mix; the collector accepts (validates, dedupes, stores with queue records) and leaves the drain to another process (goal ratio ≤ 2)`;
  return [
    {
      id: "scoring.collector-http",
      metric: "throughput",
      value: Math.round(scoring.rps),
      unit: "ops/s",
      baseline: { id: "scoring.bare-http", value: Math.round(bare.rps) },
      ratio: Number((bare.rps / scoring.rps).toPrecision(3)),
      note: note(scoring),
    },
    {
      id: "scoring.bare-http",
      metric: "throughput",
      value: Math.round(bare.rps),
      unit: "ops/s",
      note: note(bare),
    },
  ];
}

async function rescore(): Promise<BenchResult[]> {
  const contacts = 50_000;
  const hits = 1_000_000;
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({ storage, environment: createTestEnvironment({ now: start }) });
  await crm.scoring.setModel(benchModel);
  for (let from = 0; from < contacts; from += 10_000)
    await crm.contacts.import(
      Array.from({ length: 10_000 }, (_, i) => ({
        id: `c${from + i}`,
        email: `v${from + i}@example.com`,
      })),
    );
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let from = 0; from < hits; from += 10_000) {
    await storage.write(
      Array.from({ length: 10_000 }, (_, k) => {
        const i = from + k;
        return {
          type: "put" as const,
          collection: collections.hits,
          record: {
            id: `pk_bench:evt_${i}`,
            siteId: "pk_bench",
            contactId: `c${i % contacts}`,
            type: "pageview",
            url: `https://example.com${benchPaths[(i * 7) % benchPaths.length]}`,
            at: iso(start - 60 * 86_400_000 + i * 5_000),
            receivedAt: iso(start),
          },
        };
      }),
    );
  }
  await crm.scoring.rescore(); // the first scoring of every contact
  const changed = {
    ...benchModel,
    rules: benchModel.rules.map((rule) => (rule.id === "docs" ? { ...rule, points: 3 } : rule)),
  };
  await crm.scoring.setModel(changed);
  let report = { written: 0 };
  const measured = await compareDurations(
    1,
    async () => {
      report = await crm.scoring.rescore();
    },
    async () => {
      let count = 0;
      for await (const batch of storage.scan({ collection: collections.hits, batchSize: 1_000 }))
        count += batch.length;
      if (count !== hits) throw new Error("scan");
    },
  );
  return durationResult(
    "scoring.rescore-1m-hits",
    "scoring.scan-1m-hits",
    measured,
    `${hits.toLocaleString("en-US")} hits, ${contacts.toLocaleString("en-US")} contacts, memory store, after changing one rule's points: ${report.written.toLocaleString("en-US")} ledger entries rewritten in place; baseline: one scan of the hits`,
  );
}

/**
 * CPU per scored hit for a loyal visitor (10,000 stored hits over two years) against a new one
 * (10 hits): a hit's cost must not grow with its contact's history.
 */
export async function history(): Promise<BenchResult[]> {
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({ storage, environment: createTestEnvironment({ now: start }) });
  await crm.scoring.setModel(benchModel);
  await crm.contacts.import([
    { id: "loyal", email: "loyal@example.com" },
    { id: "new", email: "new@example.com" },
  ]);
  const iso = (ms: number) => new Date(ms).toISOString();
  const sizes = { loyal: 10_000, new: 10 };
  const span = 730 * 86_400_000;
  const end = start - 86_400_000;
  for (const [contactId, count] of Object.entries(sizes)) {
    const step = Math.floor((contactId === "loyal" ? span : 10 * 86_400_000) / count);
    for (let from = 0; from < count; from += 5_000)
      await storage.write(
        Array.from({ length: Math.min(5_000, count - from) }, (_, k) => {
          const i = from + k;
          return {
            type: "put" as const,
            collection: collections.hits,
            record: {
              id: `pk_bench:${contactId}_${i}`,
              siteId: "pk_bench",
              contactId,
              type: "pageview",
              url: `https://example.com${benchPaths[(i * 7) % benchPaths.length]}`,
              at: iso(end - (count - i) * step),
              receivedAt: iso(end),
            },
          };
        }),
      );
  }
  await crm.scoring.rescore({ contactIds: Object.keys(sizes) });
  const perRun = 200;
  const next = { loyal: 0, new: 0 };
  const send = async (contactId: "loyal" | "new") => {
    for (let k = 0; k < perRun; k++) {
      const i = next[contactId]++;
      await crm.scoring.ingest([
        {
          siteId: "pk_bench",
          id: `${contactId}_live_${i}`,
          contactId,
          type: "pageview",
          url: `https://example.com${benchPaths[(i * 3) % benchPaths.length]}`,
          at: end + i * 60_000,
        },
      ]);
    }
  };
  await send("loyal");
  await send("new");
  const measured = await compareDurations(
    7,
    () => send("loyal"),
    () => send("new"),
  );
  const perHit = (ms: number) => ((ms / perRun) * 1000).toFixed(0);
  return durationResult(
    "scoring.history-10000-vs-10",
    "scoring.history-10",
    measured,
    `${perRun} in-order hits scored one call each for a contact with 10,000 stored hits over two years vs one with 10; memory store, benchmark model (30-day half-life); µs per hit: ${perHit(measured.candidate)} vs ${perHit(measured.baseline)} (goal ratio ≤ 1.2)`,
  );
}

/** The scoring area of `pnpm bench`. */
export async function scoringBenchmarks(): Promise<BenchResult[]> {
  return [
    ...(await inProcess()),
    ...(await overHttp()),
    ...(await history()),
    ...(await rescore()),
  ];
}
