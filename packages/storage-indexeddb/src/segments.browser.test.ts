// Segments over IndexedDB in real Chromium give exactly the memory adapter's answers.
import { crmStorageSchema } from "@crmkit/core";
import { afterAll, beforeAll, describe, it } from "vitest";
// Core's test fixtures, by path: they are not part of its published surface.
import { defineTaxonomy, type Fixture, memoryCrm } from "../../core/src/testing/crm-fixture.js";
import { segmentsAgree } from "../../core/src/testing/segment-agreement.js";
import { deleteIndexedDbStorage, type IndexedDbStorage, openIndexedDbStorage } from "./index.js";

const name = "crmkit-segments-test";
let idb: IndexedDbStorage;
let onIdb: Fixture;
let inMemory: Fixture;

beforeAll(async () => {
  await deleteIndexedDbStorage(name);
  idb = await openIndexedDbStorage({ name, schema: crmStorageSchema });
  onIdb = await memoryCrm({ storage: idb, timezone: "Europe/Paris" });
  inMemory = await memoryCrm({ timezone: "Europe/Paris" });
  for (const { crm } of [onIdb, inMemory]) {
    await defineTaxonomy(crm);
    await crm.segments.create({
      id: "french",
      name: "French",
      query: { op: "eq", field: "country", value: "FR" },
    });
  }
});

afterAll(async () => {
  await idb.close();
  await deleteIndexedDbStorage(name);
});

describe("segments on IndexedDB", () => {
  it("count and list the same members as on the memory adapter, in the same order", async () => {
    await segmentsAgree(onIdb, inMemory, 25);
  }, 120_000);
});
