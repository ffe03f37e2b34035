import { CrmkitError, type CrmkitErrorDetails } from "@crmkit/core/storage";

/** The adapter's name, in error details. */
export const adapterName = "postgres";

const connectionCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
]);

/**
 * Maps a PostgreSQL (or driver) failure to a CrmkitError. Every write runs in one transaction, so
 * whatever the code, a failed write left nothing behind.
 */
export function toCrmkitError(
  error: unknown,
  what: string,
  details: CrmkitErrorDetails = {},
): CrmkitError {
  if (CrmkitError.is(error)) return error;
  const code = String((error as { code?: unknown })?.code ?? "");
  const facts = { adapter: adapterName, ...(code === "" ? {} : { sqlState: code }), ...details };
  const message = error instanceof Error ? error.message : String(error);
  if (code === "40001" || code === "40P01") {
    return new CrmkitError(
      "TRANSACTION_ABORTED",
      `PostgreSQL aborted the transaction (${code === "40001" ? "serialization failure" : "deadlock"}) while ${what}; nothing was written — retry.`,
      { details: facts, cause: error },
    );
  }
  if (code === "57014" || /timeout/i.test(message)) {
    return new CrmkitError(
      "TRANSACTION_ABORTED",
      `PostgreSQL timed out while ${what}; nothing was written.`,
      { details: facts, cause: error },
    );
  }
  if (code === "53100") {
    return new CrmkitError(
      "QUOTA_EXCEEDED",
      `PostgreSQL ran out of disk space while ${what}; nothing was written.`,
      {
        details: facts,
        cause: error,
      },
    );
  }
  if (
    code.startsWith("08") ||
    connectionCodes.has(code) ||
    code === "57P01" ||
    /Connection terminated|not queryable/i.test(message)
  ) {
    return new CrmkitError(
      "STORAGE_FAILURE",
      `The connection to PostgreSQL failed while ${what}; nothing was written.`,
      { details: facts, cause: error },
    );
  }
  return new CrmkitError("STORAGE_FAILURE", `PostgreSQL failed while ${what}: ${message}`, {
    details: facts,
    cause: error,
  });
}
