import { CrmkitError } from "../errors.js";
import type { Tag, TagCategory } from "../records/index.js";
import { tables } from "../records/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import { type DefinitionDeps, DefinitionService } from "./definitions.js";
import {
  categoryInput,
  type RemoveOptions,
  type TagCategoryInput,
  type TagInput,
  tagInput,
} from "./inputs.js";

/** Tag categories and their tags. */
export class TagService extends DefinitionService {
  /** The categories tags belong to: create, update, remove, list. */
  readonly categories: TagCategoryService;

  /** @internal */
  constructor(deps: DefinitionDeps) {
    super(deps);
    this.categories = new TagCategoryService(deps);
  }

  /** Lists the tags, optionally of one category. */
  async list(categoryId?: string): Promise<Tag[]> {
    const tags = await tables.tags.all(this.deps.storage);
    return categoryId === undefined ? tags : tags.filter((tag) => tag.categoryId === categoryId);
  }

  /**
   * Adds a tag to a category.
   * @throws CrmkitError `VALIDATION_FAILED` when the category does not exist
   */
  async create(input: TagInput): Promise<Tag> {
    const parsed = parseInput(tagInput, input, "tag");
    if ((await tables.tagCategories.get(this.deps.storage, parsed.categoryId)) === null) {
      throw new CrmkitError(
        "VALIDATION_FAILED",
        `There is no tag category "${parsed.categoryId}".`,
        { details: { path: ["categoryId"] } },
      );
    }
    const now = this.now();
    return this.insert(tables.tags, {
      ...parsed,
      id: parsed.id ?? this.deps.environment.newId(),
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Renames or recolours a tag; records are untouched (they hold its id). */
  async update(
    id: string,
    patch: { readonly name?: string; readonly color?: string },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<Tag> {
    const parsed = parseInput(
      z.partial(z.pick(tagInput, { name: true, color: true })),
      patch,
      "tag",
    );
    return this.rename(tables.tags, "tag", id, parsed, options.expectedRevision);
  }

  /**
   * Removes a tag. In use, it is refused with `IN_USE` unless `replaceWith` names the tag records
   * get instead (added as by `addTags`, so a single-choice category keeps one tag).
   */
  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    await this.require(tables.tags, id, "tag");
    const replacement = options.replaceWith;
    if (replacement === id)
      throw new CrmkitError("VALIDATION_FAILED", "A tag cannot replace itself.", {
        details: { path: ["replaceWith"] },
      });
    if (replacement !== undefined) await this.require(tables.tags, replacement, "tag");
    await this.retireTags("Tag", id, [id], replacement, undefined, [tables.tags.remove(id)]);
  }
}

/** Tag categories: single-choice (one tag per record, e.g. potential) or multi (`crm.tags.categories`). */
export class TagCategoryService extends DefinitionService {
  /** Lists the categories. */
  async list(): Promise<TagCategory[]> {
    return tables.tagCategories.all(this.deps.storage);
  }

  /** Adds a category: `single` (one tag per record, e.g. potential) or `multi`. */
  async create(input: TagCategoryInput): Promise<TagCategory> {
    const parsed = parseInput(categoryInput, input, "tag category");
    const now = this.now();
    return this.insert(tables.tagCategories, {
      ...parsed,
      id: parsed.id ?? this.deps.environment.newId(),
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Renames a category; records are untouched. Its cardinality cannot change. */
  async update(
    id: string,
    patch: { readonly name: string },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<TagCategory> {
    const parsed = parseInput(z.pick(categoryInput, { name: true }), patch, "tag category");
    return this.rename(tables.tagCategories, "tag category", id, parsed, options.expectedRevision);
  }

  /**
   * Removes a category and its tags. In use, it is refused with `IN_USE` unless `replaceWith` names a
   * tag of another category that records get instead. Segments that test the category itself
   * (`hasTagInCategory`, `categoryIs`) cannot be migrated and keep it refused.
   */
  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    await this.require(tables.tagCategories, id, "tag category");
    const tags = (await tables.tags.all(this.deps.storage))
      .filter((tag) => tag.categoryId === id)
      .map((tag) => tag.id);
    const replacement = options.replaceWith;
    if (replacement !== undefined) {
      const tag = await this.require(tables.tags, replacement, "tag");
      if (tag.categoryId === id)
        throw new CrmkitError(
          "VALIDATION_FAILED",
          "The replacement tag must belong to another category.",
          { details: { path: ["replaceWith"] } },
        );
    }
    await this.retireTags("Tag category", id, tags, replacement, id, [
      tables.tagCategories.remove(id),
      ...tags.map((tag) => tables.tags.remove(tag)),
    ]);
  }
}
