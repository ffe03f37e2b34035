// The page's entry: opens the workspace in IndexedDB, fills it with a generated year on the first
// visit, then reads the figures through crmkit's reports and draws them. Nothing leaves the browser.
import { createCrm, createTestEnvironment, crmStorageSchema } from "@crmkit/core";
import type { StorageAdapter } from "@crmkit/core/storage";
import { deleteIndexedDbStorage, openIndexedDbStorage } from "@crmkit/storage-indexeddb";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { type DashboardFigures, dashboardFigures } from "./figures.js";
import { asOf, generateYear, timezone } from "./generate.js";
import { renderDashboard } from "./render.js";

const databaseName = "crmkit-dashboard";

declare global {
  // The figures drawn, for the test (and for curious readers in the console).
  var crmkitDashboard: DashboardFigures | undefined;
}

/** Set once a generation has finished: a half-written workspace (a tab closed midway) is redone. */
const readyKey = "crmkit-dashboard-ready";

/** Every record of `from` written into `to`, 2,000 to a batch. */
async function copyInto(to: StorageAdapter, from: StorageAdapter): Promise<void> {
  for (const { name } of crmStorageSchema.collections)
    for await (const batch of from.scan({ collection: name, batchSize: 2_000 }))
      await to.write(batch.map((record) => ({ type: "put" as const, collection: name, record })));
}

async function main(root: HTMLElement): Promise<void> {
  // The clock is pinned so the generated data and its figures are the same on every machine; an
  // application passes `createEnvironment()` (the real clock) instead.
  const environment = createTestEnvironment({ now: asOf, seed: 2026 });
  // One tab at a time checks and generates: a second tab opened meanwhile waits, then reads.
  const crm = await navigator.locks.request(databaseName, async () => {
    const reset = new URLSearchParams(location.search).has("reset");
    const ready = localStorage.getItem(readyKey) === asOf;
    if (reset || !ready) {
      localStorage.removeItem(readyKey);
      await deleteIndexedDbStorage(databaseName);
    }
    const storage = await openIndexedDbStorage({ name: databaseName, schema: crmStorageSchema });
    if (reset || !ready) {
      const status = root.querySelector("[data-status]") ?? root;
      const started = performance.now();
      // The year is played through crmkit's API on the memory store (about 2,700 events, each its
      // own batch), then stored in IndexedDB in large batches, as a host restores a backup: one
      // transaction per 2,000 records instead of one per event.
      const memory = await openMemoryStorage({ schema: crmStorageSchema });
      await generateYear(await createCrm({ storage: memory, environment, timezone }), environment, {
        progress(done, total) {
          if (done % 200 === 0 || done === total)
            status.textContent = `Generating a year of sales… ${Math.round((done * 100) / total)} %`;
        },
      });
      status.textContent = "Storing it in IndexedDB…";
      await copyInto(storage, memory);
      await memory.close();
      root.setAttribute("data-generated-ms", String(Math.round(performance.now() - started)));
      localStorage.setItem(readyKey, asOf);
    }
    return createCrm({ storage, environment, timezone });
  });
  environment.set(asOf);
  const started = performance.now();
  const figures = await dashboardFigures(crm);
  root.setAttribute("data-read-ms", String(Math.round(performance.now() - started)));
  globalThis.crmkitDashboard = figures;
  renderDashboard(root, figures);
}

const root = document.querySelector<HTMLElement>("#app")!;
main(root).catch((error: unknown) => {
  root.setAttribute("data-failed", "");
  root.textContent = `The dashboard failed: ${error instanceof Error ? error.message : String(error)}`;
  throw error;
});
