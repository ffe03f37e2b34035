/**
 * crmkit's core: the rules, state transitions and numbers of a sales CRM over pluggable storage.
 *
 * @packageDocumentation
 */

export * from "./activities/index.js";
export * from "./assignment/index.js";
export * from "./automations/index.js";
export * from "./collector/index.js";
export * from "./compensation/index.js";
export { type Crm, type CrmEvents, type CrmOptions, createCrm } from "./crm.js";
export * from "./email/index.js";
export * from "./email-lists/index.js";
export {
  createEnvironment,
  createTestEnvironment,
  type Environment,
  seededRandom,
  type TestEnvironment,
  type TestEnvironmentOptions,
  toIsoInstant,
} from "./environment.js";
export {
  CrmkitError,
  type CrmkitErrorCode,
  type CrmkitErrorDetails,
  type CrmkitErrorOptions,
  crmkitErrorCodes,
  formatPath,
  type PathSegment,
  type ValidationIssue,
  validationError,
} from "./errors.js";
export {
  createEventBus,
  type EventBus,
  type EventBusOptions,
  type EventHandler,
} from "./events/index.js";
export {
  currencyExponent,
  type FormatMoneyOptions,
  formatMoney,
  roundHalfAway,
  splitExactly,
} from "./money.js";
export * from "./objectives/index.js";
export * from "./pipelines/index.js";
export type {
  Absence,
  Account,
  AccountInput,
  AccountPatch,
  Contact,
  ContactInput,
  ContactPatch,
  CustomFieldDefinition,
  CustomFieldType,
  PartyFields,
  PartyKind,
  StatusDefinition,
  Tag,
  TagCardinality,
  TagCategory,
  Team,
  User,
  UserRole,
  WorkingHours,
} from "./records/index.js";
export {
  type AbsenceInput,
  collections,
  contactRoles,
  crmStorageSchema,
  defaultWorkingHours,
  type ImportFailure,
  type ImportOptions,
  type ImportReport,
  loadTaxonomy,
  PartyRepository,
  type PartySpec,
  type RepositoryDeps,
  type Taxonomy,
  type TeamInput,
  type TeamPatch,
  TeamRepository,
  type UserInput,
  type UserPatch,
  UserRepository,
  type WriteOptions,
} from "./records/index.js";
export * from "./reports/index.js";
export * from "./scoring/index.js";
export * from "./segments/index.js";
export {
  type CollectionDefinition,
  defineStorageSchema,
  type IndexDefinition,
  type KeyRange,
  type Page,
  type QueryOptions,
  type RecordInput,
  requireCapability,
  type ScanOptions,
  type Selection,
  type StorageAdapter,
  type StorageCapabilities,
  type StorageSchema,
  type StoredRecord,
  type WriteOperation,
  type WriteOutcome,
} from "./storage/index.js";
export {
  type CustomFieldInput,
  CustomFieldService,
  defaultStatuses,
  type RemoveOptions,
  type StatusInput,
  StatusService,
  type TagCategoryInput,
  type TagInput,
  TagService,
} from "./taxonomy/index.js";
export * from "./time/index.js";
export { parseInput, toValidationIssues } from "./validation.js";
