import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { isPrototypeName, prototypeNameMessage } from "../own.js";
import { queryReferences, replaceQueryIds } from "../query/index.js";
import type {
  ChangeHook,
  CustomFieldDefinition,
  PartyKind,
  RecordChange,
  StatusDefinition,
  Tag,
  TagCategory,
} from "../records/index.js";
import { addTagsTo, collectionOf, collections, loadTaxonomy, readAll } from "../records/index.js";
import type { SavedSegment } from "../segments/index.js";
import type { StorageAdapter, StoredRecord, WriteOperation } from "../storage/index.js";
import { parseInput } from "../validation.js";
import { z } from "../zod.js";

/** The statuses every new workspace starts with. */
export const defaultStatuses: readonly Pick<StatusDefinition, "id" | "name">[] = [
  { id: "customer", name: "Customer" },
  { id: "prospect", name: "Prospect" },
  { id: "competitor", name: "Competitor" },
  { id: "supplier", name: "Supplier" },
];

const definitionId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "use lower-case letters, digits, - and _")
  .refine((id) => !isPrototypeName(id), prototypeNameMessage);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "use #rrggbb");
const statusInput = z.strictObject({
  id: definitionId.optional(),
  name: z.string().trim().min(1).max(100),
  color: color.optional(),
});
const categoryInput = z.strictObject({
  id: definitionId.optional(),
  name: z.string().trim().min(1).max(100),
  cardinality: z.enum(["single", "multi"]),
});
const tagInput = z.strictObject({
  id: definitionId.optional(),
  categoryId: z.string().min(1),
  name: z.string().trim().min(1).max(100),
  color: color.optional(),
});
const fieldInput = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "use letters, digits and _")
      .refine((id) => !isPrototypeName(id), prototypeNameMessage),
    target: z.enum(["contact", "account"]),
    label: z.string().trim().min(1).max(100),
    type: z.enum(["string", "number", "boolean", "date", "enum"]),
    required: z.boolean().default(false),
    options: z.array(z.string().min(1).max(100)).min(1).max(500).optional(),
  })
  .superRefine((field, ctx) => {
    if (field.type === "enum" && field.options === undefined)
      ctx.addIssue({ code: "custom", path: ["options"], message: "an enum field needs options" });
    if (field.type !== "enum" && field.options !== undefined)
      ctx.addIssue({ code: "custom", path: ["options"], message: "only enum fields have options" });
  });

/** A new status. */
export interface StatusInput {
  /** The id records will hold (lower case, digits, `-`, `_`); generated when omitted. */
  readonly id?: string;
  /** The display name. */
  readonly name: string;
  /** A display colour, `#rrggbb`. */
  readonly color?: string;
}

/** A new tag category. */
export interface TagCategoryInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The display name. */
  readonly name: string;
  /** `single`: one tag per record (setting one replaces the other); `multi`: any number. */
  readonly cardinality: "single" | "multi";
}

/** A new tag. */
export interface TagInput {
  /** The id records will hold; generated when omitted. */
  readonly id?: string;
  /** The category's id. */
  readonly categoryId: string;
  /** The display name. */
  readonly name: string;
  /** A display colour, `#rrggbb`. */
  readonly color?: string;
}

/** A new custom field definition. */
export interface CustomFieldInput {
  /** The key of the values in records' `custom` object (letters, digits, `_`). */
  readonly id: string;
  /** Which records carry it. */
  readonly target: PartyKind;
  /** The display name. */
  readonly label: string;
  /** The type of the values. */
  readonly type: CustomFieldDefinition["type"];
  /** Whether every later write must give a value. @defaultValue false */
  readonly required?: boolean;
  /** For `enum` fields, the allowed values. */
  readonly options?: readonly string[];
}

/** Options of removing a status, tag or category that records may use. */
export interface RemoveOptions {
  /**
   * The status (or tag) records using the removed one get instead, migrated atomically with the
   * removal (saved segments that name it are rewritten too). Without it, a removal that would
   * orphan records is refused with `IN_USE`.
   */
  readonly replaceWith?: string;
}

/** What the definition services are built on. */
export interface DefinitionDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
  /** Where the migrated records' changes go (segment membership reacts to them). */
  readonly hook: ChangeHook;
}

/** Shared plumbing of the definition services. */
export abstract class DefinitionService {
  /** @internal */
  protected readonly deps: DefinitionDeps;

  /** The saved segments, read from storage: a removal must know which of them name a definition. */
  protected savedSegments(): Promise<SavedSegment[]> {
    return readAll<SavedSegment>(this.deps.storage, collections.segments);
  }

  /** @internal */
  constructor(deps: DefinitionDeps) {
    this.deps = deps;
  }

  /** @internal */
  protected now(): string {
    return toIsoInstant(this.deps.environment.now());
  }

  /** @internal */
  protected async insert<T>(collection: string, record: Record<string, unknown>): Promise<T> {
    const [outcome] = await this.deps.storage.write([
      { type: "put", collection, record: record as never, expectedRevision: 0 },
    ]);
    return { ...record, revision: outcome!.revision } as T;
  }

  /** @internal */
  protected async require<T>(
    collection: string,
    id: string,
    what: string,
  ): Promise<T & StoredRecord> {
    const found = await this.deps.storage.get(collection, id);
    if (found === null)
      throw new CrmkitError("NOT_FOUND", `There is no ${what} "${id}".`, {
        details: { id, collection },
      });
    return found as T & StoredRecord;
  }

  /** @internal */
  protected async rename<T>(
    collection: string,
    what: string,
    id: string,
    patch: Record<string, unknown>,
    expectedRevision?: number,
  ): Promise<T> {
    const current = await this.require<T>(collection, id, what);
    const record = { ...current, ...patch, updatedAt: this.now() };
    const [outcome] = await this.deps.storage.write([
      {
        type: "put",
        collection,
        record: record as never,
        expectedRevision: expectedRevision ?? current.revision,
      },
    ]);
    return { ...record, revision: outcome!.revision } as T;
  }

  /** Reads the records of both kinds selected by an index key. @internal */
  protected async recordsWith(
    index: string,
    keys: readonly string[],
  ): Promise<[PartyKind, StoredRecord][]> {
    const out: [PartyKind, StoredRecord][] = [];
    const seen = new Set<string>();
    for (const kind of ["contact", "account"] as const) {
      const collection = collectionOf(kind);
      for (const key of keys) {
        for await (const batch of this.deps.storage.scan({
          collection,
          index,
          where: { eq: key },
        })) {
          for (const record of batch) {
            if (seen.has(`${kind}:${record.id}`)) continue;
            seen.add(`${kind}:${record.id}`);
            out.push([kind, record]);
          }
        }
      }
    }
    return out;
  }

  /**
   * Applies a removal: refuses it with `IN_USE` when records or segments use the definition and no
   * migration is possible, otherwise writes the migration and the deletion in one atomic batch and
   * reports the membership changes.
   * @internal
   */
  protected async migrate(
    what: string,
    id: string,
    records: readonly [PartyKind, StoredRecord][],
    segments: readonly SavedSegment[],
    change: ((record: StoredRecord) => StoredRecord) | undefined,
    rewrite: ((segment: SavedSegment) => SavedSegment) | undefined,
    deletions: readonly WriteOperation[],
  ): Promise<void> {
    const usedBy = {
      contacts: records.filter(([kind]) => kind === "contact").length,
      accounts: records.filter(([kind]) => kind === "account").length,
      segments: segments.length,
    };
    const count = usedBy.contacts + usedBy.accounts + usedBy.segments;
    if (
      (records.length > 0 && change === undefined) ||
      (segments.length > 0 && rewrite === undefined)
    ) {
      throw new CrmkitError(
        "IN_USE",
        `${what} "${id}" is used by ${usedBy.contacts} contact(s), ${usedBy.accounts} account(s) and ${usedBy.segments} saved segment(s); give a replacement to migrate them.`,
        {
          details: { id, count, usedBy },
        },
      );
    }
    const now = this.now();
    const changes: Record<PartyKind, RecordChange[]> = { contact: [], account: [] };
    const operations: WriteOperation[] = [];
    for (const [kind, record] of records) {
      const after = { ...change!(record), updatedAt: now };
      operations.push({
        type: "put",
        collection: collectionOf(kind),
        record: after,
        expectedRevision: record.revision,
      });
      changes[kind].push({ before: record, after: { ...after, revision: record.revision + 1 } });
    }
    for (const segment of segments) {
      operations.push({
        type: "put",
        collection: collections.segments,
        record: { ...rewrite!(segment), updatedAt: now } as never,
        expectedRevision: segment.revision,
      });
    }
    operations.push(...deletions);
    await this.deps.storage.write(operations);
    const at = this.deps.environment.now();
    for (const kind of ["contact", "account"] as const)
      await this.deps.hook.committed({
        collection: collectionOf(kind),
        changes: changes[kind],
        at,
      });
  }
}

/** Statuses: defaults plus the workspace's own. */
export class StatusService extends DefinitionService {
  /** Lists the statuses. */
  async list(): Promise<StatusDefinition[]> {
    return readAll<StatusDefinition>(this.deps.storage, collections.statuses);
  }

  /**
   * Adds a status.
   * @throws CrmkitError `VALIDATION_FAILED`, `REVISION_CONFLICT` when the id is taken
   */
  async create(input: StatusInput): Promise<StatusDefinition> {
    const parsed = parseInput(statusInput, input, "status");
    const now = this.now();
    return this.insert<StatusDefinition>(collections.statuses, {
      ...parsed,
      id: parsed.id ?? this.deps.environment.newId(),
      builtIn: false,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Renames or recolours a status; records are untouched (they hold its id). */
  async update(
    id: string,
    patch: { readonly name?: string; readonly color?: string },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<StatusDefinition> {
    const parsed = parseInput(statusInput.omit({ id: true }).partial(), patch, "status");
    return this.rename<StatusDefinition>(
      collections.statuses,
      "status",
      id,
      parsed,
      options.expectedRevision,
    );
  }

  /**
   * Removes a status. In use, it is refused with `IN_USE` and the count of records and segments
   * using it, unless `replaceWith` names the status they move to, atomically.
   * @throws CrmkitError `NOT_FOUND`, `IN_USE`, `VALIDATION_FAILED` for a bad replacement
   */
  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    await this.require(collections.statuses, id, "status");
    const replacement = options.replaceWith;
    if (replacement !== undefined) {
      if (replacement === id)
        throw new CrmkitError("VALIDATION_FAILED", "A status cannot replace itself.", {
          details: { path: ["replaceWith"] },
        });
      await this.require(collections.statuses, replacement, "status");
    }
    const records = await this.recordsWith("status", [id]);
    const segments = (await this.savedSegments()).filter((segment) =>
      queryReferences(segment.query).statuses.has(id),
    );
    await this.migrate(
      "Status",
      id,
      records,
      segments,
      replacement === undefined ? undefined : (record) => ({ ...record, status: replacement }),
      replacement === undefined
        ? undefined
        : (segment) => ({
            ...segment,
            query: replaceQueryIds(segment.query, "status", id, replacement),
          }),
      [{ type: "delete", collection: collections.statuses, id }],
    );
  }
}

/** Tag categories and their tags. */
export class TagService extends DefinitionService {
  /** Lists the categories. */
  async categories(): Promise<TagCategory[]> {
    return readAll<TagCategory>(this.deps.storage, collections.tagCategories);
  }

  /** Lists the tags, optionally of one category. */
  async list(categoryId?: string): Promise<Tag[]> {
    const tags = await readAll<Tag>(this.deps.storage, collections.tags);
    return categoryId === undefined ? tags : tags.filter((tag) => tag.categoryId === categoryId);
  }

  /** Adds a category: `single` (one tag per record, e.g. potential) or `multi`. */
  async createCategory(input: TagCategoryInput): Promise<TagCategory> {
    const parsed = parseInput(categoryInput, input, "tag category");
    const now = this.now();
    return this.insert<TagCategory>(collections.tagCategories, {
      ...parsed,
      id: parsed.id ?? this.deps.environment.newId(),
      createdAt: now,
      updatedAt: now,
    });
  }

  /**
   * Adds a tag to a category.
   * @throws CrmkitError `VALIDATION_FAILED` when the category does not exist
   */
  async create(input: TagInput): Promise<Tag> {
    const parsed = parseInput(tagInput, input, "tag");
    if ((await this.deps.storage.get(collections.tagCategories, parsed.categoryId)) === null) {
      throw new CrmkitError(
        "VALIDATION_FAILED",
        `There is no tag category "${parsed.categoryId}".`,
        { details: { path: ["categoryId"] } },
      );
    }
    const now = this.now();
    return this.insert<Tag>(collections.tags, {
      ...parsed,
      id: parsed.id ?? this.deps.environment.newId(),
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Renames a category; records are untouched. Its cardinality cannot change. */
  async updateCategory(
    id: string,
    patch: { readonly name: string },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<TagCategory> {
    const parsed = parseInput(categoryInput.pick({ name: true }), patch, "tag category");
    return this.rename<TagCategory>(
      collections.tagCategories,
      "tag category",
      id,
      parsed,
      options.expectedRevision,
    );
  }

  /** Renames or recolours a tag; records are untouched (they hold its id). */
  async update(
    id: string,
    patch: { readonly name?: string; readonly color?: string },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<Tag> {
    const parsed = parseInput(tagInput.pick({ name: true, color: true }).partial(), patch, "tag");
    return this.rename<Tag>(collections.tags, "tag", id, parsed, options.expectedRevision);
  }

  /**
   * Removes a tag. In use, it is refused with `IN_USE` unless `replaceWith` names the tag records
   * get instead (added as by `addTags`, so a single-choice category keeps one tag).
   */
  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    await this.require(collections.tags, id, "tag");
    const replacement = options.replaceWith;
    if (replacement === id)
      throw new CrmkitError("VALIDATION_FAILED", "A tag cannot replace itself.", {
        details: { path: ["replaceWith"] },
      });
    if (replacement !== undefined) await this.require(collections.tags, replacement, "tag");
    await this.#retireTags("Tag", id, [id], replacement, undefined, [
      { type: "delete", collection: collections.tags, id },
    ]);
  }

  /**
   * Removes a category and its tags. In use, it is refused with `IN_USE` unless `replaceWith` names a
   * tag of another category that records get instead. Segments that test the category itself
   * (`hasTagInCategory`, `categoryIs`) cannot be migrated and keep it refused.
   */
  async removeCategory(id: string, options: RemoveOptions = {}): Promise<void> {
    await this.require(collections.tagCategories, id, "tag category");
    const tags = (await this.list(id)).map((tag) => tag.id);
    const replacement = options.replaceWith;
    if (replacement !== undefined) {
      const tag = await this.require<Tag>(collections.tags, replacement, "tag");
      if (tag.categoryId === id)
        throw new CrmkitError(
          "VALIDATION_FAILED",
          "The replacement tag must belong to another category.",
          { details: { path: ["replaceWith"] } },
        );
    }
    await this.#retireTags("Tag category", id, tags, replacement, id, [
      { type: "delete", collection: collections.tagCategories, id },
      ...tags.map(
        (tag): WriteOperation => ({ type: "delete", collection: collections.tags, id: tag }),
      ),
    ]);
  }

  /**
   * Removes tags from records and saved segments, replacing them with `replacement` when given, and
   * applies `deletions`, all in one batch (see `migrate`). Segments that test `category` itself
   * have nothing to be rewritten to, so they keep the removal refused.
   */
  async #retireTags(
    what: string,
    id: string,
    removed: readonly string[],
    replacement: string | undefined,
    category: string | undefined,
    deletions: readonly WriteOperation[],
  ): Promise<void> {
    const taxonomy = await loadTaxonomy(this.deps.storage);
    const records = await this.recordsWith("tags", removed);
    const testsCategory = (segment: SavedSegment) =>
      category !== undefined && queryReferences(segment.query).categories.has(category);
    const segments = (await this.savedSegments()).filter(
      (segment) =>
        testsCategory(segment) ||
        removed.some((tag) => queryReferences(segment.query).tags.has(tag)),
    );
    await this.migrate(
      what,
      id,
      records,
      segments,
      replacement === undefined
        ? undefined
        : (record) => ({
            ...record,
            tags: addTagsTo(
              (record.tags as string[]).filter((tag) => !removed.includes(tag)),
              [replacement],
              taxonomy,
            ),
          }),
      replacement === undefined || segments.some(testsCategory)
        ? undefined
        : (segment) => ({
            ...segment,
            query: removed.reduce(
              (query, tag) => replaceQueryIds(query, "tag", tag, replacement),
              segment.query,
            ),
          }),
      deletions,
    );
  }
}

/** Custom field definitions of contacts and accounts. */
export class CustomFieldService extends DefinitionService {
  /** Lists the definitions, optionally of one target. */
  async list(target?: PartyKind): Promise<CustomFieldDefinition[]> {
    const fields = await readAll<CustomFieldDefinition>(
      this.deps.storage,
      collections.customFields,
    );
    return target === undefined ? fields : fields.filter((field) => field.target === target);
  }

  /**
   * Declares a custom field. From then on, writes are validated against it; a `required` field
   * applies to every later write of the target's records.
   * @throws CrmkitError `VALIDATION_FAILED`, `REVISION_CONFLICT` when the key is taken
   */
  async create(input: CustomFieldInput): Promise<CustomFieldDefinition> {
    const parsed = parseInput(fieldInput, input, "custom field");
    const now = this.now();
    return this.insert<CustomFieldDefinition>(collections.customFields, {
      ...parsed,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Changes a definition's label, required flag or enum options. Its key and type never change. */
  async update(
    id: string,
    patch: {
      readonly label?: string;
      readonly required?: boolean;
      readonly options?: readonly string[];
    },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<CustomFieldDefinition> {
    const parsed = parseInput(
      z
        .strictObject({
          label: z.string().trim().min(1).max(100),
          required: z.boolean(),
          options: z.array(z.string().min(1).max(100)).min(1).max(500),
        })
        .partial(),
      patch,
      "custom field",
    );
    return this.rename<CustomFieldDefinition>(
      collections.customFields,
      "custom field",
      id,
      parsed,
      options.expectedRevision,
    );
  }

  /**
   * Removes a definition. Refused with `IN_USE` while saved segments test the field, or while
   * records hold values for it unless `dropValues` is true, in which case the values are removed
   * atomically with the definition.
   */
  async remove(id: string, options: { readonly dropValues?: boolean } = {}): Promise<void> {
    const field = await this.require<CustomFieldDefinition>(
      collections.customFields,
      id,
      "custom field",
    );
    const collection = collectionOf(field.target);
    const records: [PartyKind, StoredRecord][] = [];
    for await (const batch of this.deps.storage.scan({ collection, batchSize: 1_000 })) {
      for (const record of batch)
        if (id in ((record.custom as object | undefined) ?? {}))
          records.push([field.target, record]);
    }
    const names =
      field.target === "contact" ? [`custom.${id}`] : [`custom.${id}`, `account.custom.${id}`];
    const segments = (await this.savedSegments()).filter((segment) => {
      const fields = queryReferences(segment.query).fields;
      return names.some((name) => fields.has(name));
    });
    await this.migrate(
      "Custom field",
      id,
      records,
      segments,
      options.dropValues
        ? (record) => {
            const { [id]: _dropped, ...custom } = record.custom as Record<string, never>;
            return { ...record, custom };
          }
        : undefined,
      undefined,
      [{ type: "delete", collection: collections.customFields, id }],
    );
  }
}
