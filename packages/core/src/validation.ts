import type { z } from "zod";
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
 * Parses `input` with a zod schema at a boundary of crmkit.
 *
 * @param schema - the zod schema
 * @param input - the untrusted value
 * @param what - what the value is, for the error message ("storage schema", "write batch")
 * @param details - facts to attach to the error
 * @returns the parsed value
 * @throws CrmkitError `VALIDATION_FAILED` with the path of the first bad field and every issue;
 * also for any string that is not well-formed UTF-16 or contains U+0000 (code `invalid_text`)
 */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
  details: CrmkitErrorDetails = {},
): z.output<Schema> {
  const result = safeParseInput(schema, input);
  if (result.success) return result.data;
  throw validationError(what, result.issues, details);
}

/**
 * Like {@link parseInput}, as a result: the parsed value, or every issue (zod's, or the first
 * string that is not acceptable text).
 */
export function safeParseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): { success: true; data: z.output<Schema> } | { success: false; issues: ValidationIssue[] } {
  const reserved = findReservedKey(input);
  if (reserved !== undefined) return { success: false, issues: [reserved] };
  const result = schema.safeParse(input);
  if (!result.success) return { success: false, issues: toValidationIssues(result.error.issues) };
  const bad = findInputProblem(result.data);
  return bad === undefined
    ? { success: true, data: result.data }
    : { success: false, issues: [bad] };
}
