// Test support shared by core's tests and the adapters' tests. Not part of the published package.
// The memory adapter is imported by path rather than as a package: it depends on @crmkit/core,
// and a dependency back would make the workspace cyclic.
import { openMemoryStorage } from "../../../storage-memory/src/index.js";
import { type Crm, createCrm } from "../crm.js";
import { createTestEnvironment, type TestEnvironment } from "../environment.js";
import { crmStorageSchema } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";

/** A workspace over a fresh memory store with a fixed clock, plus the usual definitions. */
export interface Fixture {
  readonly crm: Crm;
  readonly env: TestEnvironment;
  readonly storage: StorageAdapter;
}

/** 2026-05-15T10:00:00Z: a Friday in Q2, Paris on summer time. */
export const fixtureNow = Date.parse("2026-05-15T10:00:00.000Z");

/** Opens a memory-backed workspace. */
export async function memoryCrm(
  options: { timezone?: string; storage?: StorageAdapter } = {},
): Promise<Fixture> {
  const env = createTestEnvironment({ now: fixtureNow, seed: 7 });
  const storage = options.storage ?? (await openMemoryStorage({ schema: crmStorageSchema }));
  const crm = await createCrm({
    storage,
    environment: env,
    ...(options.timezone ? { timezone: options.timezone } : {}),
  });
  return { crm, env, storage };
}

/** Adds a potential (single) and a sector (multi) category with their tags, and two custom fields. */
export async function defineTaxonomy(crm: Crm): Promise<void> {
  await crm.tags.categories.create({ id: "potential", name: "Potential", cardinality: "single" });
  await crm.tags.categories.create({ id: "sector", name: "Business sector", cardinality: "multi" });
  for (const id of ["gold", "silver", "bronze"])
    await crm.tags.create({ id, categoryId: "potential", name: id });
  for (const id of ["retail", "industry", "software"])
    await crm.tags.create({ id, categoryId: "sector", name: id });
  await crm.statuses.create({ id: "hot-prospect", name: "Hot prospect" });
  await crm.customFields.create({
    id: "employees",
    target: "contact",
    label: "Employees",
    type: "number",
  });
  await crm.customFields.create({
    id: "renewal",
    target: "contact",
    label: "Renewal",
    type: "date",
  });
  await crm.customFields.create({
    id: "plan",
    target: "contact",
    label: "Plan",
    type: "enum",
    options: ["free", "pro", "enterprise"],
  });
  await crm.customFields.create({
    id: "industry",
    target: "account",
    label: "Industry",
    type: "string",
  });
}
