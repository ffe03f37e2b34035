// The shape of a write batch, checked on every adapter's write path: a quick hand-written check
// that accepts exactly what the schema accepts (a property test holds them together), and the
// schema itself only for a batch the quick check doubts, for its issues and their paths.
import { validationError } from "../errors.js";
import { textProblem } from "../text.js";
import { toValidationIssues } from "../validation.js";
import * as z from "../zod.js";

const recordId = z.string().check(
  z.minLength(1),
  z.maxLength(512),
  z.refine((id) => textProblem(id) === undefined, "use well-formed text without U+0000"),
);
const revision = z.number().check(z.int(), z.gte(0));

/** The shape of a write batch. @internal */
export const operationsSchema = z.array(
  z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("put"),
      collection: z.string(),
      record: z.looseObject({ id: recordId }),
      expectedRevision: z.optional(revision),
    }),
    z.strictObject({
      type: z.literal("delete"),
      collection: z.string(),
      id: recordId,
      expectedRevision: z.optional(revision),
    }),
  ]),
);

const putKeys = new Set(["type", "collection", "record", "expectedRevision"]);
const deleteKeys = new Set(["type", "collection", "id", "expectedRevision"]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isRecordId = (id: unknown) =>
  typeof id === "string" && id.length >= 1 && id.length <= 512 && textProblem(id) === undefined;
const isRevision = (value: unknown) =>
  value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0);

/**
 * Whether a batch has the shape `operationsSchema` describes — as strict, without zod: the write
 * path of every adapter runs it, and most batches are built by crmkit itself.
 */
export function wellFormed(operations: unknown): operations is Shaped {
  if (!Array.isArray(operations)) return false;
  for (const operation of operations) {
    if (!isObject(operation) || typeof operation.collection !== "string") return false;
    if (!isRevision(operation.expectedRevision)) return false;
    const allowed =
      operation.type === "put" ? putKeys : operation.type === "delete" ? deleteKeys : undefined;
    if (allowed === undefined) return false;
    for (const key of Object.keys(operation)) if (!allowed.has(key)) return false;
    if (operation.type === "put") {
      if (!isObject(operation.record) || !isRecordId(operation.record.id)) return false;
    } else if (!isRecordId(operation.id)) return false;
  }
  return true;
}

/** A batch of the right shape. */
export type Shaped = z.output<typeof operationsSchema>;

/** The batch through the schema: its issues, with their paths, when it is not well formed. */
export function parseShape(operations: unknown): Shaped {
  const checked = operationsSchema.safeParse(operations);
  if (!checked.success)
    throw validationError("write batch", toValidationIssues(checked.error.issues));
  return checked.data;
}
