// Segments on PostgreSQL — counted and listed by SQL compiled from the query language — give
// exactly the memory adapter's answers: the real server when CRMKIT_TEST_POSTGRES_URL is set (as
// `.ci/run` does), PGlite otherwise.
import { crmStorageSchema } from "@crmkit/core";
import type { StorageAdapter } from "@crmkit/core/storage";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Core's test fixtures, by path: they are not part of its published surface.
import { defineTaxonomy, type Fixture, memoryCrm } from "../../core/src/testing/crm-fixture.js";
import { segmentsAgree } from "../../core/src/testing/segment-agreement.js";
import { openPostgresStorage } from "./postgres-storage.js";

const url = process.env.CRMKIT_TEST_POSTGRES_URL;
const schemaName = `crmkit_segments_${Date.now().toString(36)}`;
let pool: pg.Pool | undefined;
let lite: PGlite | undefined;
let storage: StorageAdapter;
let onPostgres: Fixture;
let inMemory: Fixture;

beforeAll(async () => {
  if (url !== undefined) pool = new pg.Pool({ connectionString: url, max: 4 });
  else lite = await PGlite.create();
  storage = await openPostgresStorage({
    schema: crmStorageSchema,
    schemaName,
    connection: pool !== undefined ? { pool } : { pglite: lite! },
  });
  onPostgres = await memoryCrm({ storage, timezone: "Europe/Paris" });
  inMemory = await memoryCrm({ timezone: "Europe/Paris" });
  for (const { crm } of [onPostgres, inMemory]) {
    await defineTaxonomy(crm);
    await crm.segments.create({
      id: "french",
      name: "French",
      query: { op: "eq", field: "country", value: "FR" },
    });
  }
}, 60_000);

afterAll(async () => {
  await storage?.close();
  await pool?.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
  await pool?.end();
  await lite?.close();
});

describe("segments on PostgreSQL", () => {
  it("count and list the same members as on the memory adapter, in the same order", async () => {
    await segmentsAgree(onPostgres, inMemory, 40);
  }, 300_000);

  it("hands the query to the storage: a count moves only the number", async () => {
    const counted = await onPostgres.crm.segments.count({
      query: { op: "eq", field: "country", value: "FR" },
    });
    expect(counted.plan.strategy).toBe("storage");
    expect(counted.plan.exact).toBe(true);
    expect(counted.examined).toBe(0);
  });
});
