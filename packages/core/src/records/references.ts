// Whether the records a write names exist: the one check every service makes of its ids.
import type { ValidationIssue } from "../errors.js";
import type { StorageAdapter } from "../storage/index.js";

/** A field naming a record: its path, the id it holds (if any), the collection, and the noun. */
export type Reference = readonly [
  path: readonly (string | number)[],
  id: string | undefined,
  collection: string,
  noun: string,
];

/**
 * The references whose record does not exist, as validation issues in the order given
 * (`unknown deal "d1"` at `["dealId"]`). @internal
 */
export async function missingReferences(
  storage: StorageAdapter,
  references: readonly Reference[],
): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  for (const [path, id, collection, noun] of references)
    if (id !== undefined && (await storage.get(collection, id)) === null)
      issues.push({ path, message: `unknown ${noun} "${id}"`, code: "unknown_ref" });
  return issues;
}
