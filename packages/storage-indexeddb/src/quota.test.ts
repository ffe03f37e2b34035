// A real QuotaExceededError needs the origin's quota lowered through the DevTools protocol before
// the page opens IndexedDB, which vitest's browser mode does not allow; so this test drives the
// system Chromium itself (with the benchmarks' page runner).
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runInChromium } from "../../../bench/src/chromium.js";

describe("IndexedDbStorage in Chromium with a small quota", () => {
  it("fails a batch that does not fit with QUOTA_EXCEEDED and writes none of it", async () => {
    const result = await runInChromium<{
      outcome: string;
      count: number;
      indexed: number;
      big0: unknown;
    }>(
      fileURLToPath(new URL("./testing/quota.page.ts", import.meta.url)),
      "runQuotaScenario",
      async (page) => {
        const session = await page.context().newCDPSession(page);
        await session.send("Storage.overrideQuotaForOrigin", {
          origin: new URL(page.url()).origin,
          quotaSize: 4 * 1024 * 1024,
        });
      },
    );
    expect(result).toEqual({ outcome: "QUOTA_EXCEEDED", count: 1, indexed: 1, big0: null });
  }, 60_000);
});
