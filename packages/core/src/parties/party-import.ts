import { CrmkitError, type CrmkitErrorCode, type ValidationIssue } from "../errors.js";
import type { RecordChange } from "../records/index.js";
import { loadTaxonomy, revisionAfter, type Taxonomy } from "../records/index.js";
import type { StoredRecord, WriteOperation } from "../storage/index.js";
import { safeParseInput } from "../validation.js";
import { checkParty } from "./party-input.js";
import type { ImportFailure, ImportOptions, ImportReport, Row } from "./party-types.js";
import { type PartyWriter, scoreIssues, stored } from "./party-writer.js";

const metaKeys = new Set(["revision", "updatedAt"]);
const sameContent = (a: StoredRecord, b: Row) =>
  JSON.stringify(a, (key, value) => (metaKeys.has(key) ? undefined : value)) ===
  JSON.stringify(b, (key, value) => (metaKeys.has(key) ? undefined : value));

type Failer = (
  row: number,
  code: CrmkitErrorCode,
  issues: readonly ValidationIssue[],
  message?: string,
) => void;

/**
 * Imports rows for a party repository: parsed and checked per row, written per chunk in one batch
 * (row by row only when the batch is refused, to find the bad row), upserting by a unique key.
 */
export async function importRows<Entity>(
  writer: PartyWriter<Entity>,
  rows: readonly unknown[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  const upsertBy = options.upsertBy;
  if (upsertBy !== undefined && upsertBy !== "id" && !writer.spec.upsertKeys.includes(upsertBy)) {
    throw new CrmkitError(
      "VALIDATION_FAILED",
      `Imports of ${writer.spec.kind}s upsert by id or ${writer.spec.upsertKeys.join(" or ")}, not "${upsertBy}".`,
      {
        details: { path: ["upsertBy"] },
      },
    );
  }
  const batchSize = options.batchSize ?? 1_000;
  const taxonomy = await loadTaxonomy(writer.deps.storage);
  const scoreGroups = await writer.deps.scoreGroups?.();
  const failures: ImportFailure[] = [];
  const ids: (string | null)[] = new Array(rows.length).fill(null);
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const fail = (
    row: number,
    code: CrmkitErrorCode,
    issues: readonly ValidationIssue[],
    message?: string,
  ) => {
    failures.push({
      row,
      path: issues[0]?.path ?? [],
      code,
      message: message ?? issues[0]?.message ?? code,
      issues,
    });
  };

  for (let start = 0; start < rows.length; start += batchSize) {
    const parsedRows: [row: number, parsed: Readonly<Record<string, unknown>>][] = [];
    for (let row = start; row < Math.min(rows.length, start + batchSize); row++) {
      const result = safeParseInput(writer.spec.createSchema, rows[row]);
      if (result.success) parsedRows.push([row, result.data]);
      else fail(row, "VALIDATION_FAILED", result.issues);
    }
    await importChunk(writer, parsedRows, upsertBy, taxonomy, scoreGroups, { fail, ids, counts });
  }
  failures.sort((a, b) => a.row - b.row);
  return { ...counts, failures, ids };
}

async function importChunk<Entity>(
  writer: PartyWriter<Entity>,
  parsedRows: readonly [number, Readonly<Record<string, unknown>>][],
  upsertBy: string | undefined,
  taxonomy: Taxonomy,
  scoreGroups: ReadonlySet<string> | undefined,
  out: {
    fail: Failer;
    ids: (string | null)[];
    counts: { created: number; updated: number; unchanged: number };
  },
): Promise<void> {
  const now = writer.now();
  const keyOf = (parsed: Readonly<Record<string, unknown>>) =>
    upsertBy === undefined ? undefined : (parsed[upsertBy] as string | undefined);
  const existing = new Map<string, StoredRecord>();
  if (upsertBy !== undefined) {
    const keys = [
      ...new Set(
        parsedRows.map(([, parsed]) => keyOf(parsed)).filter((k): k is string => k !== undefined),
      ),
    ];
    const found =
      upsertBy === "id"
        ? await writer.deps.storage.getMany(writer.spec.collection, keys)
        : await Promise.all(
            keys.map(
              async (key) =>
                (
                  await writer.deps.storage.query({
                    collection: writer.spec.collection,
                    index: upsertBy,
                    where: { eq: key },
                    limit: 1,
                  })
                ).records[0] ?? null,
            ),
          );
    keys.forEach((key, position) => {
      const record = found[position];
      if (record) existing.set(key, record);
    });
  }
  // One pending write per record: several rows of the chunk may upsert the same record.
  interface Pending {
    rows: number[];
    before: StoredRecord | null;
    record: Row;
  }
  const pending = new Map<string, Pending>();
  // The latest state of each upsert key within this chunk, so a later row merges into it.
  const byKey = new Map<string, { record: Row }>();
  const built: [number, Row, boolean, StoredRecord | null][] = [];
  for (const [row, parsed] of parsedRows) {
    const key = keyOf(parsed);
    const earlier = key === undefined ? undefined : byKey.get(key);
    const stored = key === undefined ? null : (existing.get(key) ?? null);
    const base: Row | null = earlier?.record ?? stored;
    const record =
      base === null
        ? writer.fresh(parsed, now)
        : writer.patchedForImport(base, parsed, taxonomy, now);
    const issues = [
      ...scoreIssues(parsed, scoreGroups),
      ...checkParty(record, writer.spec.kind, taxonomy),
    ];
    if (issues.length > 0) {
      // A rejected row leaves no trace: a later row with the same key builds on the last good state.
      out.fail(row, "VALIDATION_FAILED", issues);
      continue;
    }
    built.push([row, record, earlier !== undefined, stored]);
    if (key !== undefined) byKey.set(key, { record });
  }
  const references = await writer.checkReferences(built.map(([, record]) => record));
  for (const [row, record, earlier, stored] of built) {
    const issues = references.get(record) ?? [];
    if (issues.length > 0) {
      out.fail(row, "VALIDATION_FAILED", issues);
      continue;
    }
    const id = record.id;
    const entry = pending.get(id);
    if (entry !== undefined) {
      entry.rows.push(row);
      entry.record = record;
    } else if (!earlier && stored !== null && sameContent(stored, record)) {
      out.ids[row] = id;
      out.counts.unchanged++;
    } else {
      pending.set(id, { rows: [row], before: stored, record });
    }
  }
  const entries = [...pending.values()];
  const op = (entry: Pending): WriteOperation => ({
    type: "put",
    collection: writer.spec.collection,
    record: entry.record,
    expectedRevision: entry.before?.revision ?? 0,
  });
  const journal = (group: readonly Pending[]) =>
    writer.deps.journal?.(
      writer.spec.kind,
      group.map((entry) => ({ before: entry.before, after: stored(entry.record, 0) })),
      now,
    ) ?? [];
  const written: RecordChange[] = [];
  const succeed = (entry: Pending, revision: number) => {
    for (const row of entry.rows) out.ids[row] = entry.record.id;
    if (entry.before === null) out.counts.created++;
    else out.counts.updated++;
    out.counts.updated += entry.rows.length - 1;
    written.push({ before: entry.before, after: stored(entry.record, revision) });
  };
  try {
    const outcomes = await writer.writeBatch([...entries.map(op), ...journal(entries)]);
    for (const [position, entry] of entries.entries())
      succeed(entry, revisionAfter(outcomes[position]));
  } catch (error) {
    if (
      !CrmkitError.is(error) ||
      !["UNIQUE_VIOLATION", "REVISION_CONFLICT", "VALIDATION_FAILED"].includes(error.code)
    )
      throw error;
    // One bad row must not sink its batch: write the rows one by one to find it, keep the rest.
    for (const entry of entries) {
      try {
        const [outcome] = await writer.writeBatch([op(entry), ...journal([entry])]);
        succeed(entry, revisionAfter(outcome));
      } catch (single) {
        if (!CrmkitError.is(single)) throw single;
        const path = single.details.path ?? [];
        for (const row of entry.rows)
          out.fail(
            row,
            single.code,
            [{ path, message: single.message, code: single.code }],
            single.message,
          );
      }
    }
  }
  await writer.committed(written, Date.parse(now), taxonomy);
}
