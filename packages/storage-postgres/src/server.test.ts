// The real PostgreSQL server: the conformance suite, two processes updating the same record, two
// processes migrating at once, and notifications between two connections. Runs when
// CRMKIT_TEST_POSTGRES_URL is set (`.ci/run` starts a local server and sets it).
import { fileURLToPath } from "node:url";
import type { ChangeBatch } from "@crmkit/core/storage";
import { runStorageConformance } from "@crmkit/storage-conformance";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStorage } from "./postgres-storage.js";
import { counterSchema, migratedSchema } from "./testing/schemas.js";
import { runWorker } from "./testing/spawn.js";

const url = process.env.CRMKIT_TEST_POSTGRES_URL;
const admin = url === undefined ? undefined : new pg.Pool({ connectionString: url, max: 2 });
afterAll(async () => {
  await admin?.end();
});

async function dropSchema(name: string): Promise<void> {
  await admin!.query(`DROP SCHEMA IF EXISTS "${name.replaceAll('"', '""')}" CASCADE`);
}

if (url === undefined) {
  describe("postgres (server)", () => {
    it.skip("needs CRMKIT_TEST_POSTGRES_URL (set by .ci/run, which starts a local server)", () => {});
  });
} else {
  runStorageConformance({
    name: "postgres (server)",
    open: (schema, location) =>
      openPostgresStorage({
        schema,
        connection: { connectionString: url, maxConnections: 4 },
        schemaName: location,
      }),
    destroy: dropSchema,
  });

  const worker = fileURLToPath(new URL("./testing/worker.ts", import.meta.url));
  const run = async (schemaName: string, mode: string, arg = "") => {
    const exit = await runWorker(worker, [url, schemaName, mode, arg]);
    if (exit.code !== 0) throw new Error(`worker exited ${exit.code}: ${exit.err}`);
    return JSON.parse(exit.out.trim()) as Record<string, number>;
  };

  describe("postgres (server): several processes", () => {
    it("loses no update when two processes increment the same record with revision checks", async () => {
      const schemaName = `crmkit_mp_${Date.now().toString(36)}`;
      const storage = await openPostgresStorage({
        schema: counterSchema,
        connection: { connectionString: url },
        schemaName,
      });
      await storage.write([
        { type: "put", collection: "counters", record: { id: "shared", value: 0 } },
      ]);
      const results = await Promise.all([
        run(schemaName, "increment", "150"),
        run(schemaName, "increment", "150"),
      ]);
      const final = await storage.get("counters", "shared");
      expect(final).toMatchObject({ value: 300, revision: 301 });
      // The processes did race: at least one write was refused and retried.
      expect(results[0]!.conflicts! + results[1]!.conflicts!).toBeGreaterThan(0);
      await storage.close();
      await dropSchema(schemaName);
    }, 120_000);

    it("leaves one correct schema when two processes migrate at once", async () => {
      const schemaName = `crmkit_mig_${Date.now().toString(36)}`;
      const v1 = await openPostgresStorage({
        schema: counterSchema,
        connection: { connectionString: url },
        schemaName,
      });
      await v1.write(
        Array.from({ length: 500 }, (_, i) => ({
          type: "put" as const,
          collection: "counters",
          record: { id: `c${i}`, label: `label-${i}`, tags: [`t${i % 3}`, "all"] },
        })),
      );
      await v1.close();
      const results = await Promise.all([run(schemaName, "migrate"), run(schemaName, "migrate")]);
      expect(results).toEqual([{ count: 500 }, { count: 500 }]);
      const v2 = await openPostgresStorage({
        schema: migratedSchema,
        connection: { connectionString: url },
        schemaName,
      });
      expect(await v2.count({ collection: "counters", index: "tags", where: { eq: "all" } })).toBe(
        500,
      );
      expect(await v2.count({ collection: "counters", index: "tags", where: { eq: "t1" } })).toBe(
        167,
      );
      await expect(
        v2.write([{ type: "put", collection: "counters", record: { id: "x", label: "label-7" } }]),
      ).rejects.toMatchObject({ code: "UNIQUE_VIOLATION", details: { index: "label" } });
      const tables = await admin!.query(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1",
        [schemaName],
      );
      expect(tables.rows[0].n).toBe(4); // meta, counters, and the two index tables
      const stored = await admin!.query(
        `SELECT value FROM "${schemaName}".crmkit_meta WHERE key = 'schema'`,
      );
      expect(stored.rows[0].value.version).toBe(2);
      // An older version cannot open the newer store.
      await expect(
        openPostgresStorage({
          schema: counterSchema,
          connection: { connectionString: url },
          schemaName,
        }),
      ).rejects.toMatchObject({ code: "SCHEMA_MISMATCH" });
      await v2.close();
      await dropSchema(schemaName);
    }, 120_000);

    it("tells one server about another's writes through LISTEN/NOTIFY", async () => {
      const schemaName = `crmkit_notify_${Date.now().toString(36)}`;
      const open = () =>
        openPostgresStorage({
          schema: counterSchema,
          connection: { connectionString: url },
          schemaName,
        });
      const [a, b] = [await open(), await open()];
      const seen: ChangeBatch[] = [];
      const arrived = new Promise<void>((resolve) => {
        a.watch!((batch) => {
          seen.push(batch);
          if (batch.origin === "remote") resolve();
        });
      });
      // Give the LISTEN a moment to be registered before B writes.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await b.write([{ type: "put", collection: "counters", record: { id: "n1", value: 1 } }]);
      await arrived;
      expect(seen).toEqual([
        { origin: "remote", changes: [{ collection: "counters", id: "n1", revision: 1 }] },
      ]);
      // A large batch arrives whole, split over payloads under PostgreSQL's 8,000-byte limit.
      const many = Array.from({ length: 1_000 }, (_, i) => ({
        type: "put" as const,
        collection: "counters",
        record: { id: `bulk-${"é".repeat(20)}-${i}`, value: i },
      }));
      const before = seen.length;
      await b.write(many);
      await expect
        .poll(() => seen.slice(before).reduce((sum, batch) => sum + batch.changes.length, 0))
        .toBe(1_000);
      expect(seen.length - before).toBeGreaterThan(1);
      expect(seen.slice(before).flatMap((batch) => batch.changes.map((c) => c.id))).toEqual(
        many.map((op) => op.record.id),
      );
      await a.close();
      await b.close();
      await dropSchema(schemaName);
    }, 60_000);

    it("reports an unreachable server as STORAGE_FAILURE", async () => {
      await expect(
        openPostgresStorage({
          schema: counterSchema,
          connection: { connectionString: "postgres://nobody:x@127.0.0.1:1/none" },
        }),
      ).rejects.toMatchObject({ code: "STORAGE_FAILURE" });
    });
  });
}
