import type { z } from "zod/mini";
import { type CrmkitErrorDetails, type ValidationIssue, validationError } from "./errors.js";
import { findInputProblem, findReservedKey } from "./text.js";

/** Converts zod issues to crmkit's {@link ValidationIssue} shape (paths of strings and numbers). */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map((segment) =>
      typeof segment === "symbol" ? String(segment) : segment,
    );
    // An unknown key is a problem of that key, so name it in the path.
    if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
    return { path, message: issue.message, code: issue.code };
  });
}

/**
 * A parsed value as crmkit keeps it: an optional field is absent or has a value, never
 * `undefined` (zod types `.optional()` as `T | undefined`; storage drops `undefined` as JSON does;
 * the record types say `field?: T` under `exactOptionalPropertyTypes`). Deep, through arrays.
 */
export type Defined<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { [K in keyof T]: Defined<Exclude<T[K], undefined>> }
    : T;

/**
 * Drops the `undefined` properties of plain objects, deeply, so the value matches {@link Defined}.
 * Objects and arrays without any are returned as they are; others are copied, never changed in
 * place (zod may hand back the caller's own objects for `unknown` fields).
 */
export function dropUndefined<T>(value: T): Defined<T> {
  return dropIn(value, new Set()) as Defined<T>;
}

function dropIn(value: unknown, seen: Set<object>): unknown {
  if (typeof value !== "object" || value === null || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = dropIn(value[i], seen);
      if (next === value[i]) continue;
      copy ??= value.slice();
      copy[i] = next;
    }
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    const next = field === undefined ? undefined : dropIn(field, seen);
    if (next === field && field !== undefined) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    if (next === undefined) delete copy[key];
    else copy[key] = next;
  }
  return copy ?? value;
}

/**
 * Parses `input` with a zod schema at a boundary of crmkit.
 *
 * @param schema - the zod schema
 * @param input - the untrusted value
 * @param what - what the value is, for the error message ("storage schema", "write batch")
 * @param details - facts to attach to the error
 * @returns the parsed value, without `undefined` properties (see {@link Defined})
 * @throws CrmkitError `VALIDATION_FAILED` with the path of the first bad field and every issue;
 * also for any string that is not well-formed UTF-16 or contains U+0000 (code `invalid_text`)
 */
export function parseInput<Schema extends z.ZodMiniType>(
  schema: Schema,
  input: unknown,
  what: string,
  details: CrmkitErrorDetails = {},
): Defined<z.output<Schema>> {
  const result = safeParseInput(schema, input);
  if (result.success) return result.data;
  throw validationError(what, result.issues, details);
}

/**
 * Like {@link parseInput}, as a result: the parsed value, or every issue (zod's, or the first
 * string that is not acceptable text).
 */
export function safeParseInput<Schema extends z.ZodMiniType>(
  schema: Schema,
  input: unknown,
):
  | { success: true; data: Defined<z.output<Schema>> }
  | { success: false; issues: ValidationIssue[] } {
  const reserved = findReservedKey(input);
  if (reserved !== undefined) return { success: false, issues: [reserved] };
  const result = schema.safeParse(input);
  if (!result.success) return { success: false, issues: toValidationIssues(result.error.issues) };
  const bad = findInputProblem(result.data);
  return bad === undefined
    ? { success: true, data: dropUndefined(result.data) }
    : { success: false, issues: [bad] };
}
