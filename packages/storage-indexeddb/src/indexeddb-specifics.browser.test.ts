import { CrmkitError } from "@crmkit/core";
import { defineStorageSchema, type StorageSchema } from "@crmkit/core/storage";
import { openDB } from "idb";
import { afterEach, describe, expect, it } from "vitest";
import {
  deleteIndexedDbStorage,
  type IndexedDbStorage,
  openIndexedDbStorage,
} from "./indexeddb-storage.js";

const v1 = defineStorageSchema({
  version: 1,
  collections: [{ name: "contacts", indexes: [{ name: "status", path: "status" }] }],
});
const v2 = defineStorageSchema({
  version: 2,
  collections: [
    {
      name: "contacts",
      indexes: [
        { name: "status", path: "profile.status" },
        { name: "email", path: "email", unique: true },
        { name: "tags", path: "tags", multiEntry: true },
      ],
    },
    { name: "deals", indexes: [{ name: "stage", path: "stage" }] },
  ],
});

let databases: string[] = [];
const opened: IndexedDbStorage[] = [];
let counter = 0;
const newName = () => {
  const name = `crmkit-specifics-${Date.now()}-${++counter}`;
  databases.push(name);
  return name;
};
const open = async (name: string, schema: StorageSchema) => {
  const store = await openIndexedDbStorage({ name, schema });
  opened.push(store);
  return store;
};
const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: unknown) => (CrmkitError.is(error) ? error.code : String(error)),
  );

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const name of databases) await deleteIndexedDbStorage(name);
  databases = [];
});

describe("openIndexedDbStorage", () => {
  it("migrates existing records when a new version adds and changes indexes", async () => {
    const name = newName();
    const first = await open(name, v1);
    await first.write([
      {
        type: "put",
        collection: "contacts",
        record: {
          id: "a",
          status: "lead",
          profile: { status: "customer" },
          email: "a@x.fr",
          tags: ["gold", "fr"],
        },
      },
      {
        type: "put",
        collection: "contacts",
        record: { id: "b", status: "customer", profile: { status: "lead" }, tags: "vip" },
      },
    ]);
    await first.close();
    const second = await open(name, v2);
    // The changed index reads the new path; the new ones are filled from existing records.
    const byStatus = await second.query({
      collection: "contacts",
      index: "status",
      where: { eq: "customer" },
    });
    expect(byStatus.records.map((record) => record.id)).toEqual(["a"]);
    expect(await second.count({ collection: "contacts", index: "email" })).toBe(1);
    expect(
      await second.count({ collection: "contacts", index: "tags", where: { eq: "vip" } }),
    ).toBe(1);
    expect((await second.get("contacts", "a"))?.revision).toBe(1);
    await second.write([{ type: "put", collection: "deals", record: { id: "d1", stage: "new" } }]);
    expect(
      await codeOf(
        second.write([
          { type: "put", collection: "contacts", record: { id: "c", email: "a@x.fr" } },
        ]),
      ),
    ).toBe("UNIQUE_VIOLATION");
  });

  it("refuses an older schema version, and a changed schema under the same version", async () => {
    const name = newName();
    await (await open(name, v2)).close();
    expect(await codeOf(openIndexedDbStorage({ name, schema: v1 }))).toBe("SCHEMA_MISMATCH");
    const sameVersionOtherIndexes = { ...v2, collections: [{ name: "contacts" }] };
    expect(await codeOf(openIndexedDbStorage({ name, schema: sameVersionOtherIndexes }))).toBe(
      "SCHEMA_MISMATCH",
    );
  });

  it("leaves the database as it was when a migration fails", async () => {
    const name = newName();
    const first = await open(name, v1);
    await first.write([
      { type: "put", collection: "contacts", record: { id: "a", email: "same@x.fr" } },
      { type: "put", collection: "contacts", record: { id: "b", email: "same@x.fr" } },
    ]);
    await first.close();
    // The new unique e-mail index meets two records with the same e-mail.
    expect(await codeOf(openIndexedDbStorage({ name, schema: v2 }))).toBe("UNIQUE_VIOLATION");
    const again = await open(name, v1);
    expect(await again.count({ collection: "contacts" })).toBe(2);
  });

  it("closes itself when another tab upgrades, which then proceeds", async () => {
    const name = newName();
    const oldTab = await open(name, v1);
    const seenChanges: unknown[] = [];
    oldTab.watch((batch) => seenChanges.push(batch));
    const newTab = await open(name, v2);
    expect(await newTab.count({ collection: "contacts" })).toBe(0);
    expect(await codeOf(oldTab.get("contacts", "a"))).toBe("STORAGE_CLOSED");
    await newTab.write([{ type: "put", collection: "contacts", record: { id: "a" } }]);
    expect(seenChanges).toEqual([]);
  });

  it("settles every write in flight during another tab's upgrade: acknowledged ones kept, refused ones absent", async () => {
    const name = newName();
    const oldTab = await open(name, v1);
    const results: Promise<{ id: string; ok: boolean; code?: string }>[] = [];
    const writeOne = (id: string) =>
      results.push(
        oldTab
          .write([
            {
              type: "put",
              collection: "contacts",
              record: { id, status: "x", email: `${id}@example.com` },
            },
          ])
          .then(
            () => ({ id, ok: true }),
            (error: unknown) => ({
              id,
              ok: false,
              code: CrmkitError.is(error) ? error.code : `raw ${String(error)}`,
            }),
          ),
      );
    // Writes keep coming, a macrotask apart, before, during and after the other tab's upgrade.
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop && i < 2_000; i++) {
        writeOne(`c${String(i).padStart(4, "0")}`);
        if (i % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const newTab = await open(name, v2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    stop = true;
    await writer;
    const settled = await Promise.all(results);
    expect(await oldTab.closed).toEqual({
      reason: "another connection upgraded the database",
      byHost: false,
    });
    const refused = settled.filter((result) => !result.ok);
    const acknowledged = settled.filter((result) => result.ok);
    expect(new Set(refused.map((result) => result.code))).toEqual(new Set(["STORAGE_CLOSED"]));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    const stored = await newTab.getMany(
      "contacts",
      settled.map((result) => result.id),
    );
    expect(
      settled.filter((result, i) => result.ok !== (stored[i] !== null)).map((result) => result.id),
    ).toEqual([]);
  });

  it("fails with UPGRADE_BLOCKED when a foreign connection will not close", async () => {
    const name = newName();
    await (await open(name, v1)).close();
    const foreign = await openDB(name, 1); // no versionchange handler: it never closes by itself
    try {
      const started = performance.now();
      expect(await codeOf(openIndexedDbStorage({ name, schema: v2, blockedTimeoutMs: 200 }))).toBe(
        "UPGRADE_BLOCKED",
      );
      expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    } finally {
      foreign.close();
    }
    // Once the foreign connection is gone, the pending upgrade completed and the store opens.
    await expect(open(name, v2)).resolves.toBeDefined();
  });
});

describe("IndexedDbStorage", () => {
  it("announces writes to another instance of the same database (another tab)", async () => {
    const name = newName();
    const tabA = await open(name, v1);
    const tabB = await open(name, v1);
    const received = new Promise((resolve) => tabB.watch(resolve));
    await tabA.write([
      { type: "put", collection: "contacts", record: { id: "a", status: "lead" } },
    ]);
    expect(await received).toEqual({
      origin: "remote",
      changes: [{ collection: "contacts", id: "a", revision: 1 }],
    });
    expect(tabB.capabilities.crossInstanceNotifications).toBe(true);
  });
});

describe("bulk upserts", () => {
  const put = (id: string) => ({ type: "put" as const, collection: "contacts", record: { id } });
  const ids = (prefix: string, count: number, step = 1) =>
    Array.from({ length: count }, (_, i) => `${prefix}${String(i * step).padStart(5, "0")}`);

  it("give each record its next revision, whether it exists, is new, or sits among many others", async () => {
    const store = await open(newName(), v1);
    // 2,000 stored records; then upserts of every 50th of them mixed with new ids in the same
    // range (more than four others per upsert: each record is read), and of a dense run (the
    // key-only read tells which exist).
    const writes = new Map<string, number>();
    const upsert = async (batch: string[]) => {
      const outcomes = await store.write(batch.map(put));
      for (const id of batch) writes.set(id, (writes.get(id) ?? 0) + 1);
      expect(outcomes.map((o) => o.revision)).toEqual(batch.map((id) => writes.get(id)));
    };
    await upsert(ids("c", 2_000));
    await upsert([...ids("c", 40, 50), ...ids("c", 40, 50).map((id) => `${id}x`)]);
    await upsert([...ids("c", 60).slice(20), ...ids("d", 40)]);
    // A dense range: stored records are read, new ones are known absent from the key-only read.
    await upsert(ids("e", 100));
    await upsert([...ids("e", 100), ...ids("e", 50, 2).map((id) => `${id}x`)]);
    expect(await store.count({ collection: "contacts" })).toBe(writes.size);
  });
});
