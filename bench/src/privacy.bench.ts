// Privacy on the memory store: erasing a contact with 10,000 hits and 1,000 ledger entries, and a
// retention sweep over a million hits — each against a plain scan of the records it removes.
import { type Crm, createCrm, createTestEnvironment, crmStorageSchema } from "@crmkit/core";
import type { StorageAdapter, WriteOperation } from "@crmkit/core/storage";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { type BenchResult, compareDurations, durationResult } from "./harness.js";

const day = 86_400_000;
const now = Date.parse("2026-12-01T00:00:00Z");

async function workspace(): Promise<{ crm: Crm; storage: StorageAdapter }> {
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({
    storage,
    environment: createTestEnvironment({ now, seed: 25 }),
  });
  return { crm, storage };
}

async function writeAll(storage: StorageAdapter, ops: WriteOperation[]): Promise<void> {
  for (let i = 0; i < ops.length; i += 10_000) await storage.write(ops.slice(i, i + 10_000));
}

const hit = (id: string, contactId: string, at: number): WriteOperation => ({
  type: "put",
  collection: "hits",
  record: {
    id,
    siteId: "web",
    visitorKey: `web:${contactId}-browser`,
    contactId,
    type: "pageview",
    url: "https://example.com/pricing",
    at: new Date(at).toISOString(),
    receivedAt: new Date(at).toISOString(),
  },
});

const entry = (id: string, contactId: string, at: number): WriteOperation => ({
  type: "put",
  collection: "score_entries",
  record: {
    id,
    contactId,
    group: "global",
    ruleId: "pricing",
    points: 5,
    at: new Date(at).toISOString(),
    recordedAt: new Date(at).toISOString(),
    cause: "hit",
  },
});

/** One contact with a long history, among 200 others with 100 hits each. */
async function eraseBenchmark(): Promise<BenchResult[]> {
  const { crm, storage } = await workspace();
  const others: WriteOperation[] = [];
  for (let c = 0; c < 200; c++)
    for (let h = 0; h < 100; h++) others.push(hit(`o${c}-${h}`, `other-${c}`, now - h * day));
  await writeAll(storage, others);
  let contactId = "";
  const history = async () => {
    const contact = await crm.contacts.create({ firstName: "Ada", email: "ada@example.com" });
    contactId = contact.id;
    const ops: WriteOperation[] = [];
    for (let h = 0; h < 10_000; h++) ops.push(hit(`a-${h}`, contactId, now - (h % 365) * day));
    for (let e = 0; e < 1_000; e++) ops.push(entry(`e-${e}`, contactId, now - (e % 365) * day));
    ops.push({
      type: "put",
      collection: "visitors",
      record: {
        id: `web:${contactId}-browser`,
        siteId: "web",
        contactId,
        identifiedAt: new Date(now).toISOString(),
      },
    });
    await writeAll(storage, ops);
  };
  await history();
  let erased = 0;
  const measured = await compareDurations(
    9,
    async () => {
      const report = await crm.privacy.erase(contactId);
      erased = report.collections.reduce((sum, c) => sum + c.removed + c.anonymised, 0);
    },
    async () => {
      // The same records read through the same indexes, nothing written.
      for await (const _ of storage.scan({
        collection: "hits",
        index: "contactId",
        where: { eq: contactId },
      }));
      for await (const _ of storage.scan({
        collection: "score_entries",
        index: "contactId",
        where: { eq: contactId },
      }));
    },
    async () => {
      // Both sides read (or erase) a full history: the last erasure's is written again.
      if ((await storage.get("contacts", contactId)) === null) await history();
    },
  );
  return durationResult(
    "privacy.erase-contact-10k-hits",
    "privacy.scan-contact-10k-hits",
    measured,
    `a contact with 10,000 hits and 1,000 ledger entries among 200 others' 20,000 hits: ${erased} records erased in batches of 500; baseline: scanning the same 11,000 records through the same indexes`,
  );
}

/** A million hits over two years, a 365-day policy: the older half goes. */
async function sweepBenchmark(): Promise<BenchResult[]> {
  const { crm, storage } = await workspace();
  const total = 1_000_000;
  const span = 730 * day;
  const oldOps: WriteOperation[] = [];
  const recentOps: WriteOperation[] = [];
  for (let i = 0; i < total; i++) {
    const at = now - Math.floor((i / total) * span);
    (at < now - 365 * day ? oldOps : recentOps).push(hit(`h${i}`, `c${i % 5_000}`, at));
  }
  await writeAll(storage, [...recentOps, ...oldOps]);
  await crm.privacy.setRetention({ hits: { days: 365 } });
  const cutoff = new Date(now - 365 * day).toISOString();
  let removed = 0;
  const measured = await compareDurations(
    5,
    async () => {
      removed = (await crm.privacy.sweep({ maxRecords: total })).removed.hits ?? 0;
    },
    async () => {
      for await (const _ of storage.scan({
        collection: "hits",
        index: "at",
        where: { lt: cutoff },
      }));
    },
    async () => {
      if ((await storage.count({ collection: "hits" })) < total) await writeAll(storage, oldOps);
    },
  );
  // The store's own cost of removing those records: the same deletes, batch by batch, by hand.
  const expired = oldOps.map((op) => (op as { record: { id: string } }).record.id);
  const againstDeletes = await compareDurations(
    5,
    async () => {
      await crm.privacy.sweep({ maxRecords: total });
    },
    async () => {
      for (let i = 0; i < expired.length; i += 500)
        await storage.write(
          expired.slice(i, i + 500).map((id) => ({ type: "delete", collection: "hits", id })),
        );
    },
    async () => {
      if ((await storage.count({ collection: "hits" })) < total) await writeAll(storage, oldOps);
    },
  );
  return [
    ...durationResult(
      "privacy.retention-sweep-1m-hits",
      "privacy.scan-expired-hits",
      measured,
      `1,000,000 hits over two years, a 365-day policy: ${removed} removed in batches of 500 in one sweep; baseline: scanning the same expired hits through the \`at\` index`,
    ),
    ...durationResult(
      "privacy.retention-sweep-vs-deletes",
      "privacy.delete-expired-hits",
      againstDeletes,
      `the same sweep against deleting the same ${expired.length} hits by id in batches of 500 (the memory store's own delete cost)`,
    ),
  ];
}

export async function privacyBenchmarks(): Promise<BenchResult[]> {
  return [...(await eraseBenchmark()), ...(await sweepBenchmark())];
}
