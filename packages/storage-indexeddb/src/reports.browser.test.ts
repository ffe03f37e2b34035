// The same reports over IndexedDB in real Chromium as over the memory store: equal, record for
// record (the memory store runs in the page too).
import { crmStorageSchema } from "@crmkit/core";
import { afterEach, describe, expect, it } from "vitest";
// Core's test scenarios, by path: they are not part of its published surface.
import { reportsOn } from "../../core/src/testing/report-scenario.js";
import { openMemoryStorage } from "../../storage-memory/src/index.js";
import { deleteIndexedDbStorage, openIndexedDbStorage } from "./index.js";

const name = "crmkit-reports-test";

afterEach(async () => {
  await deleteIndexedDbStorage(name);
});

describe("reports on IndexedDB", () => {
  it("give the same funnel, performance and pipeline as on the memory store", async () => {
    const memory = await reportsOn(await openMemoryStorage({ schema: crmStorageSchema }));
    await deleteIndexedDbStorage(name);
    const storage = await openIndexedDbStorage({ name, schema: crmStorageSchema });
    const indexeddb = await reportsOn(storage);
    await storage.close();
    expect(indexeddb).toEqual(memory);
    expect(memory.funnel.groups.length).toBeGreaterThan(0);
  }, 60_000);
});
