// Segment counts over 1,000,000 contacts on a real PostgreSQL server (CRMKIT_TEST_POSTGRES_URL):
// crm.segments.count, which hands the query to the adapter (compiled to SQL over the records'
// jsonb), against the equivalent hand-written SQL count(*) on the same tables. Two segments: one
// the server must scan (a custom number field), one narrowed by the country index first.
import { createCrm, createTestEnvironment, crmStorageSchema } from "@crmkit/core";
import { q } from "@crmkit/core/query";
import { openPostgresStorage } from "@crmkit/storage-postgres";
import pg from "pg";
import { type BenchResult, compareDurations, durationResult } from "./harness.js";
import { seedSegmentWorkspace } from "./segment-data.js";

const total = 1_000_000;
const threshold = 50_000;

/** The adapter's sort key of a string (UTF-16 code units as hex), for the hand-written join. */
function utf16Hex(text: string): string {
  let hex = "";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0");
  return hex;
}

export async function segmentPostgresBenchmarks(): Promise<BenchResult[]> {
  const url = process.env.CRMKIT_TEST_POSTGRES_URL;
  if (url === undefined) return [];
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const schemaName = `crmkit_bench_segments_${Date.now().toString(36)}`;
  const storage = await openPostgresStorage({
    schema: crmStorageSchema,
    schemaName,
    connection: { pool },
  });
  try {
    const crm = await createCrm({
      storage,
      environment: createTestEnvironment({ now: "2026-06-01T09:00:00Z" }),
    });
    await crm.customFields.create({
      id: "budget",
      target: "contact",
      label: "Budget",
      type: "number",
    });
    await seedSegmentWorkspace(crm, storage, total, (i) => ({
      custom: { budget: (i * 7_919) % 100_000 },
    }));
    await pool.query(`ANALYZE "${schemaName}"."crmkit_c_contacts"`);
    const records = `"${schemaName}"."crmkit_c_contacts"`;
    const country = `"${schemaName}"."crmkit_i_contacts__country"`;

    const scanQuery = q.custom("budget").gte(threshold);
    const indexQuery = q.and(q.field("country").eq("FR"), q.custom("budget").gte(threshold));
    let counts: number[] = [];
    const check = (count: number) => {
      counts.push(count);
    };

    const scan = await compareDurations(
      3,
      async () => {
        check((await crm.segments.count({ query: scanQuery })).count);
      },
      async () => {
        const { rows } = await pool.query(
          `SELECT count(*)::int AS n FROM ${records} WHERE (data #>> '{custom,budget}')::float8 >= $1`,
          [threshold],
        );
        check((rows[0] as { n: number }).n);
      },
    );
    if (new Set(counts).size !== 1) throw new Error(`scan segment: counts differ ${counts}`);
    const scanned = counts[0]!;
    counts = [];
    const indexed = await compareDurations(
      3,
      async () => {
        const counted = await crm.segments.count({ query: indexQuery });
        if (counted.plan.index !== "country") throw new Error("the country index was not used");
        check(counted.count);
      },
      async () => {
        const { rows } = await pool.query(
          `SELECT count(*)::int AS n FROM ${country} e JOIN ${records} r ON r.ik = e.ik
           WHERE e.t = 1 AND e.s = decode($1, 'hex') AND (r.data #>> '{custom,budget}')::float8 >= $2`,
          [utf16Hex("FR"), threshold],
        );
        check((rows[0] as { n: number }).n);
      },
    );
    if (new Set(counts).size !== 1) throw new Error(`index segment: counts differ ${counts}`);
    const inFrance = counts[0]!;
    return [
      ...durationResult(
        "segments.postgres-count-1m-scan",
        "segments.postgres-sql-count-1m-scan",
        scan,
        `${total.toLocaleString("en-US")} contacts on a real PostgreSQL server: crm.segments.count of custom.budget >= ${threshold.toLocaleString("en-US")} (${scanned.toLocaleString("en-US")} members; no index on it, the server scans); baseline: the hand-written SELECT count(*) … WHERE (data #>> '{custom,budget}')::float8 >= $1 on the same table; medians of 3 alternated runs`,
      ),
      ...durationResult(
        "segments.postgres-count-1m-index",
        "segments.postgres-sql-count-1m-index",
        indexed,
        `the same contacts: country = FR and custom.budget >= ${threshold.toLocaleString("en-US")} (${inFrance.toLocaleString("en-US")} members), narrowed by the country index; baseline: the hand-written count over the country index table joined to the records, with the same predicate; medians of 3 alternated runs`,
      ),
    ];
  } finally {
    await storage.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
    await pool.end();
  }
}
