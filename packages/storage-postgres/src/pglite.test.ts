import { runStorageConformance } from "@crmkit/storage-conformance";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll } from "vitest";
import { openPostgresStorage } from "./postgres-storage.js";

// One PGlite for the whole file (it takes a few seconds to start); each location is a schema.
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

runStorageConformance({
  name: "postgres (PGlite)",
  open: (schema, location) =>
    openPostgresStorage({ schema, connection: { pglite: db }, schemaName: location }),
  propertyRuns: 30,
});
