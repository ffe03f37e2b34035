/**
 * In-memory storage adapter for crmkit: the default store for tests and demos.
 *
 * @packageDocumentation
 */
export { createMemoryStorage, MemoryStorage, type MemoryStorageOptions } from "./memory-storage.js";
