import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { RecordPage } from "../query/index.js";
import { collections, loadTaxonomy, type PartyFields, type Taxonomy } from "../records/index.js";
import type { StoredRecord } from "../storage/index.js";
import { parseInput } from "../validation.js";
import { type ListOptions, listParties } from "./listing.js";
import { importRows } from "./party-import.js";
import { addTagsTo } from "./party-input.js";
import type {
  ImportOptions,
  ImportReport,
  PartySpec,
  RepositoryDeps,
  Row,
  WriteOptions,
} from "./party-types.js";
import { entity, PartyWriter } from "./party-writer.js";

/**
 * The repository of contacts or accounts: validated writes with revision checks, tags with
 * single-choice categories, custom fields, bulk import, and segment membership events after every
 * committed write.
 */
export class PartyRepository<Entity extends PartyFields, Input, Patch> {
  readonly #deps: RepositoryDeps;
  readonly #spec: PartySpec;
  readonly #writer: PartyWriter<Entity>;

  /** Creates the repository; use {@link createCrm} rather than calling this directly. */
  constructor(deps: RepositoryDeps, spec: PartySpec) {
    this.#deps = deps;
    this.#spec = spec;
    this.#writer = new PartyWriter(deps, spec);
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
      records: page.records.map((record) => entity<Entity>(record)),
      cursor: page.cursor,
    };
  }

  /** Reads a record, or `null`. */
  async get(id: string): Promise<Entity | null> {
    const record = await this.#deps.storage.get(this.#spec.collection, id);
    return record === null ? null : entity<Entity>(record);
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
    return record === undefined ? null : entity<Entity>(record);
  }

  /**
   * Creates a record.
   * @throws CrmkitError `VALIDATION_FAILED` (with the path of the bad field), `UNIQUE_VIOLATION`
   * (e-mail or external id taken; nothing written)
   */
  async create(input: Input): Promise<Entity> {
    const parsed = parseInput(this.#spec.createSchema, input, this.#spec.kind);
    await this.#writer.checkScores(parsed, this.#spec.kind);
    const taxonomy = await loadTaxonomy(this.#deps.storage);
    const record = this.#writer.fresh(parsed, this.#writer.now());
    await this.#writer.validate(record, taxonomy);
    return this.#writer.write(null, record, 0, taxonomy);
  }

  /**
   * Updates a record. The write fails with `REVISION_CONFLICT` (and writes nothing) when the stored
   * revision is not `expectedRevision`, or, without it, when another write lands between this
   * call's read and its write: no update is ever lost.
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED`, `REVISION_CONFLICT`, `UNIQUE_VIOLATION`
   */
  async update(id: string, patch: Patch, options: WriteOptions = {}): Promise<Entity> {
    const parsed = parseInput(this.#spec.patchSchema, patch, `${this.#spec.kind} update`);
    await this.#writer.checkScores(parsed, `${this.#spec.kind} update`);
    return this.#revise(id, options, (current) =>
      this.#writer.patched(current, parsed, this.#writer.now(), "replace"),
    );
  }

  /** Adds tags; a tag of a `single` category replaces the record's other tag of that category. */
  async addTags(id: string, tags: readonly string[], options: WriteOptions = {}): Promise<Entity> {
    return this.#revise(id, options, (current, taxonomy) => ({
      ...current,
      tags: addTagsTo(current.tags as string[], tags, taxonomy),
      updatedAt: this.#writer.now(),
    }));
  }

  /** Reads a record and the taxonomy, builds its next state, checks it and writes it. */
  async #revise(
    id: string,
    options: WriteOptions,
    next: (current: StoredRecord, taxonomy: Taxonomy) => Row,
  ): Promise<Entity> {
    const [current, taxonomy] = await Promise.all([
      this.#writer.require(id),
      loadTaxonomy(this.#deps.storage),
    ]);
    const record = next(current, taxonomy);
    await this.#writer.validate(record, taxonomy);
    return this.#writer.write(
      current,
      record,
      options.expectedRevision ?? current.revision,
      taxonomy,
    );
  }

  /** Removes tags (absent ones are ignored). */
  async removeTags(
    id: string,
    tags: readonly string[],
    options: WriteOptions = {},
  ): Promise<Entity> {
    const current = await this.#writer.require(id);
    const record = {
      ...current,
      tags: (current.tags as string[]).filter((tag) => !tags.includes(tag)),
      updatedAt: this.#writer.now(),
    };
    return this.#writer.write(current, record, options.expectedRevision ?? current.revision);
  }

  /**
   * Deletes a record.
   * @throws CrmkitError `NOT_FOUND`, `REVISION_CONFLICT`, `IN_USE` (an account that still has contacts)
   */
  async remove(id: string, options: WriteOptions = {}): Promise<void> {
    const current = await this.#writer.require(id);
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
    await this.#writer.writeBatch([
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
    await this.#writer.committed([{ before: current, after: null }], at);
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
  import(rows: readonly unknown[], options: ImportOptions = {}): Promise<ImportReport> {
    return importRows(this.#writer, rows, options);
  }
}
