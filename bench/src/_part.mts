import { history, scoringBenchmarks } from "./scoring.bench.js";
const which = process.argv[2];
const out = which === "history" ? await history() : await scoringBenchmarks();
for (const r of out) console.log(r.id, r.value, r.unit, r.ratio ?? "", (r.note ?? "").slice(0, 200));
