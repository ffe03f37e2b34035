import type { z } from "zod";
import { type CrmkitErrorDetails, type ValidationIssue, validationError } from "./errors.js";

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
 * @throws CrmkitError `VALIDATION_FAILED` with the path of the first bad field and every issue
 */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
  details: CrmkitErrorDetails = {},
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(what, toValidationIssues(result.error.issues), details);
}
