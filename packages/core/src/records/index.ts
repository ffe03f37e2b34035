/**
 * Records: the collections crmkit keeps, their record types, the workspace's definitions
 * (taxonomy) and the change hook: the kernel every domain builds on.
 *
 * @packageDocumentation
 */

export {
  ChangeHook,
  type CommittedChanges,
  type Reaction,
  type RecordChange,
} from "./changes.js";
export { Held, seesEveryWrite } from "./held.js";
export { readAll } from "./read-all.js";
export { missingReferences, type Reference } from "./references.js";
export {
  collectionOf,
  collections,
  crmStorageSchema,
} from "./schema.js";
export {
  asStored,
  type Identified,
  type Revised,
  revised,
  revisionAfter,
  type Table,
  type TablePage,
  table,
  type Unrevised,
} from "./table.js";
export { tables } from "./tables.js";
export {
  loadTaxonomy,
  type Taxonomy,
  taxonomyCollections,
} from "./taxonomy.js";
export {
  type Absence,
  type Account,
  type ConsentState,
  type Contact,
  type ContactConsent,
  type CustomFieldDefinition,
  type CustomFieldType,
  contactRoles,
  type PartyFields,
  type PartyKind,
  type StatusDefinition,
  type Tag,
  type TagCardinality,
  type TagCategory,
  type Team,
  type User,
  type UserRole,
  type WorkingHours,
} from "./types.js";
