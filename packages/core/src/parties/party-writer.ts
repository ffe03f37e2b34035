import { toIsoInstant } from "../environment.js";
import { CrmkitError, type ValidationIssue, validationError } from "../errors.js";
import type { RecordChange } from "../records/index.js";
import { asStored, collections, revisionAfter, type Taxonomy } from "../records/index.js";
import type { JsonValue, StoredRecord, WriteOperation } from "../storage/index.js";
import { addTagsTo, checkParty, mergeCustom } from "./party-input.js";
import type { PartySpec, RepositoryDeps, Row } from "./party-types.js";

/**
 * A row that passed the schema (create or patch, over the stored record) and `checkParty` is a
 * whole contact or account: that check, not TypeScript, is what ties the two, so this is the
 * parties' one cast. Reads go through the same door.
 */
export function entity<E>(row: Row | StoredRecord): E {
  return row as unknown as E;
}

/**
 * The write path shared by a party repository and its import: building records from parsed input,
 * checking them against the taxonomy and their references, writing them with their journal, and
 * announcing what was committed.
 */
export class PartyWriter<Entity> {
  constructor(
    readonly deps: RepositoryDeps,
    readonly spec: PartySpec,
  ) {}

  now(): string {
    return toIsoInstant(this.deps.environment.now());
  }

  async require(id: string): Promise<StoredRecord> {
    const found = await this.deps.storage.get(this.spec.collection, id);
    if (found === null)
      throw new CrmkitError("NOT_FOUND", `There is no ${this.spec.kind} "${id}".`, {
        details: { id, collection: this.spec.collection },
      });
    return found;
  }

  async checkReferences(records: readonly Row[]): Promise<Map<Row, ValidationIssue[]>> {
    const out = new Map<Row, ValidationIssue[]>();
    const lookups: [field: string, collection: string][] = [["ownerId", collections.users]];
    if (this.spec.kind === "contact") lookups.push(["accountId", collections.accounts]);
    for (const [field, collection] of lookups) {
      const ids = [
        ...new Set(records.map((r) => r[field]).filter((v): v is string => typeof v === "string")),
      ];
      const existing = new Set<string>();
      for (let start = 0; start < ids.length; start += 1_000) {
        const found = await this.deps.storage.getMany(collection, ids.slice(start, start + 1_000));
        for (const record of found) if (record !== null) existing.add(record.id);
      }
      for (const record of records) {
        const value = record[field];
        if (typeof value === "string" && !existing.has(value)) {
          const issues = out.get(record) ?? [];
          issues.push({
            path: [field],
            message: `there is no ${field === "ownerId" ? "user" : "account"} "${value}"`,
            code: "unknown_reference",
          });
          out.set(record, issues);
        }
      }
    }
    return out;
  }

  /** Rejects input setting a score lead scoring maintains (it is a cache of the ledger). */
  async checkScores(parsed: Readonly<Record<string, unknown>>, what: string): Promise<void> {
    const issues = scoreIssues(parsed, await this.deps.scoreGroups?.());
    if (issues.length > 0) throw validationError(what, issues);
  }

  async validate(record: Row, taxonomy: Taxonomy): Promise<void> {
    const issues = [
      ...checkParty(record, this.spec.kind, taxonomy),
      ...((await this.checkReferences([record])).get(record) ?? []),
    ];
    if (issues.length > 0) throw validationError(this.spec.kind, issues, { id: record.id });
  }

  async write(
    before: StoredRecord | null,
    record: Row,
    expectedRevision: number,
    taxonomy?: Taxonomy,
  ): Promise<Entity> {
    const at = this.deps.environment.now();
    const [outcome] = await this.writeBatch([
      { type: "put", collection: this.spec.collection, record, expectedRevision },
      ...(this.deps.journal?.(
        this.spec.kind,
        [{ before, after: stored(record, 0) }],
        toIsoInstant(at),
      ) ?? []),
    ]);
    const after = stored(record, revisionAfter(outcome));
    await this.committed([{ before, after }], at, taxonomy);
    return entity<Entity>(after);
  }

  async writeBatch(operations: WriteOperation[]) {
    try {
      return await this.deps.storage.write(operations);
    } catch (error) {
      if (CrmkitError.is(error, "UNIQUE_VIOLATION") && typeof error.details.index === "string") {
        throw new CrmkitError(
          "UNIQUE_VIOLATION",
          `Another ${this.spec.kind} already has this ${error.details.index}.`,
          {
            details: { ...error.details, path: [error.details.index] },
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  fresh(parsed: Readonly<Record<string, unknown>>, now: string): Row {
    const record: Row = {
      id: typeof parsed.id === "string" ? parsed.id : this.deps.environment.newId(),
      status: this.deps.defaultStatus,
      tags: [],
      custom: {},
      scores: {},
    };
    for (const [key, value] of Object.entries(parsed)) if (value !== undefined) record[key] = value;
    record.tags = [...new Set(record.tags as string[])];
    record.createdAt = now;
    record.updatedAt = now;
    return record;
  }

  patched(
    current: Row,
    parsed: Readonly<Record<string, unknown>>,
    now: string,
    tagMode: "replace" | "add",
  ): Row {
    const record: Row = { ...current };
    for (const [key, value] of Object.entries(parsed)) {
      if (value === undefined || key === "id") continue;
      if (key === "custom")
        record.custom = mergeCustom(current.custom as Record<string, JsonValue>, value as Row);
      else if (key === "scores") record.scores = { ...(current.scores as Row), ...(value as Row) };
      else if (key === "tags" && tagMode === "add") continue;
      else if (key === "tags") record.tags = [...new Set(value as string[])];
      else if (value === null) delete record[key];
      else record[key] = value;
    }
    record.updatedAt = now;
    return record;
  }

  /** Announces committed changes to the domains that react to them. */
  committed(changes: readonly RecordChange[], at: number, taxonomy?: Taxonomy): Promise<void> {
    return this.deps.hook.committed({
      collection: this.spec.collection,
      changes,
      at,
      ...(taxonomy === undefined ? {} : { taxonomy }),
    });
  }

  patchedForImport(
    base: Row,
    parsed: Readonly<Record<string, unknown>>,
    taxonomy: Taxonomy,
    now: string,
  ): Row {
    const { tags, id: _id, ...rest } = parsed;
    const record = this.patched(base, rest, now, "add");
    if (Array.isArray(tags))
      record.tags = addTagsTo(base.tags as string[], tags as string[], taxonomy);
    return record;
  }
}

/** A row as the storage contract and the change hook see it once written at `revision`. */
export function stored(row: Row, revision: number): StoredRecord {
  return asStored({ ...row, revision });
}

export function scoreIssues(
  parsed: Readonly<Record<string, unknown>>,
  groups: ReadonlySet<string> | undefined,
): ValidationIssue[] {
  const scores = parsed.scores as Record<string, unknown> | undefined;
  if (groups === undefined || scores === undefined) return [];
  return Object.keys(scores)
    .filter((group) => groups.has(group))
    .map((group) => ({
      path: ["scores", group],
      message: `the "${group}" score is maintained by lead scoring`,
      code: "managed_score",
    }));
}
