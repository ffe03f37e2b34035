import { runStorageConformance } from "@crmkit/storage-conformance";
import { createMemoryStorage } from "./memory-storage.js";

runStorageConformance({
  name: "memory",
  open: async (schema) => createMemoryStorage({ schema }),
});
