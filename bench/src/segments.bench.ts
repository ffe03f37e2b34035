import {
  createCrm,
  createTestEnvironment,
  crmStorageSchema,
  q,
  type SegmentQuery,
} from "@crmkit/core";
import { compileCondition } from "@crmkit/core/query";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { Query } from "mingo";
import sift from "sift";
import { type BenchResult, compareDurations, durationResult, median } from "./harness.js";
import { benchTaxonomy, makeSegmentContacts, seedSegmentWorkspace } from "./segment-data.js";

/** The 5-clause segment: status in a set, score ≥ 50, has tag, created after, country. */
const after = "2025-06-01T00:00:00.000Z";
export const fiveClauses: SegmentQuery = q.and(
  q.statusIn("customer", "prospect", "hot-prospect"),
  q.score("global").gte(50),
  q.hasTag("gold"),
  q.field("createdAt").gt(after),
  q.field("country").eq("FR"),
);
const mongoQuery = {
  status: { $in: ["customer", "prospect", "hot-prospect"] },
  "scores.global": { $gte: 50 },
  tags: "gold",
  createdAt: { $gt: after },
  country: "FR",
};

/** Times several contenders in rotating order; returns the median of each, in ms. */
async function race(
  runs: number,
  contenders: Record<string, () => void>,
): Promise<Record<string, number>> {
  const names = Object.keys(contenders);
  const times: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(run + k) % names.length]!;
      const started = performance.now();
      contenders[name]!();
      times[name]!.push(performance.now() - started);
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(times[name]!)]));
}

const round = (value: number) => Math.round(value * 10) / 10;
const ratio = (value: number) => Number(value.toPrecision(3));

export async function segmentBenchmarks(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const contacts = makeSegmentContacts(1_000_000);
  const compiled = compileCondition(fiveClauses, "contact", {
    taxonomy: benchTaxonomy,
    at: Date.parse("2026-11-01T00:00:00Z"),
    timezone: "UTC",
    teamOf: () => undefined,
  });
  if (!compiled.ok) throw new Error("the benchmark's condition does not compile");
  const condition = compiled.condition;
  const statuses = new Set(["customer", "prospect", "hot-prospect"]);
  const siftFilter = sift(mongoQuery);
  const mingoQuery = new Query(mongoQuery);
  const counts: Record<string, number> = {};
  const count = (name: string, test: (record: (typeof contacts)[number]) => boolean) => () => {
    let n = 0;
    for (const record of contacts) if (test(record)) n++;
    counts[name] = n;
  };
  const timed = await race(7, {
    compiled: count("compiled", (record) => condition.test(record)),
    loop: count("loop", (record) => {
      const score = (record.scores as { global?: number }).global;
      return (
        statuses.has(record.status as string) &&
        typeof score === "number" &&
        score >= 50 &&
        (record.tags as string[]).includes("gold") &&
        (record.createdAt as string) > after &&
        record.country === "FR"
      );
    }),
    // The same loop with its tests in the most selective order, as the compiler orders them.
    bestLoop: count("bestLoop", (record) => {
      const score = (record.scores as { global?: number }).global;
      return (
        record.country === "FR" &&
        (record.tags as string[]).includes("gold") &&
        statuses.has(record.status as string) &&
        typeof score === "number" &&
        score >= 50 &&
        (record.createdAt as string) > after
      );
    }),
    sift: count("sift", (record) => siftFilter(record)),
    mingo: count("mingo", (record) => mingoQuery.test(record)),
  });
  if (new Set(Object.values(counts)).size !== 1)
    throw new Error(`the contenders disagree: ${JSON.stringify(counts)}`);
  const note = `1,000,000 contacts, 5 clauses, ${counts.compiled!.toLocaleString("en-US")} members; median of 7`;
  const figure = (
    id: string,
    value: number,
    baseline?: [string, number],
    text = note,
  ): BenchResult => ({
    id,
    metric: "duration",
    value: round(value),
    unit: "ms",
    ...(baseline
      ? {
          baseline: { id: baseline[0], value: round(baseline[1]) },
          ratio: ratio(value / baseline[1]),
        }
      : {}),
    note: text,
  });
  const slower = `${note}; ratio = how many times slower than crmkit's compiled predicate`;
  results.push(
    figure("segments.compiled-1m", timed.compiled!, ["segments.hand-loop-1m", timed.loop!]),
    figure("segments.hand-loop-1m", timed.loop!, undefined, `${note}; tests in the query's order`),
    figure(
      "segments.compiled-vs-best-loop-1m",
      timed.compiled!,
      ["segments.hand-loop-best-order-1m", timed.bestLoop!],
      `${note}; baseline tests the most selective clauses first`,
    ),
    figure(
      "segments.hand-loop-best-order-1m",
      timed.bestLoop!,
      undefined,
      `${note}; tests the most selective clauses first`,
    ),
    figure("segments.sift-1m", timed.sift!, ["segments.compiled-1m", timed.compiled!], slower),
    figure("segments.mingo-1m", timed.mingo!, ["segments.compiled-1m", timed.compiled!], slower),
  );

  // A selective query through an index of the memory adapter, against the same query scanning.
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({
    storage,
    environment: createTestEnvironment({ now: Date.parse("2026-11-01T00:00:00Z") }),
  });
  await seedSegmentWorkspace(crm, storage, 100_000);
  const selective = q.and(q.field("territory").eq("T7"), q.score("global").gte(50));
  let pushed = { count: 0, examined: 0 };
  let scanned = { count: 0, examined: 0 };
  const measured = await compareDurations(
    7,
    async () => {
      pushed = await crm.segments.count({ query: selective });
    },
    async () => {
      scanned = await crm.segments.count({ query: selective }, { pushdown: false });
    },
  );
  if (pushed.count !== scanned.count) throw new Error("pushdown changed the result");
  const indexNote = `territory = T7 and score ≥ 50 over 100,000 contacts: ${pushed.count.toLocaleString("en-US")} members; examined ${pushed.examined.toLocaleString("en-US")} with the index vs ${scanned.examined.toLocaleString("en-US")} scanning`;
  results.push(
    ...durationResult(
      "segments.memory-index-count-100k",
      "segments.memory-scan-count-100k",
      measured,
      indexNote,
    ),
  );
  return results;
}
