import { CrmkitError, type CrmkitErrorDetails } from "@crmkit/core/storage";

/** The adapter's name, in error details. */
export const adapterName = "indexeddb";

/**
 * Maps an IndexedDB failure to a CrmkitError. Every write runs in one transaction, so whatever the
 * code, an aborted write left nothing behind.
 */
export function toCrmkitError(
  error: unknown,
  what: string,
  details: CrmkitErrorDetails = {},
): CrmkitError {
  if (CrmkitError.is(error)) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : "";
  const facts = { adapter: adapterName, ...details };
  switch (name) {
    case "QuotaExceededError":
      return new CrmkitError(
        "QUOTA_EXCEEDED",
        `IndexedDB ran out of space while ${what}; nothing was written.`,
        {
          details: facts,
          cause: error,
        },
      );
    case "AbortError":
      return new CrmkitError(
        "TRANSACTION_ABORTED",
        `IndexedDB aborted the transaction while ${what}; nothing was written.`,
        {
          details: facts,
          cause: error,
        },
      );
    case "VersionError":
      return new CrmkitError(
        "SCHEMA_MISMATCH",
        "The IndexedDB database has a newer schema version than the code opening it.",
        { details: facts, cause: error },
      );
    case "InvalidStateError":
      return new CrmkitError(
        "STORAGE_CLOSED",
        `The IndexedDB connection is closed (while ${what}).`,
        {
          details: facts,
          cause: error,
        },
      );
    default:
      return new CrmkitError("STORAGE_FAILURE", `IndexedDB failed while ${what}.`, {
        details: facts,
        cause: error,
      });
  }
}
