// The PostgreSQL adapter on PGlite and (with CRMKIT_TEST_POSTGRES_URL) on a real server: a bulk
// write of 100,000 contacts in batches of 5,000, against raw multi-row INSERTs of the same rows and
// their index rows into the same tables through the same connection; and reading one status's
// contacts page by page through the index, against the same keyset pages over an expression index.

import { seededRandom } from "@crmkit/core";
import { defineStorageSchema, type StorageAdapter } from "@crmkit/core/storage";
import { openPostgresStorage } from "@crmkit/storage-postgres";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { type BenchResult, durationResult, makeBenchContacts, median } from "./harness.js";

/** A string's UTF-16 code units as hex, four digits each: the adapter's sort key of an id or key. */
function utf16Hex(text: string): string {
  let hex = "";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0");
  return hex;
}

const schema = defineStorageSchema({
  version: 1,
  collections: [
    {
      name: "contacts",
      indexes: [
        { name: "email", path: "email", unique: true },
        { name: "status", path: "status" },
        { name: "tags", path: "tags", multiEntry: true },
      ],
    },
  ],
});
const total = 100_000;
const batch = 5_000;
const page = 500;

interface Raw {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

async function measure(
  label: string,
  open: (schemaName: string) => Promise<StorageAdapter>,
  raw: Raw,
): Promise<BenchResult[]> {
  const records = makeBenchContacts(total, seededRandom(3));
  const writes: number[] = [];
  const rawWrites: number[] = [];
  const reads: number[] = [];
  const rawReads: number[] = [];
  let read = 0;
  for (let run = 0; run < 2; run++) {
    const schemaName = `crmkit_bench_${run}_${Date.now().toString(36)}`;
    const storage = await open(schemaName);
    let started = performance.now();
    for (let i = 0; i < total; i += batch) {
      await storage.write(
        records
          .slice(i, i + batch)
          .map((record) => ({ type: "put" as const, collection: "contacts", record })),
      );
    }
    writes.push(performance.now() - started);

    // The baseline writes the same rows and their index rows into the same tables (a second
    // store's, empty), one multi-row statement per batch, with nothing checked first.
    const rawSchema = `${schemaName}_raw`;
    await (await open(rawSchema)).close();
    started = performance.now();
    for (let i = 0; i < total; i += batch) {
      const slice = records.slice(i, i + batch);
      const iks = slice.map((r) => utf16Hex(r.id));
      const entries = (keysOf: (r: (typeof slice)[number]) => string[]) => {
        const columns: [string[], string[]] = [[], []];
        slice.forEach((r, k) => {
          for (const key of keysOf(r)) {
            columns[0].push(utf16Hex(key));
            columns[1].push(iks[k]!);
          }
        });
        return columns;
      };
      const [emailS, emailIk] = entries((r) => [r.email]);
      const [statusS, statusIk] = entries((r) => [r.status]);
      const [tagS, tagIk] = entries((r) => [...new Set(r.tags)].sort());
      const table = (name: string) => `"${rawSchema}"."crmkit_${name}"`;
      const intoEntries = (name: string, s: number, ik: number) =>
        `INSERT INTO ${table(`i_contacts__${name}`)} (t, n, s, ik)
         SELECT 1, 0, decode(s, 'hex'), decode(ik, 'hex') FROM unnest($${s}::text[], $${ik}::text[]) AS u(s, ik)`;
      await raw.query(
        `WITH r AS (
           INSERT INTO ${table("c_contacts")} (id, ik, revision, data)
           SELECT id, decode(ik, 'hex'), 1, data FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS u(id, ik, data)
         ), e AS (${intoEntries("email", 4, 5)}), st AS (${intoEntries("status", 6, 7)}), tg AS (${intoEntries("tags", 8, 9)})
         SELECT 1`,
        [
          slice.map((r) => r.id),
          iks,
          slice.map((r) => JSON.stringify(r)),
          emailS,
          emailIk,
          statusS,
          statusIk,
          tagS,
          tagIk,
        ],
      );
    }
    rawWrites.push(performance.now() - started);
    const rawCount = (
      await raw.query(`SELECT count(*)::int AS n FROM "${rawSchema}"."crmkit_i_contacts__tags"`)
    ).rows[0] as { n: number };
    const adapterCount = (
      await raw.query(`SELECT count(*)::int AS n FROM "${schemaName}"."crmkit_i_contacts__tags"`)
    ).rows[0] as { n: number };
    if (rawCount.n !== adapterCount.n)
      throw new Error(`tag entries: ${adapterCount.n} vs raw ${rawCount.n}`);
    await raw.query(`DROP SCHEMA "${rawSchema}" CASCADE`);

    await raw.query(`CREATE TABLE "${schemaName}".raw (id text PRIMARY KEY, data jsonb NOT NULL)`);
    for (let i = 0; i < total; i += batch) {
      const slice = records.slice(i, i + batch);
      await raw.query(
        `INSERT INTO "${schemaName}".raw (id, data) SELECT * FROM unnest($1::text[], $2::jsonb[])`,
        [slice.map((r) => r.id), slice.map((r) => JSON.stringify(r))],
      );
    }
    await raw.query(`CREATE INDEX ON "${schemaName}".raw ((data->>'status'), id)`);
    await raw.query(`ANALYZE "${schemaName}".raw`);

    started = performance.now();
    let cursor: string | null = null;
    read = 0;
    do {
      const result = await storage.query({
        collection: "contacts",
        index: "status",
        where: { eq: "prospect" },
        limit: page,
        cursor,
      });
      read += result.records.length;
      cursor = result.cursor;
    } while (cursor !== null);
    reads.push(performance.now() - started);

    started = performance.now();
    let after = "";
    let rawRead = 0;
    for (;;) {
      const { rows } = await raw.query(
        `SELECT id, data FROM "${schemaName}".raw WHERE data->>'status' = 'prospect' AND id > $1 ORDER BY id LIMIT ${page}`,
        [after],
      );
      rawRead += rows.length;
      if (rows.length < page) break;
      after = (rows[rows.length - 1] as { id: string }).id;
    }
    rawReads.push(performance.now() - started);
    if (rawRead !== read) throw new Error(`read ${read} through the adapter, ${rawRead} raw`);
    await storage.close();
    await raw.query(`DROP SCHEMA "${schemaName}" CASCADE`);
  }
  return [
    ...durationResult(
      `storage-postgres.${label}.bulk-write-100k`,
      `storage-postgres.${label}.raw-multirow-insert-with-index-rows-100k`,
      { candidate: median(writes), baseline: median(rawWrites) },
      `${total.toLocaleString("en-US")} contacts (~300 B, unique email, status, multi-entry tags) in batches of ${batch.toLocaleString("en-US")}, one transaction each; baseline: one raw multi-row statement per batch inserting the same rows and their index rows into the same tables (an empty store's), nothing checked first; medians of 2 runs`,
    ),
    ...durationResult(
      `storage-postgres.${label}.paged-index-read`,
      `storage-postgres.${label}.raw-keyset-read`,
      { candidate: median(reads), baseline: median(rawReads) },
      `every "prospect" (${read.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}) through the status index, ${page} per page with cursors; baseline: the same keyset pages in raw SQL over an expression index on the plain table; medians of 2 runs`,
    ),
  ];
}

export async function postgresBenchmarks(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const db = await PGlite.create();
  results.push(
    ...(await measure(
      "pglite",
      (schemaName) => openPostgresStorage({ schema, connection: { pglite: db }, schemaName }),
      { query: (text, params) => db.query(text, params) },
    )),
  );
  await db.close();
  const url = process.env.CRMKIT_TEST_POSTGRES_URL;
  if (url !== undefined) {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    results.push(
      ...(await measure(
        "server",
        (schemaName) => openPostgresStorage({ schema, connection: { pool }, schemaName }),
        { query: (text, params) => pool.query(text, params) },
      )),
    );
    await pool.end();
  }
  return results;
}
