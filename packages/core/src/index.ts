/**
 * crmkit's core: the rules, state transitions and numbers of a sales CRM over pluggable storage.
 *
 * @packageDocumentation
 */

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
export { parseInput, toValidationIssues } from "./validation.js";
