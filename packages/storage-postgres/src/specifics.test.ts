// What is particular to PostgreSQL, on PGlite: table prefixes, long names, and the one string
// PostgreSQL cannot store.

import { defineStorageSchema } from "@crmkit/core/storage";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStorage } from "./postgres-storage.js";

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

const long = "a_collection_name_long_enough_to_overflow_postgresql_identifiers";
const schema = defineStorageSchema({
  version: 1,
  collections: [
    { name: "contacts", indexes: [{ name: "email", path: "email", unique: true }] },
    { name: long, indexes: [{ name: "v_index", path: "v" }] },
  ],
});

describe("postgres specifics", () => {
  it("keeps two stores apart in one schema by their table prefixes", async () => {
    const a = await openPostgresStorage({
      schema,
      connection: { pglite: db },
      tablePrefix: "a_",
    });
    const b = await openPostgresStorage({
      schema,
      connection: { pglite: db },
      tablePrefix: "b_",
    });
    await a.write([
      { type: "put", collection: "contacts", record: { id: "x", email: "x@example.com" } },
    ]);
    await b.write([
      { type: "put", collection: "contacts", record: { id: "y", email: "x@example.com" } },
    ]);
    expect(await a.get("contacts", "y")).toBeNull();
    expect(
      await b.count({ collection: "contacts", index: "email", where: { eq: "x@example.com" } }),
    ).toBe(1);
    const { rows } = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'a\\_%' ORDER BY 1",
    );
    const names = rows.map((r) => r.table_name);
    // Names longer than PostgreSQL's 63 bytes keep a readable start and a hash of the whole.
    const shortened = names.filter((name) => /^a_[ci]_a_collection/.test(name));
    expect(names.filter((name) => !shortened.includes(name))).toEqual([
      "a_c_contacts",
      "a_i_contacts__email",
      "a_meta",
    ]);
    expect(shortened).toHaveLength(2);
    for (const name of shortened)
      expect(name).toMatch(/^a_[ci]_a_collection_name_long_enough_to_overflow_\w*_[0-9a-f]{8}$/);
    await a.write([{ type: "put", collection: long, record: { id: "l", v: 3 } }]);
    expect(
      (await a.query({ collection: long, index: "v_index", where: { gte: 1 } })).records,
    ).toEqual([{ id: "l", v: 3, revision: 1 }]);
    await a.close();
    await b.close();
  });

  it("refuses U+0000 in a string as bad input, naming the field, and writes nothing", async () => {
    const store = await openPostgresStorage({
      schema,
      connection: { pglite: db },
      tablePrefix: "nul_",
    });
    await expect(
      store.write([
        { type: "put", collection: "contacts", record: { id: "ok" } },
        { type: "put", collection: "contacts", record: { id: "bad", notes: ["fine", "a\u0000b"] } },
      ]),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { path: [1, "record", "notes", 1] },
    });
    expect(await store.count({ collection: "contacts" })).toBe(0);
    await store.close();
  });
});
