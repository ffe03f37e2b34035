import { runStorageConformance } from "@crmkit/storage-conformance";
import { deleteIndexedDbStorage, openIndexedDbStorage } from "./indexeddb-storage.js";

runStorageConformance({
  name: "indexeddb (Chromium)",
  open: (schema, location) => openIndexedDbStorage({ name: location, schema }),
  destroy: (location) => deleteIndexedDbStorage(location),
});
