// Synthetic contacts and taxonomy shared by the segment benchmarks (Node and Chromium).
import { type Crm, seededRandom } from "@crmkit/core";
import type { Taxonomy } from "@crmkit/core/query";
import type { StorageAdapter, StoredRecord } from "@crmkit/core/storage";
import { makeBenchContacts } from "./harness.js";

export const benchStatuses = [
  "customer",
  "prospect",
  "hot-prospect",
  "cold-prospect",
  "competitor",
  "supplier",
];
export const benchTags = ["gold", "silver", "bronze", "newsletter", "event-2026", "partner"];

/** Contacts as crmkit stores them: status ids, tags, a global score, a territory among 50. */
export function makeSegmentContacts(count: number): StoredRecord[] {
  return makeBenchContacts(count, seededRandom(11)).map((contact, i) => ({
    id: contact.id,
    revision: 1,
    firstName: contact.name as string,
    email: contact.email as string,
    status: (contact.status as string).replace(" ", "-"),
    country: contact.country as string,
    tags: contact.tags as string[],
    ownerId: contact.owner as string,
    territory: `T${i % 50}`,
    scores: contact.scores as { global: number },
    custom: {},
    createdAt: contact.createdAt as string,
    updatedAt: contact.createdAt as string,
  }));
}

/** The taxonomy those contacts use. */
const stamps = { createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z" };

export const benchTaxonomy: Taxonomy = {
  statuses: new Map(
    benchStatuses.map((id) => [id, { id, revision: 1, ...stamps, name: id, builtIn: false }]),
  ),
  categories: new Map([
    ["labels", { id: "labels", revision: 1, ...stamps, name: "Labels", cardinality: "multi" }],
  ]),
  tags: new Map(
    benchTags.map((id) => [id, { id, revision: 1, ...stamps, categoryId: "labels", name: id }]),
  ),
  fields: { contact: new Map(), account: new Map() },
};

/** Defines the benchmark's statuses and tags in a workspace and writes `count` contacts to it. */
export async function seedSegmentWorkspace(
  crm: Crm,
  storage: StorageAdapter,
  count: number,
  extra: (index: number) => Record<string, unknown> = () => ({}),
): Promise<void> {
  for (const id of ["hot-prospect", "cold-prospect"]) await crm.statuses.create({ id, name: id });
  await crm.tags.categories.create({ id: "labels", name: "Labels", cardinality: "multi" });
  for (const id of benchTaxonomy.tags.keys())
    await crm.tags.create({ id, categoryId: "labels", name: id });
  // Straight to storage: the figures are about evaluating segments, not about importing.
  const contacts = makeSegmentContacts(count).map(
    ({ revision: _revision, ownerId: _ownerId, ...record }, i) => ({ ...record, ...extra(i) }),
  );
  for (let start = 0; start < contacts.length; start += 10_000) {
    await storage.write(
      contacts
        .slice(start, start + 10_000)
        .map((record) => ({ type: "put" as const, collection: "contacts", record })),
    );
  }
}
