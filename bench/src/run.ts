// `pnpm bench`: runs every benchmark, writes bench/results.json and prints a table.
import { readFile, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { activityBenchmarks } from "./activities.bench.js";
import { automationBenchmarks } from "./automations.bench.js";
import { chromiumVersion, runInChromium } from "./chromium.js";
import { compensationBenchmarks } from "./compensation.bench.js";
import type { BenchResult } from "./harness.js";
import { memoryBenchmarks } from "./memory.bench.js";
import { pipelineBenchmarks } from "./pipelines.bench.js";
import { postgresBenchmarks } from "./postgres.bench.js";
import { privacyBenchmarks } from "./privacy.bench.js";
import { reportBenchmarks } from "./reports.bench.js";
import { scoringBenchmarks } from "./scoring.bench.js";
import { segmentBenchmarks } from "./segments.bench.js";
import { segmentPostgresBenchmarks } from "./segments-postgres.bench.js";

const only = process.argv[2];
const file = fileURLToPath(new URL("../results.json", import.meta.url));
const results: BenchResult[] = [];
if (!only || only === "memory") results.push(...(await memoryBenchmarks()));
if (!only || only === "indexeddb") {
  results.push(
    ...(await runInChromium<BenchResult[]>(
      fileURLToPath(new URL("./indexeddb.page.ts", import.meta.url)),
      "runBenchmarks",
    )),
  );
}

if (!only || only === "segments") {
  results.push(...(await segmentBenchmarks()));
  results.push(
    ...(await runInChromium<BenchResult[]>(
      fileURLToPath(new URL("./segments-indexeddb.page.ts", import.meta.url)),
      "runSegmentBenchmarks",
    )),
  );
}

if (!only || only === "pipelines") results.push(...(await pipelineBenchmarks()));
if (!only || only === "scoring") results.push(...(await scoringBenchmarks()));
if (!only || only === "activities") results.push(...(await activityBenchmarks()));
if (!only || only === "automations") results.push(...(await automationBenchmarks()));
if (!only || only === "compensation") results.push(...(await compensationBenchmarks()));
if (!only || only === "privacy") results.push(...(await privacyBenchmarks()));
if (!only || only === "storage-postgres") results.push(...(await postgresBenchmarks()));
if (!only || only === "segments-postgres") results.push(...(await segmentPostgresBenchmarks()));
if (!only || only === "reports") results.push(...(await reportBenchmarks()));
if (!only || only === "reports-indexeddb") {
  results.push(
    ...(await runInChromium<BenchResult[]>(
      fileURLToPath(new URL("./reports-indexeddb.page.ts", import.meta.url)),
      "runReportBenchmarks",
    )),
  );
}

const machine = {
  cpu: `${cpus().length} × ${cpus()[0]?.model ?? "unknown"}`,
  memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
  node: process.version,
  chromium: await chromiumVersion(),
  date: new Date().toISOString(),
};
// A run of one area keeps the other areas' figures from the previous run.
const areas = new Set(results.map((result) => result.id.split(".")[0]));
const previous = only
  ? (JSON.parse(await readFile(file, "utf8").catch(() => "[]")) as BenchResult[]).filter(
      (result) => !areas.has(result.id.split(".")[0]),
    )
  : [];
await writeFile(file, `${JSON.stringify([...results, ...previous], null, 2)}\n`);
// The machine each area was last measured on: a partial run may happen on another machine.
const machineFile = file.replace(/results\.json$/, "machine.json");
const machines = only
  ? (JSON.parse(await readFile(machineFile, "utf8").catch(() => "{}")) as Record<string, unknown>)
  : {};
for (const area of areas) if (area !== undefined) machines[area] = machine;
await writeFile(machineFile, `${JSON.stringify(machines, null, 2)}\n`);

console.log(
  `\n${machine.cpu}, ${machine.memory}, Node ${machine.node}, Chromium ${machine.chromium}\n`,
);
const rows = results.map((result) => [
  result.id,
  `${result.value.toLocaleString("en-US")} ${result.unit}`,
  result.baseline ? `${result.baseline.value.toLocaleString("en-US")} ${result.unit}` : "",
  result.ratio === undefined ? "" : `${result.ratio}×`,
]);
const header = ["id", "value", "baseline", "cost ratio"];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column]!.length)),
);
const line = (cells: string[]) =>
  cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ");
console.log(line(header));
console.log(line(widths.map((width) => "-".repeat(width))));
for (const row of rows) console.log(line(row));
console.log(`\nwrote ${file}`);
