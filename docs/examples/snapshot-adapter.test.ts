// Runs the conformance suite against the guide's example adapter, as every adapter's tests do.
import { runStorageConformance } from "@crmkit/storage-conformance";
import { createSnapshotStorage, type KeyValueStore } from "./snapshot-adapter.js";

// One "disk" per location, so reopening a location finds what was written there.
const disks = new Map<string, Map<string, string>>();
const keyValueStore = (location: string): KeyValueStore => {
  const disk = disks.get(location) ?? new Map<string, string>();
  disks.set(location, disk);
  return {
    read: async (key) => disk.get(key),
    replace: async (entries) => {
      for (const [key, value] of entries) disk.set(key, value);
    },
  };
};

runStorageConformance({
  name: "snapshot (guide example)",
  open: async (schema, location) => createSnapshotStorage(schema, keyValueStore(location)),
  destroy: async (location) => {
    disks.delete(location);
  },
  propertyRuns: 30,
  deviations: {
    "bulk-write":
      "the example checks unique keys by scanning the collection for every record, which is far too slow for 10,000 records; it is meant for small data sets",
  },
});
