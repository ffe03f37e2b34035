import { CrmkitError } from "../errors.js";
import type { KeyRange, StorageAdapter, StoredRecord } from "../storage/index.js";

/** One page of a listing, and where the next one starts. */
export interface RecordPage<T> {
  /** The records of this page. */
  readonly records: T[];
  /** Pass it back for the next page; `null` after the last. */
  readonly cursor: string | null;
}

/** Where a listing reads from: a collection, in an index's order (or by id), optionally one range. */
export interface ListingSource {
  readonly collection: string;
  readonly index?: string;
  readonly where?: KeyRange;
  readonly order?: "asc" | "desc";
}

interface ListingCursor {
  /** The adapter's cursor. */
  readonly c: string;
  /** What the cursor belongs to. */
  readonly p: string;
}

/**
 * Reads one page of a collection in a source's order, keeping the records `keep` accepts (it is
 * given each batch read, so it can load what it needs once per batch). When it stops inside an
 * adapter page, it reads that page again up to the last record kept to get the adapter's cursor
 * there, so no record is skipped or repeated between pages. `fingerprint` names the listing: a
 * cursor of another listing is refused.
 *
 * @throws CrmkitError `VALIDATION_FAILED` (path `cursor`) for a cursor of another listing
 */
export async function pageInOrder(
  storage: StorageAdapter,
  source: ListingSource,
  keep:
    | ((batch: readonly StoredRecord[]) => Promise<(record: StoredRecord) => boolean>)
    | undefined,
  limit: number,
  cursor: string | null | undefined,
  fingerprint: string,
): Promise<RecordPage<StoredRecord>> {
  let storageCursor: string | null = null;
  if (cursor !== undefined && cursor !== null) {
    let parsed: Partial<ListingCursor> = {};
    try {
      parsed = JSON.parse(cursor) as ListingCursor;
    } catch {
      // Reported below.
    }
    if (parsed.p !== fingerprint || typeof parsed.c !== "string")
      throw new CrmkitError("VALIDATION_FAILED", "This cursor belongs to another listing.", {
        details: { path: ["cursor"] },
      });
    storageCursor = parsed.c;
  }
  const records: StoredRecord[] = [];
  const fetchSize = keep === undefined ? limit : Math.max(50, Math.min(limit * 2, 1_000));
  const wrap = (next: string | null) =>
    next === null ? null : JSON.stringify({ c: next, p: fingerprint } satisfies ListingCursor);
  for (;;) {
    const options = { ...source, limit: fetchSize, cursor: storageCursor };
    const page = await storage.query(options);
    const accept = keep === undefined ? () => true : await keep(page.records);
    for (const [i, record] of page.records.entries()) {
      if (!accept(record)) continue;
      records.push(record);
      if (records.length === limit) {
        const next =
          i < page.records.length - 1
            ? (await storage.query({ ...options, limit: i + 1 })).cursor
            : page.cursor;
        return { records, cursor: wrap(next) };
      }
    }
    if (page.cursor === null) return { records, cursor: null };
    storageCursor = page.cursor;
  }
}
