// Each public entry bundled for a page from the built packages, with esbuild and with rollup:
// under its ceiling, and without text that has no business there. Needs `pnpm build` first (the
// README's check runs it before the tests).
import { describe, expect, it } from "vitest";
import { type BundleSize, esbuildSize, rollupSize, sizeEntries } from "./sizes.js";

describe("what a page pays for each entry", () => {
  // Each entry is bundled once per bundler; an entry measured beyond another reads its sizes here.
  const measured = new Map<string, { esbuild: BundleSize; rollup: BundleSize }>();

  for (const entry of sizeEntries) {
    it(`${entry.name}: within its ceiling with esbuild, and rollup does no worse`, async () => {
      const ours = {
        esbuild: await esbuildSize(entry.source),
        rollup: await rollupSize(entry.source),
      };
      measured.set(entry.name, ours);
      const base = entry.beyond === undefined ? undefined : measured.get(entry.beyond);
      if (entry.beyond !== undefined) expect(base, "measured after its base").toBeDefined();
      const cost = ours.esbuild.gzip - (base?.esbuild.gzip ?? 0);
      expect(cost, `${entry.name}: ${cost} B gzip`).toBeLessThanOrEqual(entry.ceiling);
      // rollup + terser tree-shakes at least as well as esbuild; a gap means a module rollup
      // must keep (a side effect at top level), which is what this guards against.
      const rolled = ours.rollup.gzip - (base?.rollup.gzip ?? 0);
      expect(rolled).toBeLessThanOrEqual(Math.max(cost * 1.1, cost + 2048));
      for (const text of entry.forbidden ?? []) {
        expect(ours.esbuild.code).not.toContain(text);
        expect(ours.rollup.code).not.toContain(text);
      }
    });
  }
});
