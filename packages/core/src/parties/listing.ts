import { validationError } from "../errors.js";
import {
  compileCondition,
  pageInOrder,
  type RecordPage,
  type SegmentQuery,
  segmentQuerySchema,
} from "../query/index.js";
import { collections, loadTaxonomy, type PartyKind, tables } from "../records/index.js";
import type { StorageAdapter, StoredRecord } from "../storage/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";

/** Options of listing contacts or accounts. */
export interface ListOptions {
  /**
   * Only the records this condition holds for, in the query language (`q.field("country").eq("FR")`).
   * A saved segment is listed with `crm.segments.members`.
   */
  readonly where?: SegmentQuery;
  /** The order: by creation or last update. @defaultValue "createdAt" */
  readonly sort?: "createdAt" | "updatedAt";
  /** Oldest (`asc`) or newest (`desc`) first. @defaultValue "asc" */
  readonly order?: "asc" | "desc";
  /** The page size, 1 to 1,000. @defaultValue 100 */
  readonly limit?: number;
  /** The cursor of the previous page. */
  readonly cursor?: string | null;
}

const listOptionsSchema = z.strictObject({
  where: z.optional(segmentQuerySchema),
  sort: z.optional(z.enum(["createdAt", "updatedAt"])),
  order: z.optional(z.enum(["asc", "desc"])),
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1_000))),
  cursor: z.optional(z.nullable(z.string())),
});

/**
 * Lists contacts or accounts a page at a time, in creation or update order, optionally filtered by
 * a condition evaluated as segments are (account fields of contacts and `teamId` included).
 * @internal
 */
export async function listParties(
  deps: { readonly storage: StorageAdapter; readonly timezone: string; readonly now: number },
  kind: PartyKind,
  collection: string,
  options: ListOptions,
): Promise<RecordPage<StoredRecord>> {
  const parsed = parseInput(listOptionsSchema, options, "list options");
  const { storage } = deps;
  const sort = parsed.sort ?? "createdAt";
  const order = parsed.order ?? "asc";
  let keep:
    | ((batch: readonly StoredRecord[]) => Promise<(record: StoredRecord) => boolean>)
    | undefined;
  if (parsed.where !== undefined) {
    const [taxonomy, users] = await Promise.all([loadTaxonomy(storage), tables.users.all(storage)]);
    const teams = new Map(users.map((user) => [user.id, user.teamId]));
    let accounts = new Map<string, StoredRecord>();
    const compiled = compileCondition(
      parsed.where,
      kind,
      {
        taxonomy,
        at: deps.now,
        timezone: deps.timezone,
        teamOf: (id) => teams.get(id),
        account: (record) =>
          typeof record.accountId === "string" ? (accounts.get(record.accountId) ?? null) : null,
      },
      ["where"],
    );
    if (!compiled.ok) throw validationError("list options", compiled.issues);
    const condition = compiled.condition;
    keep = async (batch) => {
      if (kind === "contact") {
        const ids = [
          ...new Set(
            batch.flatMap((record) =>
              typeof record.accountId === "string" ? [record.accountId] : [],
            ),
          ),
        ];
        const found = await storage.getMany(collections.accounts, ids);
        accounts = new Map(
          found.flatMap((account) => (account === null ? [] : [[account.id, account]])),
        );
      }
      return (record) => condition.test(record);
    };
  }
  return pageInOrder(
    storage,
    { collection, index: sort, order },
    keep,
    parsed.limit ?? 100,
    parsed.cursor,
    JSON.stringify([collection, sort, order, parsed.where ?? null]),
  );
}
