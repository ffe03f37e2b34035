// Prints the size table of docs/benchmarks.md: `pnpm build && pnpm --filter @crmkit/packaging sizes`.
import { esbuildSize, rollupSize, sizeEntries } from "./sizes.js";

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const done = new Map<string, { e: number; r: number }>();
process.stdout.write(
  "| entry | esbuild min / gzip | rollup + terser min / gzip | ceiling | goal |\n",
);
process.stdout.write("|---|---|---|---|---|\n");
for (const entry of sizeEntries) {
  const [e, r] = [await esbuildSize(entry.source), await rollupSize(entry.source)];
  done.set(entry.name, { e: e.gzip, r: r.gzip });
  const base = entry.beyond === undefined ? undefined : done.get(entry.beyond);
  const note =
    base === undefined ? "" : ` (beyond: ${kb(e.gzip - base.e)} / ${kb(r.gzip - base.r)})`;
  process.stdout.write(
    `| ${entry.name} | ${kb(e.minified)} / ${kb(e.gzip)} | ${kb(r.minified)} / ${kb(r.gzip)}${note} | ${kb(entry.ceiling)} | ${kb(entry.goal)} |\n`,
  );
}
