import type { z } from "zod/mini";
import type { Environment } from "../environment.js";
import type { CrmkitErrorCode, PathSegment, ValidationIssue } from "../errors.js";
import type { ChangeHook, PartyKind } from "../records/index.js";
import type { StorageAdapter, StoredRecord, WriteOperation } from "../storage/index.js";

/** What a repository is built on. */
export interface RepositoryDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
  /** Where committed changes go (segments, stage goals, scoring react to them). @internal */
  readonly hook: ChangeHook;
  /** The status of a new record that names none. */
  readonly defaultStatus: string;
  /** The workspace timezone, for relative dates in `list` conditions. */
  readonly timezone: string;
  /** The score groups lead scoring maintains: input may not set them. */
  readonly scoreGroups?: () => Promise<ReadonlySet<string>>;
  /** The journal records of those changes, written in the same batch as them. @internal */
  readonly journal?: (
    kind: PartyKind,
    changes: readonly { before: StoredRecord | null; after: StoredRecord | null }[],
    at: string,
  ) => readonly WriteOperation[];
}

/** How a repository differs between contacts and accounts. */
export interface PartySpec {
  /** The record kind. */
  readonly kind: PartyKind;
  /** The storage collection. */
  readonly collection: string;
  /** The zod schema of a new record. */
  readonly createSchema: z.ZodMiniType<Record<string, unknown>>;
  /** The zod schema of an update. */
  readonly patchSchema: z.ZodMiniType<Record<string, unknown>>;
  /** The fields an import can upsert by, each backed by a unique index of the same name. */
  readonly upsertKeys: readonly string[];
}

/** Options of a write that may check the stored revision. */
export interface WriteOptions {
  /** The revision the stored record must have; omitted, the revision read just before is used. */
  readonly expectedRevision?: number;
}

/** One rejected row of an import. */
export interface ImportFailure {
  /** The row's position in the input, from 0. */
  readonly row: number;
  /** The path of the bad field within the row. */
  readonly path: readonly PathSegment[];
  /** `VALIDATION_FAILED`, `UNIQUE_VIOLATION`, `REVISION_CONFLICT`… */
  readonly code: CrmkitErrorCode;
  /** The first problem, in words. */
  readonly message: string;
  /** Every problem found in the row. */
  readonly issues: readonly ValidationIssue[];
}

/** What an import did. Every valid row was written; each invalid row is reported. */
export interface ImportReport {
  /** Rows that created a record. */
  readonly created: number;
  /** Rows that changed an existing record. */
  readonly updated: number;
  /** Rows that matched an existing record and changed nothing (an import run twice changes nothing). */
  readonly unchanged: number;
  /** Rejected rows, in row order. */
  readonly failures: readonly ImportFailure[];
  /** For each row, the id of the record it created or matched, or `null` if it was rejected. */
  readonly ids: readonly (string | null)[];
}

/** Options of an import. */
export interface ImportOptions {
  /**
   * The field that identifies an existing record: a row whose value matches one updates it (given
   * fields replace, `custom` and `scores` merge, tags are added as by `addTags`). Without it, every
   * row creates a record.
   */
  readonly upsertBy?: string;
  /**
   * How many rows are written per storage batch.
   * @default 1000
   */
  readonly batchSize?: number;
}

/** A record being built: an id, and fields as the schemas and `checkParty` accept them. */
export type Row = { id: string; [field: string]: unknown };
