// A person's erasure over IndexedDB in real Chromium: nothing of them left in any store, the
// company's figures kept, and a second erasure finds nothing to do.
import { crmStorageSchema } from "@crmkit/core";
import { afterAll, describe, it } from "vitest";
// Core's test fixtures, by path: they are not part of its published surface.
import { memoryCrm } from "../../core/src/testing/crm-fixture.js";
import { checkErasure, givePersonAHistory } from "../../core/src/testing/privacy-scenario.js";
import { checkRetention } from "../../core/src/testing/retention-scenario.js";
import { deleteIndexedDbStorage, type IndexedDbStorage, openIndexedDbStorage } from "./index.js";

const name = "crmkit-privacy-test";
const retentionName = "crmkit-retention-test";
let idb: IndexedDbStorage | undefined;
let retentionIdb: IndexedDbStorage | undefined;

afterAll(async () => {
  await idb?.close();
  await retentionIdb?.close();
  await deleteIndexedDbStorage(name);
  await deleteIndexedDbStorage(retentionName);
});

describe("privacy on IndexedDB", () => {
  it("erases a person from every store, keeps the company's figures, and is idempotent", async () => {
    await deleteIndexedDbStorage(name);
    idb = await openIndexedDbStorage({ name, schema: crmStorageSchema });
    const fixture = await memoryCrm({ storage: idb, timezone: "Europe/Paris" });
    await checkErasure(fixture, await givePersonAHistory(fixture));
  }, 60_000);

  it("removes exactly the hits past the retention policy, and scores stay", async () => {
    await deleteIndexedDbStorage(retentionName);
    retentionIdb = await openIndexedDbStorage({ name: retentionName, schema: crmStorageSchema });
    await checkRetention(await memoryCrm({ storage: retentionIdb, timezone: "Europe/Paris" }), 12);
  }, 120_000);
});
