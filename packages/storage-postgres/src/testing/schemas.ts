import { defineStorageSchema } from "@crmkit/core/storage";

/** Version 1: one collection of counters. */
export const counterSchema = defineStorageSchema({
  version: 1,
  collections: [{ name: "counters" }],
});

/** Version 2: the counters gain a unique `label` index and a multi-entry `tags` index. */
export const migratedSchema = defineStorageSchema({
  version: 2,
  collections: [
    {
      name: "counters",
      indexes: [
        { name: "label", path: "label", unique: true },
        { name: "tags", path: "tags", multiEntry: true },
      ],
    },
  ],
});
