/**
 * Every error code crmkit can throw. The set is closed: a code never changes meaning, and new codes
 * are only added, so host applications can switch on them safely.
 *
 * - `VALIDATION_FAILED`: input did not match its schema; `details.path` names the bad field.
 * - `NOT_FOUND`: a record or definition that the operation needs does not exist.
 * - `REVISION_CONFLICT`: a write stated an expected revision that the stored record no longer has.
 * - `UNIQUE_VIOLATION`: a write would give two records the same key in a unique index.
 * - `CAPABILITY_MISSING`: the storage adapter does not declare an ability the operation needs.
 * - `STORAGE_FAILURE`: the storage backend failed for a reason not covered by a more precise code.
 * - `QUOTA_EXCEEDED`: the storage backend ran out of space; nothing was written.
 * - `TRANSACTION_ABORTED`: the backend aborted the write's transaction; nothing was written.
 * - `UPGRADE_BLOCKED`: a schema upgrade is blocked by another open connection (another tab).
 * - `SCHEMA_MISMATCH`: the stored data has a newer schema version than the code opening it.
 * - `STORAGE_CLOSED`: the adapter was closed (by the host, or because another tab upgraded it).
 * - `IN_USE`: a definition (status, tag, segment…) cannot be removed because records or other
 *   definitions use it; `details.count` says how many, `details.usedBy` by what.
 * - `INVALID_TRANSITION`: a state change the record's current state does not allow (moving a deal
 *   to a stage of another pipeline, completing a task that is not open).
 * - `SLOT_TAKEN`: a booking overlaps the planned time of its owner or a participant;
 *   `details.conflicts` lists the overlapping activities (`userId`, `activityId`, `start`, `end`).
 */
export type CrmkitErrorCode =
  | "VALIDATION_FAILED"
  | "NOT_FOUND"
  | "REVISION_CONFLICT"
  | "UNIQUE_VIOLATION"
  | "CAPABILITY_MISSING"
  | "STORAGE_FAILURE"
  | "QUOTA_EXCEEDED"
  | "TRANSACTION_ABORTED"
  | "UPGRADE_BLOCKED"
  | "SCHEMA_MISMATCH"
  | "STORAGE_CLOSED"
  | "IN_USE"
  | "INVALID_TRANSITION"
  | "SLOT_TAKEN";

/** All {@link CrmkitErrorCode} values, for exhaustive checks and documentation. */
export const crmkitErrorCodes: readonly CrmkitErrorCode[] = [
  "VALIDATION_FAILED",
  "NOT_FOUND",
  "REVISION_CONFLICT",
  "UNIQUE_VIOLATION",
  "CAPABILITY_MISSING",
  "STORAGE_FAILURE",
  "QUOTA_EXCEEDED",
  "TRANSACTION_ABORTED",
  "UPGRADE_BLOCKED",
  "SCHEMA_MISMATCH",
  "STORAGE_CLOSED",
  "IN_USE",
  "INVALID_TRANSITION",
  "SLOT_TAKEN",
];

/** One path segment: an object key or an array index. */
export type PathSegment = string | number;

/** One problem found while validating input. */
export interface ValidationIssue {
  /** Where the problem is, from the root of the validated value. */
  readonly path: readonly PathSegment[];
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** A machine-readable kind of problem (zod's issue code, or a crmkit one). */
  readonly code: string;
}

/**
 * Structured facts about an error. Every field is optional; which ones are present depends on the
 * code (e.g. `path` and `issues` for `VALIDATION_FAILED`, `collection` and `id` for storage errors).
 */
export interface CrmkitErrorDetails {
  /** The path of the (first) bad field, for `VALIDATION_FAILED`. */
  readonly path?: readonly PathSegment[];
  /** Every validation problem found. */
  readonly issues?: readonly ValidationIssue[];
  /** The storage collection concerned. */
  readonly collection?: string;
  /** The record id concerned. */
  readonly id?: string;
  /** The index concerned. */
  readonly index?: string;
  /** The position of the failing operation in a write batch. */
  readonly opIndex?: number;
  /** For `REVISION_CONFLICT`: the revision the write expected. */
  readonly expectedRevision?: number;
  /** For `REVISION_CONFLICT`: the revision actually stored (0 when the record does not exist). */
  readonly actualRevision?: number;
  /** The storage adapter's name. */
  readonly adapter?: string;
  /** For `CAPABILITY_MISSING`: the capability that was needed. */
  readonly capability?: string;
  /** For `IN_USE`: how many records and definitions use the definition. */
  readonly count?: number;
  /** For `IN_USE`: how many of each kind use it, e.g. `{ contacts: 12, segments: 1 }`. */
  readonly usedBy?: Readonly<Record<string, number>>;
  /** Anything else worth knowing, JSON-serialisable. */
  readonly [key: string]: unknown;
}

const brand = Symbol.for("crmkit.error");

/** Options for constructing a {@link CrmkitError}. */
export interface CrmkitErrorOptions {
  /** Structured facts about the error. */
  readonly details?: CrmkitErrorDetails;
  /** The lower-level error that caused this one. */
  readonly cause?: unknown;
}

/**
 * The one error class crmkit throws. Switch on {@link CrmkitError.code}; read
 * {@link CrmkitError.details} for the facts (the bad field's path, the record id, the adapter).
 *
 * @example
 * ```ts
 * try {
 *   await store.write([{ type: "put", collection: "contacts", record, expectedRevision: 3 }]);
 * } catch (error) {
 *   if (CrmkitError.is(error, "REVISION_CONFLICT")) {
 *     // reload and retry
 *   } else throw error;
 * }
 * ```
 */
export class CrmkitError extends Error {
  /** The stable error code. */
  readonly code: CrmkitErrorCode;
  /** Structured facts about the error. */
  readonly details: CrmkitErrorDetails;

  /**
   * @param code - the stable error code
   * @param message - one sentence saying what went wrong
   * @param options - details and cause
   */
  constructor(code: CrmkitErrorCode, message: string, options: CrmkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CrmkitError";
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, brand, { value: true });
  }

  /**
   * Tells whether `value` is a crmkit error, optionally with the given code. Works across two
   * copies of the package loaded in one program (it checks a global symbol, not `instanceof`).
   */
  static is(value: unknown, code?: CrmkitErrorCode): value is CrmkitError {
    if (typeof value !== "object" || value === null) return false;
    if ((value as Record<symbol, unknown>)[brand] !== true) return false;
    return code === undefined || (value as CrmkitError).code === code;
  }
}

/**
 * Builds a `VALIDATION_FAILED` error from a list of issues; the first issue's path becomes
 * `details.path`.
 */
export function validationError(
  what: string,
  issues: readonly ValidationIssue[],
  details: CrmkitErrorDetails = {},
): CrmkitError {
  const first = issues[0];
  const where = first && first.path.length > 0 ? ` at ${formatPath(first.path)}` : "";
  const message = first ? `Invalid ${what}${where}: ${first.message}` : `Invalid ${what}.`;
  return new CrmkitError("VALIDATION_FAILED", message, {
    details: { ...details, path: first?.path ?? [], issues },
  });
}

/** Formats a path as `a.b[2].c`, for messages. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    out += typeof segment === "number" ? `[${segment}]` : out === "" ? segment : `.${segment}`;
  }
  return out === "" ? "(root)" : out;
}
