// The shape of query options, checked on every read: a quick hand-written check that accepts
// exactly what the schema accepts (a property test holds them together), and the schema itself
// only for options the quick check doubts, for its issues and their paths.
import { parseInput } from "../validation.js";
import * as z from "../zod.js";

/** A key in an index or a cursor. @internal */
export const keySchema = z.union([z.string(), z.number()]);
const rangeSchema = z.strictObject({
  eq: z.optional(keySchema),
  gt: z.optional(keySchema),
  gte: z.optional(keySchema),
  lt: z.optional(keySchema),
  lte: z.optional(keySchema),
});

/** The shape of query options. @internal */
export const queryOptionsSchema = z.strictObject({
  collection: z.string(),
  index: z.optional(z.string()),
  where: z.optional(rangeSchema),
  order: z.optional(z.enum(["asc", "desc"])),
  limit: z.optional(z.number().check(z.int(), z.gte(1))),
  cursor: z.optional(z.nullable(z.string())),
});

/** Query options of the right shape. */
export type QueryShape = z.output<typeof queryOptionsSchema>;

const optionKeys = new Set(["collection", "index", "where", "order", "limit", "cursor"]);
const rangeKeys = new Set(["eq", "gt", "gte", "lt", "lte"]);

const isKey = (value: unknown) =>
  value === undefined ||
  typeof value === "string" ||
  (typeof value === "number" && Number.isFinite(value));

/** Whether options have the shape `queryOptionsSchema` describes — as strict, without zod. @internal */
export function queryWellFormed(options: unknown): options is QueryShape {
  if (typeof options !== "object" || options === null || Array.isArray(options)) return false;
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!optionKeys.has(key)) return false;
  if (typeof o.collection !== "string") return false;
  if (o.index !== undefined && typeof o.index !== "string") return false;
  if (o.order !== undefined && o.order !== "asc" && o.order !== "desc") return false;
  if (o.limit !== undefined && !(Number.isSafeInteger(o.limit) && (o.limit as number) >= 1))
    return false;
  if (o.cursor !== undefined && o.cursor !== null && typeof o.cursor !== "string") return false;
  if (o.where !== undefined) {
    const where = o.where;
    if (typeof where !== "object" || where === null || Array.isArray(where)) return false;
    const range = where as Record<string, unknown>;
    for (const key of Object.keys(range))
      if (!rangeKeys.has(key) || !isKey(range[key])) return false;
  }
  return true;
}

/**
 * Query options checked: as given when well formed, else through the schema.
 * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad option
 */
export function checkQueryShape(options: unknown): QueryShape {
  return queryWellFormed(options) ? options : parseInput(queryOptionsSchema, options, "query");
}
