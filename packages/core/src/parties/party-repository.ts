import type { z } from "zod";
import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import {
  CrmkitError,
  type CrmkitErrorCode,
  type PathSegment,
  type ValidationIssue,
  validationError,
} from "../errors.js";
import type { RecordPage } from "../query/index.js";
import type { ChangeHook, PartyKind, RecordChange } from "../records/index.js";
import {
  asStored,
  collections,
  loadTaxonomy,
  type PartyFields,
  revisionAfter,
  type Taxonomy,
} from "../records/index.js";
import type { JsonValue, StorageAdapter, StoredRecord, WriteOperation } from "../storage/index.js";
import { parseInput, safeParseInput } from "../validation.js";
import { type ListOptions, listParties } from "./listing.js";
import { addTagsTo, checkParty, mergeCustom } from "./party-input.js";

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
  readonly createSchema: z.ZodType<Record<string, unknown>>;
  /** The zod schema of an update. */
  readonly patchSchema: z.ZodType<Record<string, unknown>>;
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
type Row = { id: string; [field: string]: unknown };

const metaKeys = new Set(["revision", "updatedAt"]);
const sameContent = (a: StoredRecord, b: Row) =>
  JSON.stringify(a, (key, value) => (metaKeys.has(key) ? undefined : value)) ===
  JSON.stringify(b, (key, value) => (metaKeys.has(key) ? undefined : value));

/**
 * The repository of contacts or accounts: validated writes with revision checks, tags with
 * single-choice categories, custom fields, bulk import, and segment membership events after every
 * committed write.
 */
export class PartyRepository<Entity extends PartyFields, Input, Patch> {
  readonly #deps: RepositoryDeps;
  readonly #spec: PartySpec;

  /**
   * A row that passed the schema (create or patch, over the stored record) and `checkParty` is a
   * whole contact or account: that check, not TypeScript, is what ties the two, so this is the
   * repository's one cast. Reads go through the same door.
   */
  static #entity<E>(row: Row | StoredRecord): E {
    return row as unknown as E;
  }

  /** Creates the repository; use {@link createCrm} rather than calling this directly. */
  constructor(deps: RepositoryDeps, spec: PartySpec) {
    this.#deps = deps;
    this.#spec = spec;
  }

  #now(): string {
    return toIsoInstant(this.#deps.environment.now());
  }

  /**
   * Lists records a page at a time, by creation (or update) order, optionally only those a
   * condition holds for.
   * @throws CrmkitError `VALIDATION_FAILED` for bad options or an invalid condition (path `where`),
   * or a cursor of another listing
   * @example
   * ```ts
   * let page = await crm.contacts.list({ where: q.field("country").eq("FR"), limit: 50 });
   * while (page.cursor !== null) page = await crm.contacts.list({ where, cursor: page.cursor });
   * ```
   */
  async list(options: ListOptions = {}): Promise<RecordPage<Entity>> {
    const page = await listParties(
      {
        storage: this.#deps.storage,
        timezone: this.#deps.timezone,
        now: this.#deps.environment.now(),
      },
      this.#spec.kind,
      this.#spec.collection,
      options,
    );
    return {
      records: page.records.map((record) => PartyRepository.#entity<Entity>(record)),
      cursor: page.cursor,
    };
  }

  /** Reads a record, or `null`. */
  async get(id: string): Promise<Entity | null> {
    const record = await this.#deps.storage.get(this.#spec.collection, id);
    return record === null ? null : PartyRepository.#entity<Entity>(record);
  }

  /** Finds the record with a unique field's value (`email`, `externalId`), or `null`. */
  async findBy(field: string, value: string): Promise<Entity | null> {
    if (!this.#spec.upsertKeys.includes(field)) {
      throw new CrmkitError(
        "VALIDATION_FAILED",
        `"${field}" is not a unique field of ${this.#spec.kind}s.`,
        { details: { path: ["field"] } },
      );
    }
    const page = await this.#deps.storage.query({
      collection: this.#spec.collection,
      index: field,
      where: { eq: value },
      limit: 1,
    });
    const record = page.records[0];
    return record === undefined ? null : PartyRepository.#entity<Entity>(record);
  }

  async #require(id: string): Promise<StoredRecord> {
    const found = await this.#deps.storage.get(this.#spec.collection, id);
    if (found === null)
      throw new CrmkitError("NOT_FOUND", `There is no ${this.#spec.kind} "${id}".`, {
        details: { id, collection: this.#spec.collection },
      });
    return found;
  }

  async #checkReferences(records: readonly Row[]): Promise<Map<Row, ValidationIssue[]>> {
    const out = new Map<Row, ValidationIssue[]>();
    const lookups: [field: string, collection: string][] = [["ownerId", collections.users]];
    if (this.#spec.kind === "contact") lookups.push(["accountId", collections.accounts]);
    for (const [field, collection] of lookups) {
      const ids = [
        ...new Set(records.map((r) => r[field]).filter((v): v is string => typeof v === "string")),
      ];
      const existing = new Set<string>();
      for (let start = 0; start < ids.length; start += 1_000) {
        const found = await this.#deps.storage.getMany(collection, ids.slice(start, start + 1_000));
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
  async #checkScores(parsed: Readonly<Record<string, unknown>>, what: string): Promise<void> {
    const issues = scoreIssues(parsed, await this.#deps.scoreGroups?.());
    if (issues.length > 0) throw validationError(what, issues);
  }

  async #validate(record: Row, taxonomy: Taxonomy): Promise<void> {
    const issues = [
      ...checkParty(record, this.#spec.kind, taxonomy),
      ...((await this.#checkReferences([record])).get(record) ?? []),
    ];
    if (issues.length > 0) throw validationError(this.#spec.kind, issues, { id: record.id });
  }

  async #write(
    before: StoredRecord | null,
    record: Row,
    expectedRevision: number,
    taxonomy?: Taxonomy,
  ): Promise<Entity> {
    const at = this.#deps.environment.now();
    const [outcome] = await this.#writeBatch([
      { type: "put", collection: this.#spec.collection, record, expectedRevision },
      ...(this.#deps.journal?.(
        this.#spec.kind,
        [{ before, after: stored(record, 0) }],
        toIsoInstant(at),
      ) ?? []),
    ]);
    const after = stored(record, revisionAfter(outcome));
    await this.#committed([{ before, after }], at, taxonomy);
    return PartyRepository.#entity<Entity>(after);
  }

  async #writeBatch(operations: WriteOperation[]) {
    try {
      return await this.#deps.storage.write(operations);
    } catch (error) {
      if (CrmkitError.is(error, "UNIQUE_VIOLATION") && typeof error.details.index === "string") {
        throw new CrmkitError(
          "UNIQUE_VIOLATION",
          `Another ${this.#spec.kind} already has this ${error.details.index}.`,
          {
            details: { ...error.details, path: [error.details.index] },
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  #fresh(parsed: Readonly<Record<string, unknown>>, now: string): Row {
    const record: Row = {
      id: typeof parsed.id === "string" ? parsed.id : this.#deps.environment.newId(),
      status: this.#deps.defaultStatus,
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

  #patched(
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

  /**
   * Creates a record.
   * @throws CrmkitError `VALIDATION_FAILED` (with the path of the bad field), `UNIQUE_VIOLATION`
   * (e-mail or external id taken; nothing written)
   */
  async create(input: Input): Promise<Entity> {
    const parsed = parseInput(this.#spec.createSchema, input, this.#spec.kind);
    await this.#checkScores(parsed, this.#spec.kind);
    const taxonomy = await loadTaxonomy(this.#deps.storage);
    const record = this.#fresh(parsed, this.#now());
    await this.#validate(record, taxonomy);
    return this.#write(null, record, 0, taxonomy);
  }

  /**
   * Updates a record. The write fails with `REVISION_CONFLICT` (and writes nothing) when the stored
   * revision is not `expectedRevision`, or, without it, when another write lands between this
   * call's read and its write: no update is ever lost.
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED`, `REVISION_CONFLICT`, `UNIQUE_VIOLATION`
   */
  async update(id: string, patch: Patch, options: WriteOptions = {}): Promise<Entity> {
    const parsed = parseInput(this.#spec.patchSchema, patch, `${this.#spec.kind} update`);
    await this.#checkScores(parsed, `${this.#spec.kind} update`);
    const [current, taxonomy] = await Promise.all([
      this.#require(id),
      loadTaxonomy(this.#deps.storage),
    ]);
    const record = this.#patched(current, parsed, this.#now(), "replace");
    await this.#validate(record, taxonomy);
    return this.#write(current, record, options.expectedRevision ?? current.revision, taxonomy);
  }

  /** Adds tags; a tag of a `single` category replaces the record's other tag of that category. */
  async addTags(id: string, tags: readonly string[], options: WriteOptions = {}): Promise<Entity> {
    const [current, taxonomy] = await Promise.all([
      this.#require(id),
      loadTaxonomy(this.#deps.storage),
    ]);
    const record = {
      ...current,
      tags: addTagsTo(current.tags as string[], tags, taxonomy),
      updatedAt: this.#now(),
    };
    await this.#validate(record, taxonomy);
    return this.#write(current, record, options.expectedRevision ?? current.revision, taxonomy);
  }

  /** Removes tags (absent ones are ignored). */
  async removeTags(
    id: string,
    tags: readonly string[],
    options: WriteOptions = {},
  ): Promise<Entity> {
    const current = await this.#require(id);
    const record = {
      ...current,
      tags: (current.tags as string[]).filter((tag) => !tags.includes(tag)),
      updatedAt: this.#now(),
    };
    return this.#write(current, record, options.expectedRevision ?? current.revision);
  }

  /**
   * Deletes a record.
   * @throws CrmkitError `NOT_FOUND`, `REVISION_CONFLICT`, `IN_USE` (an account that still has contacts)
   */
  async remove(id: string, options: WriteOptions = {}): Promise<void> {
    const current = await this.#require(id);
    if (this.#spec.kind === "account") {
      const contacts = await this.#deps.storage.count({
        collection: collections.contacts,
        index: "accountId",
        where: { eq: id },
      });
      if (contacts > 0) {
        throw new CrmkitError("IN_USE", `Account "${id}" still has ${contacts} contact(s).`, {
          details: { id, count: contacts, usedBy: { contacts } },
        });
      }
    }
    const at = this.#deps.environment.now();
    await this.#writeBatch([
      {
        type: "delete",
        collection: this.#spec.collection,
        id,
        expectedRevision: options.expectedRevision ?? current.revision,
      },
      ...(this.#deps.journal?.(
        this.#spec.kind,
        [{ before: current, after: null }],
        toIsoInstant(at),
      ) ?? []),
    ]);
    await this.#committed([{ before: current, after: null }], at);
  }

  /**
   * Imports many rows in one call. Every valid row is written (in storage batches of `batchSize`);
   * every invalid row is reported with its row number, the path of the bad field and the reason.
   * With `upsertBy`, a row matching an existing record updates it, and importing the same rows again
   * changes nothing.
   *
   * @example
   * ```ts
   * const report = await crm.contacts.import(rows, { upsertBy: "email" });
   * for (const failure of report.failures) console.log(failure.row, failure.path, failure.message);
   * ```
   */
  async import(rows: readonly unknown[], options: ImportOptions = {}): Promise<ImportReport> {
    const upsertBy = options.upsertBy;
    if (upsertBy !== undefined && upsertBy !== "id" && !this.#spec.upsertKeys.includes(upsertBy)) {
      throw new CrmkitError(
        "VALIDATION_FAILED",
        `Imports of ${this.#spec.kind}s upsert by id or ${this.#spec.upsertKeys.join(" or ")}, not "${upsertBy}".`,
        {
          details: { path: ["upsertBy"] },
        },
      );
    }
    const batchSize = options.batchSize ?? 1_000;
    const taxonomy = await loadTaxonomy(this.#deps.storage);
    const scoreGroups = await this.#deps.scoreGroups?.();
    const failures: ImportFailure[] = [];
    const ids: (string | null)[] = new Array(rows.length).fill(null);
    const counts = { created: 0, updated: 0, unchanged: 0 };
    const fail = (
      row: number,
      code: CrmkitErrorCode,
      issues: readonly ValidationIssue[],
      message?: string,
    ) => {
      failures.push({
        row,
        path: issues[0]?.path ?? [],
        code,
        message: message ?? issues[0]?.message ?? code,
        issues,
      });
    };

    for (let start = 0; start < rows.length; start += batchSize) {
      const parsedRows: [row: number, parsed: Readonly<Record<string, unknown>>][] = [];
      for (let row = start; row < Math.min(rows.length, start + batchSize); row++) {
        const result = safeParseInput(this.#spec.createSchema, rows[row]);
        if (result.success) parsedRows.push([row, result.data]);
        else fail(row, "VALIDATION_FAILED", result.issues);
      }
      await this.#importChunk(parsedRows, upsertBy, taxonomy, scoreGroups, { fail, ids, counts });
    }
    failures.sort((a, b) => a.row - b.row);
    return { ...counts, failures, ids };
  }

  async #importChunk(
    parsedRows: readonly [number, Readonly<Record<string, unknown>>][],
    upsertBy: string | undefined,
    taxonomy: Taxonomy,
    scoreGroups: ReadonlySet<string> | undefined,
    out: {
      fail: (
        row: number,
        code: CrmkitErrorCode,
        issues: readonly ValidationIssue[],
        message?: string,
      ) => void;
      ids: (string | null)[];
      counts: { created: number; updated: number; unchanged: number };
    },
  ): Promise<void> {
    const now = this.#now();
    const keyOf = (parsed: Readonly<Record<string, unknown>>) =>
      upsertBy === undefined ? undefined : (parsed[upsertBy] as string | undefined);
    const existing = new Map<string, StoredRecord>();
    if (upsertBy !== undefined) {
      const keys = [
        ...new Set(
          parsedRows.map(([, parsed]) => keyOf(parsed)).filter((k): k is string => k !== undefined),
        ),
      ];
      const found =
        upsertBy === "id"
          ? await this.#deps.storage.getMany(this.#spec.collection, keys)
          : await Promise.all(
              keys.map(
                async (key) =>
                  (
                    await this.#deps.storage.query({
                      collection: this.#spec.collection,
                      index: upsertBy,
                      where: { eq: key },
                      limit: 1,
                    })
                  ).records[0] ?? null,
              ),
            );
      keys.forEach((key, position) => {
        const record = found[position];
        if (record) existing.set(key, record);
      });
    }
    // One pending write per record: several rows of the chunk may upsert the same record.
    interface Pending {
      rows: number[];
      before: StoredRecord | null;
      record: Row;
    }
    const pending = new Map<string, Pending>();
    // The latest state of each upsert key within this chunk, so a later row merges into it.
    const byKey = new Map<string, { record: Row }>();
    const built: [number, Row, boolean, StoredRecord | null][] = [];
    for (const [row, parsed] of parsedRows) {
      const key = keyOf(parsed);
      const earlier = key === undefined ? undefined : byKey.get(key);
      const stored = key === undefined ? null : (existing.get(key) ?? null);
      const base: Row | null = earlier?.record ?? stored;
      const record =
        base === null
          ? this.#fresh(parsed, now)
          : this.#patchedForImport(base, parsed, taxonomy, now);
      const issues = [
        ...scoreIssues(parsed, scoreGroups),
        ...checkParty(record, this.#spec.kind, taxonomy),
      ];
      if (issues.length > 0) {
        // A rejected row leaves no trace: a later row with the same key builds on the last good state.
        out.fail(row, "VALIDATION_FAILED", issues);
        continue;
      }
      built.push([row, record, earlier !== undefined, stored]);
      if (key !== undefined) byKey.set(key, { record });
    }
    const references = await this.#checkReferences(built.map(([, record]) => record));
    for (const [row, record, earlier, stored] of built) {
      const issues = references.get(record) ?? [];
      if (issues.length > 0) {
        out.fail(row, "VALIDATION_FAILED", issues);
        continue;
      }
      const id = record.id;
      const entry = pending.get(id);
      if (entry !== undefined) {
        entry.rows.push(row);
        entry.record = record;
      } else if (!earlier && stored !== null && sameContent(stored, record)) {
        out.ids[row] = id;
        out.counts.unchanged++;
      } else {
        pending.set(id, { rows: [row], before: stored, record });
      }
    }
    const entries = [...pending.values()];
    const op = (entry: Pending): WriteOperation => ({
      type: "put",
      collection: this.#spec.collection,
      record: entry.record,
      expectedRevision: entry.before?.revision ?? 0,
    });
    const journal = (group: readonly Pending[]) =>
      this.#deps.journal?.(
        this.#spec.kind,
        group.map((entry) => ({ before: entry.before, after: stored(entry.record, 0) })),
        now,
      ) ?? [];
    const written: RecordChange[] = [];
    const succeed = (entry: Pending, revision: number) => {
      for (const row of entry.rows) out.ids[row] = entry.record.id;
      if (entry.before === null) out.counts.created++;
      else out.counts.updated++;
      out.counts.updated += entry.rows.length - 1;
      written.push({ before: entry.before, after: stored(entry.record, revision) });
    };
    try {
      const outcomes = await this.#writeBatch([...entries.map(op), ...journal(entries)]);
      for (const [position, entry] of entries.entries())
        succeed(entry, revisionAfter(outcomes[position]));
    } catch (error) {
      if (
        !CrmkitError.is(error) ||
        !["UNIQUE_VIOLATION", "REVISION_CONFLICT", "VALIDATION_FAILED"].includes(error.code)
      )
        throw error;
      // One bad row must not sink its batch: write the rows one by one to find it, keep the rest.
      for (const entry of entries) {
        try {
          const [outcome] = await this.#writeBatch([op(entry), ...journal([entry])]);
          succeed(entry, revisionAfter(outcome));
        } catch (single) {
          if (!CrmkitError.is(single)) throw single;
          const path = single.details.path ?? [];
          for (const row of entry.rows)
            out.fail(
              row,
              single.code,
              [{ path, message: single.message, code: single.code }],
              single.message,
            );
        }
      }
    }
    await this.#committed(written, Date.parse(now), taxonomy);
  }

  /** Announces committed changes to the domains that react to them. */
  #committed(changes: readonly RecordChange[], at: number, taxonomy?: Taxonomy): Promise<void> {
    return this.#deps.hook.committed({
      collection: this.#spec.collection,
      changes,
      at,
      ...(taxonomy === undefined ? {} : { taxonomy }),
    });
  }

  #patchedForImport(
    base: Row,
    parsed: Readonly<Record<string, unknown>>,
    taxonomy: Taxonomy,
    now: string,
  ): Row {
    const { tags, id: _id, ...rest } = parsed;
    const record = this.#patched(base, rest, now, "add");
    if (Array.isArray(tags))
      record.tags = addTagsTo(base.tags as string[], tags as string[], taxonomy);
    return record;
  }
}

/** A row as the storage contract and the change hook see it once written at `revision`. */
function stored(row: Row, revision: number): StoredRecord {
  return asStored({ ...row, revision });
}

function scoreIssues(
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
