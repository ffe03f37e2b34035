/**
 * Records: the collections crmkit keeps, their record types, the workspace's definitions
 * (taxonomy), the change hook, and the repositories of contacts, accounts, users and teams.
 *
 * @packageDocumentation
 */

export {
  type AbsenceInput,
  AbsenceService,
} from "./absences.js";
export {
  ChangeHook,
  type CommittedChanges,
  type Reaction,
  type RecordChange,
} from "./changes.js";
export {
  type DirectoryDeps,
  defaultWorkingHours,
  SimpleRepository,
  type TeamInput,
  type TeamPatch,
  TeamRepository,
  type UserInput,
  type UserPatch,
  UserRepository,
} from "./directory.js";
/** @internal */
export * from "./internal.js";
export {
  type AccountInput,
  type AccountPatch,
  addTagsTo,
  type ContactInput,
  type ContactPatch,
  checkParty,
  mergeCustom,
  type PartyInputFields,
  type PartyPatchFields,
} from "./party-input.js";
export {
  type ImportFailure,
  type ImportOptions,
  type ImportReport,
  PartyRepository,
  type PartySpec,
  type RepositoryDeps,
  type WriteOptions,
} from "./party-repository.js";
export { readAll } from "./read-all.js";
export {
  collectionOf,
  collections,
  crmStorageSchema,
} from "./schema.js";
export {
  loadTaxonomy,
  type Taxonomy,
} from "./taxonomy.js";
export {
  type Absence,
  type Account,
  type Contact,
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
