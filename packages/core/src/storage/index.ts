/**
 * The storage contract of crmkit: what every storage adapter implements, and the shared helpers
 * that make all adapters interpret schemas, keys, ranges, cursors and write batches identically.
 *
 * Adapters depend on this subpath only (`@crmkit/core/storage`).
 *
 * @packageDocumentation
 * @module @crmkit/core/storage
 */

export {
  CrmkitError,
  type CrmkitErrorCode,
  type CrmkitErrorDetails,
  type PathSegment,
  type ValidationIssue,
} from "../errors.js";
export {
  ChangeHub,
  CloseSignal,
} from "./changes.js";
export { checkCondition, matchesCondition } from "./condition.js";
export type {
  AllConditions,
  AnyCondition,
  ConditionValue,
  FieldCondition,
  FieldRange,
  NotCondition,
  RecordCondition,
} from "./condition-types.js";
export {
  compareEntries,
  compareKeys,
  extractIndexKeys,
  isIndexKey,
  keyInRange,
  listingKey,
  type NormalizedRange,
  normalizeRange,
  type RangeBound,
} from "./keys.js";
export {
  copyJson,
  type PreparedDelete,
  type PreparedOperation,
  type PreparedPut,
  prepareWrite,
  revisionConflict,
  revisionMatches,
  uniqueViolation,
} from "./prepare.js";
export {
  assertOpen,
  encodeCursor,
  type PreparedQuery,
  prepareQuery,
  type QueryPosition,
  requireCapability,
  type ScanParts,
  scanByPages,
  scanParts,
  toPage,
} from "./query.js";
export {
  createSchemaCatalog,
  defineStorageSchema,
  type ResolvedCollection,
  type ResolvedIndex,
  type SchemaCatalog,
  sameIndexDefinition,
} from "./schema.js";
export type * from "./types.js";
export type {
  JsonPrimitive,
  JsonValue,
  KeyRange,
  StorageAdapter,
  StorageSchema,
  StoredRecord,
  WriteOperation,
} from "./types.js";
