import { defineStorageSchema } from "../storage/schema.js";
import type { StorageSchema } from "../storage/types.js";
import type { PartyKind } from "./types.js";

/** The names of the collections crmkit's domain keeps in storage. */
export const collections = {
  /** People. */
  contacts: "contacts",
  /** Companies. */
  accounts: "accounts",
  /** Users (reps). */
  users: "users",
  /** Teams. */
  teams: "teams",
  /** Status definitions. */
  statuses: "statuses",
  /** Tag categories. */
  tagCategories: "tag_categories",
  /** Tags. */
  tags: "tags",
  /** Custom field definitions. */
  customFields: "custom_fields",
  /** Saved segments. */
  segments: "segments",
  /** Workspace bookkeeping. */
  meta: "meta",
} as const;

/** The storage collection of a record kind. */
export function collectionOf(kind: PartyKind): string {
  return kind === "contact" ? collections.contacts : collections.accounts;
}

const partyIndexes = [
  { name: "status", path: "status" },
  { name: "tags", path: "tags", multiEntry: true },
  { name: "ownerId", path: "ownerId" },
  { name: "territory", path: "territory" },
  { name: "country", path: "country" },
  { name: "externalId", path: "externalId", unique: true },
  { name: "createdAt", path: "createdAt" },
  { name: "updatedAt", path: "updatedAt" },
] as const;

/**
 * The storage schema crmkit's domain needs: open your storage adapter with it (or with a schema
 * that contains it) before calling {@link createCrm}.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage({ schema: crmStorageSchema });
 * const crm = await createCrm({ storage });
 * ```
 */
export const crmStorageSchema: StorageSchema = defineStorageSchema({
  version: 1,
  collections: [
    {
      name: collections.contacts,
      indexes: [
        ...partyIndexes,
        { name: "email", path: "email", unique: true },
        { name: "accountId", path: "accountId" },
      ],
    },
    {
      name: collections.accounts,
      indexes: [...partyIndexes, { name: "domain", path: "domain" }],
    },
    {
      name: collections.users,
      indexes: [
        { name: "teamId", path: "teamId" },
        { name: "email", path: "email", unique: true },
      ],
    },
    { name: collections.teams },
    { name: collections.statuses },
    { name: collections.tagCategories },
    { name: collections.tags, indexes: [{ name: "categoryId", path: "categoryId" }] },
    { name: collections.customFields, indexes: [{ name: "target", path: "target" }] },
    { name: collections.segments, indexes: [{ name: "target", path: "target" }] },
    { name: collections.meta },
  ],
});
