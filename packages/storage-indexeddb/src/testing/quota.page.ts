// Runs in Chromium (see quota.test.ts): a batch that does not fit the origin's quota.
import { CrmkitError, seededRandom } from "@crmkit/core";
import { defineStorageSchema } from "@crmkit/core/storage";
import { openIndexedDbStorage } from "../indexeddb-storage.js";

const schema = defineStorageSchema({
  version: 1,
  collections: [{ name: "contacts", indexes: [{ name: "status", path: "status" }] }],
});

async function runQuotaScenario() {
  const store = await openIndexedDbStorage({ name: "quota", schema });
  await store.write([
    { type: "put", collection: "contacts", record: { id: "kept", status: "lead" } },
  ]);
  // Random text, because IndexedDB compresses what it stores: repeated characters would fit.
  const random = seededRandom(3);
  const noise = () =>
    Array.from({ length: 16_384 }, () => String.fromCharCode(33 + Math.floor(random() * 90))).join(
      "",
    );
  const batch = Array.from({ length: 400 }, (_, i) => ({
    type: "put" as const,
    collection: "contacts",
    record: { id: `big${i}`, status: "lead", payload: noise() },
  }));
  let outcome = "resolved";
  try {
    await store.write(batch);
  } catch (error) {
    outcome = CrmkitError.is(error) ? error.code : String(error);
  }
  return {
    outcome,
    count: await store.count({ collection: "contacts" }),
    indexed: await store.count({ collection: "contacts", index: "status", where: { eq: "lead" } }),
    big0: await store.get("contacts", "big0"),
  };
}

(globalThis as { runQuotaScenario?: typeof runQuotaScenario }).runQuotaScenario = runQuotaScenario;
