// The benchmark harness. It runs in Node and in the browser page, so it uses only what both have.

/** One figure of bench/results.json. */
export interface BenchResult {
  /** A stable dotted id, prefixed by the area, e.g. `storage-indexeddb.bulk-write-100k`. */
  readonly id: string;
  /** What is measured: `duration` or `throughput`. */
  readonly metric: "duration" | "throughput";
  /** The median of the measured runs. */
  readonly value: number;
  /** `ms` for durations, `ops/s` for throughputs. */
  readonly unit: "ms" | "ops/s";
  /** The baseline measured in the same run, if any. */
  readonly baseline?: { readonly id: string; readonly value: number };
  /**
   * The cost relative to the baseline: time ÷ baseline time (for throughputs, baseline ops/s ÷
   * ops/s). 1.2 means 20 % slower than the baseline; 0.5 means twice as fast.
   */
  readonly ratio?: number;
  /** Anything needed to read the figure (sizes, page sizes, runs). */
  readonly note?: string;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Times a candidate and its baseline alternately (A, B, A, B…) so that drift of a shared, noisy
 * machine hits both alike, and returns the median duration of each in milliseconds. `setup` runs
 * untimed before each timed run and is told which side is about to run.
 */
export async function compareDurations(
  runs: number,
  candidate: () => Promise<void> | void,
  baseline: () => Promise<void> | void,
  setup?: (which: "candidate" | "baseline") => Promise<void> | void,
): Promise<{ candidate: number; baseline: number }> {
  const times = { candidate: [] as number[], baseline: [] as number[] };
  for (let run = 0; run < runs; run++) {
    // Alternate which goes first, so neither always gets the warmer caches.
    const order =
      run % 2 === 0 ? (["candidate", "baseline"] as const) : (["baseline", "candidate"] as const);
    for (const which of order) {
      await setup?.(which);
      const started = performance.now();
      await (which === "candidate" ? candidate : baseline)();
      times[which].push(performance.now() - started);
    }
  }
  return { candidate: median(times.candidate), baseline: median(times.baseline) };
}

/** A duration figure with its baseline. */
export function durationResult(
  id: string,
  baselineId: string,
  measured: { candidate: number; baseline: number },
  note?: string,
): BenchResult[] {
  return [
    {
      id,
      metric: "duration",
      value: round(measured.candidate),
      unit: "ms",
      baseline: { id: baselineId, value: round(measured.baseline) },
      ratio: significant(measured.candidate / measured.baseline),
      ...(note ? { note } : {}),
    },
    {
      id: baselineId,
      metric: "duration",
      value: round(measured.baseline),
      unit: "ms",
      ...(note ? { note } : {}),
    },
  ];
}

/** A throughput figure (operations per second) with its baseline. */
export function throughputResult(
  id: string,
  baselineId: string,
  operations: number,
  measured: { candidate: number; baseline: number },
  note?: string,
): BenchResult[] {
  const ours = (operations / measured.candidate) * 1000;
  const theirs = (operations / measured.baseline) * 1000;
  return [
    {
      id,
      metric: "throughput",
      value: Math.round(ours),
      unit: "ops/s",
      baseline: { id: baselineId, value: Math.round(theirs) },
      ratio: significant(theirs / ours),
      ...(note ? { note } : {}),
    },
    {
      id: baselineId,
      metric: "throughput",
      value: Math.round(theirs),
      unit: "ops/s",
      ...(note ? { note } : {}),
    },
  ];
}

function significant(value: number): number {
  return Number(value.toPrecision(3));
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A contact-like benchmark record. */
export type BenchContact = {
  id: string;
  name: string;
  email: string;
  phone: string;
  status: string;
  country: string;
  tags: string[];
  owner: string;
  scores: { global: number };
  createdAt: string;
};

/** Contact-like records of about 300 bytes as JSON, deterministic for a seed. */
export function makeBenchContacts(count: number, random: () => number): BenchContact[] {
  const statuses = [
    "customer",
    "prospect",
    "hot prospect",
    "cold prospect",
    "competitor",
    "supplier",
  ];
  const countries = ["FR", "DE", "ES", "IT", "BE", "CH", "GB", "NL"];
  const tags = ["gold", "silver", "bronze", "newsletter", "event-2026", "partner"];
  return Array.from({ length: count }, (_, i) => ({
    id: `contact-${String(i).padStart(7, "0")}`,
    name: `Contact number ${i}`,
    email: `contact.${i}@example-company-${i % 977}.com`,
    phone: `+33 1 ${String(10_000_000 + i).slice(-8)}`,
    status: statuses[Math.floor(random() * statuses.length)]!,
    country: countries[Math.floor(random() * countries.length)]!,
    tags: tags.filter(() => random() < 0.25),
    owner: `rep-${Math.floor(random() * 40)}`,
    scores: { global: Math.floor(random() * 100) },
    createdAt: new Date(
      Date.UTC(2025, 0, 1) + Math.floor(random() * 600) * 86_400_000,
    ).toISOString(),
  }));
}
