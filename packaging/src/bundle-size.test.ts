// Each public entry bundled for a page from the built packages, with esbuild and with rollup:
// under its ceiling, and without text that has no business there. Needs `pnpm build` first (the
// README's check runs it before the tests).
import { describe, expect, it } from "vitest";
import { type BundleSize, esbuildSize, rollupSize, sizeEntries } from "./sizes.js";

describe("what a page pays for each entry", () => {
  const esbuilt = new Map<string, BundleSize>();

  for (const entry of sizeEntries) {
    it(`${entry.name}: within its ceiling with esbuild, and rollup does no worse`, async () => {
      const ours = await esbuildSize(entry.source);
      esbuilt.set(entry.name, ours);
      const base = entry.beyond === undefined ? undefined : esbuilt.get(entry.beyond);
      if (entry.beyond !== undefined) expect(base, "measured after its base").toBeDefined();
      const cost = ours.gzip - (base?.gzip ?? 0);
      expect(cost, `${entry.name}: ${cost} B gzip`).toBeLessThanOrEqual(entry.ceiling);
      for (const text of entry.forbidden ?? []) expect(ours.code).not.toContain(text);

      const rolled = await rollupSize(entry.source);
      const rolledBase =
        entry.beyond === undefined
          ? 0
          : (await rollupSize(sizeEntries.find((e) => e.name === entry.beyond)!.source)).gzip;
      // rollup + terser tree-shakes at least as well as esbuild; a gap means a module rollup
      // must keep (a side effect at top level), which is what this guards against.
      expect(rolled.gzip - rolledBase).toBeLessThanOrEqual(Math.max(cost * 1.1, cost + 2048));
      for (const text of entry.forbidden ?? []) expect(rolled.code).not.toContain(text);
    });
  }
});
