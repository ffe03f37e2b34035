/**
 * IndexedDB storage adapter for crmkit, built on idb.
 *
 * @packageDocumentation
 */
export {
  deleteIndexedDbStorage,
  IndexedDbStorage,
  type IndexedDbStorageOptions,
  openIndexedDbStorage,
} from "./indexeddb-storage.js";
