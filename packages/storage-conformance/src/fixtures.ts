import { seededRandom } from "@crmkit/core";
import {
  defineStorageSchema,
  type KeyRange,
  type RecordInput,
  type StorageSchema,
} from "@crmkit/core/storage";

/**
 * The schema every conformance case opens: one collection with a unique index, a plain string
 * index, a numeric index on a nested path, a multi-entry index and an index whose values mix
 * strings and numbers; a second collection for cross-collection batches.
 */
export const conformanceSchema: StorageSchema = defineStorageSchema({
  version: 1,
  collections: [
    {
      name: "contacts",
      indexes: [
        { name: "email", path: "email", unique: true },
        { name: "status", path: "status" },
        { name: "score", path: "scores.global" },
        { name: "tags", path: "tags", multiEntry: true },
        { name: "rank", path: "rank" },
      ],
    },
    { name: "accounts", indexes: [{ name: "country", path: "country" }] },
  ],
});

const statuses = ["customer", "prospect", "competitor", "supplier", "hot prospect"];
const tagPool = ["gold", "silver", "bronze", "fr", "de", "vip", "Été", "z"];

/** Deterministic contact-like records: some fields missing, some of unindexable types. */
export function makeContacts(count: number, seed = 7, prefix = "c"): RecordInput[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    const tags = tagPool.filter(() => random() < 0.3);
    records.push({
      id: `${prefix}${String(i).padStart(6, "0")}`,
      name: `Contact ${i}`,
      email: roll < 0.9 ? `${prefix}${i}@example.com` : undefined,
      status: roll < 0.95 ? pick(statuses) : null,
      scores: { global: Math.floor(random() * 200) - 50 },
      // Duplicates inside one array are indexed once.
      tags: random() < 0.1 ? [...tags, ...tags] : tags,
      // Mixed key types, and values that are never indexed (booleans, nested arrays).
      rank:
        roll < 0.4
          ? Math.floor(random() * 20)
          : roll < 0.8
            ? pick(["a", "b", "c", "ä"])
            : pick([true, [1], null]),
      country: pick(["FR", "DE", "ES"]),
    });
  }
  return records;
}

/** Key ranges of every shape the contract allows, over the values {@link makeContacts} produces. */
export const sampleRanges: Record<string, readonly (KeyRange | undefined)[]> = {
  email: [undefined, { eq: "c5@example.com" }, { gte: "c1", lt: "c2" }, { gt: "c9" }],
  status: [
    undefined,
    { eq: "prospect" },
    { eq: "none" },
    { gte: "c", lte: "hot prospect" },
    { lt: "d" },
  ],
  score: [
    undefined,
    { eq: 10 },
    { gte: 50 },
    { gt: -10, lt: 10 },
    { lte: 0 },
    { gt: 5, lt: 5 },
    { gte: 90, lte: 10 },
  ],
  tags: [undefined, { eq: "gold" }, { gte: "fr" }, { gt: "bronze", lt: "vip" }, { lt: "gold" }],
  rank: [undefined, { gte: 5 }, { lt: 10 }, { gte: "a" }, { lt: "b" }, { eq: 3 }, { eq: "ä" }],
};
