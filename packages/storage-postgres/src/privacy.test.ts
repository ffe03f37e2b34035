// A person's erasure on PostgreSQL: nothing of them left in any table, the company's figures kept —
// on the real server when CRMKIT_TEST_POSTGRES_URL is set (as `.ci/run` does), PGlite otherwise;
// and, on the server, an erasure whose process is killed half-way finishes when run again.
import { fileURLToPath } from "node:url";
import { crmStorageSchema } from "@crmkit/core";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
// Core's test fixtures, by path: they are not part of its published surface.
import { memoryCrm } from "../../core/src/testing/crm-fixture.js";
import { checkErasure, givePersonAHistory } from "../../core/src/testing/privacy-scenario.js";
import { checkRetention } from "../../core/src/testing/retention-scenario.js";
import { openPostgresStorage } from "./postgres-storage.js";
import { runWorker } from "./testing/spawn.js";

const url = process.env.CRMKIT_TEST_POSTGRES_URL;
const worker = fileURLToPath(new URL("./testing/crm-worker.ts", import.meta.url));
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const admin = url === undefined ? undefined : new pg.Pool({ connectionString: url, max: 1 });
const schemas: string[] = [];
const opened: { close(): Promise<void> }[] = [];

/** A store with its own connections (closing it ends them); PGlite without a server. */
async function open(schemaName: string) {
  schemas.push(schemaName);
  const lite = url === undefined ? await PGlite.create() : undefined;
  const storage = await openPostgresStorage({
    schema: crmStorageSchema,
    schemaName,
    connection:
      lite === undefined ? { connectionString: url!, maxConnections: 2 } : { pglite: lite },
  });
  opened.push(storage, ...(lite === undefined ? [] : [lite]));
  return storage;
}

afterAll(async () => {
  for (const handle of opened) await handle.close();
  if (admin === undefined) return;
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

describe("privacy on PostgreSQL", () => {
  it("erases a person from every table, keeps the company's figures, and is idempotent", async () => {
    const storage = await open(`crmkit_privacy_${suffix}`);
    const fixture = await memoryCrm({ storage, timezone: "Europe/Paris" });
    await checkErasure(fixture, await givePersonAHistory(fixture));
  }, 60_000);

  it("removes exactly the hits past the retention policy, and scores stay", async () => {
    const storage = await open(`crmkit_retention_${suffix}`);
    await checkRetention(await memoryCrm({ storage, timezone: "Europe/Paris" }), 12);
  }, 120_000);

  it.runIf(url !== undefined)(
    "finishes an erasure whose process was killed half-way when run again",
    async () => {
      const schemaName = `crmkit_privacy_kill_${suffix}`;
      const storage = await open(schemaName);
      const fixture = await memoryCrm({ storage, timezone: "Europe/Paris" });
      const subject = await givePersonAHistory(fixture);
      const killed = await runWorker(worker, [
        url!,
        schemaName,
        "erase-and-die",
        subject.contactId,
      ]);
      expect([killed.signal, killed.out]).toEqual(["SIGKILL", ""]);
      // Killed after its third batch: the contact is still there, some of its records are not.
      expect(await fixture.crm.contacts.get(subject.contactId)).not.toBeNull();
      // The worker ran on the real clock: its queued deletion is due by it.
      fixture.env.set(Date.now());
      await checkErasure(fixture, subject, { resumed: true });
    },
    60_000,
  );
});
