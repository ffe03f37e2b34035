import { runStorageConformance } from "@crmkit/storage-conformance";
import { openMemoryStorage } from "./memory-storage.js";

runStorageConformance({
  name: "memory",
  open: async (schema) => await openMemoryStorage({ schema }),
});
