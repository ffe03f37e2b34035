/**
 * In-memory storage adapter for crmkit: the default store for tests and demos.
 *
 * @packageDocumentation
 */
export { MemoryStorage, type MemoryStorageOptions, openMemoryStorage } from "./memory-storage.js";
