import type { StorageAdapter } from "../storage/index.js";
import { collections } from "./schema.js";
import { tables } from "./tables.js";
import type {
  CustomFieldDefinition,
  PartyKind,
  StatusDefinition,
  Tag,
  TagCategory,
} from "./types.js";

/**
 * The workspace's definitions at one moment: statuses, tag categories, tags and custom fields. It is
 * read once per operation (an import of 100,000 rows reads it once), so validation never
 * re-reads storage per record.
 */
export interface Taxonomy {
  /** Statuses by id. */
  readonly statuses: ReadonlyMap<string, StatusDefinition>;
  /** Tag categories by id. */
  readonly categories: ReadonlyMap<string, TagCategory>;
  /** Tags by id. */
  readonly tags: ReadonlyMap<string, Tag>;
  /** Custom field definitions by target, then by key. */
  readonly fields: Readonly<Record<PartyKind, ReadonlyMap<string, CustomFieldDefinition>>>;
}

/** The collections the taxonomy is read from: a write to one of them changes it. @internal */
export const taxonomyCollections: readonly string[] = [
  collections.statuses,
  collections.tagCategories,
  collections.tags,
  collections.customFields,
];

/** Reads the workspace's {@link Taxonomy} from storage. */
export async function loadTaxonomy(storage: StorageAdapter): Promise<Taxonomy> {
  const [statuses, categories, tags, fields] = await Promise.all([
    tables.statuses.all(storage),
    tables.tagCategories.all(storage),
    tables.tags.all(storage),
    tables.customFields.all(storage),
  ]);
  return {
    statuses: new Map(statuses.map((status) => [status.id, status])),
    categories: new Map(categories.map((category) => [category.id, category])),
    tags: new Map(tags.map((tag) => [tag.id, tag])),
    fields: {
      contact: new Map(fields.filter((f) => f.target === "contact").map((f) => [f.id, f])),
      account: new Map(fields.filter((f) => f.target === "account").map((f) => [f.id, f])),
    },
  };
}
