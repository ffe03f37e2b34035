// The same reports on the memory store and on PostgreSQL (PGlite): identical, record for record.
import { crmStorageSchema } from "@crmkit/core";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportsOn } from "../../core/src/testing/report-scenario.js";
import { openMemoryStorage } from "../../storage-memory/src/index.js";
import { openPostgresStorage } from "./postgres-storage.js";

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

describe("reports on two adapters", () => {
  it("give the same funnel, performance and pipeline on memory and PostgreSQL", async () => {
    const memory = await reportsOn(await openMemoryStorage({ schema: crmStorageSchema }));
    const postgres = await reportsOn(
      await openPostgresStorage({ schema: crmStorageSchema, connection: { pglite: db } }),
    );
    expect(postgres).toEqual(memory);
    expect(memory.funnel.groups.length).toBeGreaterThan(0);
  }, 60_000);
});
