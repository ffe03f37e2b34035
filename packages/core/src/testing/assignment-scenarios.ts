// Concurrent-assignment scenarios shared by the memory tests and the IndexedDB browser tests.
import { type Crm, createCrm } from "../crm.js";
import { createTestEnvironment } from "../environment.js";
import type { StorageAdapter } from "../storage/index.js";
import { fixtureNow } from "./crm-fixture.js";
import { addNewBusinessPipeline, addReps } from "./pipeline-fixture.js";

/** Two connections to one store (or the same store twice): two servers or tabs. */
export type Writers = readonly [StorageAdapter, StorageAdapter];

/** Two workspaces over one store: two servers (or tabs) writing at once. */
export async function twoWriters(storages: Writers): Promise<[Crm, Crm]> {
  const open = (storage: StorageAdapter, seed: number) =>
    createCrm({ storage, environment: createTestEnvironment({ now: fixtureNow, seed }) });
  const first = await open(storages[0], 1);
  const second = await open(storages[1], 2);
  return [first, second];
}

/** Per-rep counts of the owners of the deals created. */
function spread(owners: readonly (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const owner of owners)
    if (owner !== undefined) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

/**
 * Creates `deals` deals through two writers at once over a round-robin pool of `reps` reps;
 * returns the number of deals each rep received.
 */
export async function concurrentRoundRobin(
  storage: Writers,
  reps: number,
  deals: number,
): Promise<Map<string, number>> {
  const [a, b] = await twoWriters(storage);
  await addReps(a, reps);
  await addNewBusinessPipeline(a);
  await a.assignment.pools.create({
    id: "inside",
    name: "Inside",
    members: { teamId: "inside" },
    strategy: "roundRobin",
  });
  await a.assignment.setRules({
    rules: [{ id: "all", target: { kind: "pool", poolId: "inside" } }],
  });
  const created = await Promise.all(
    Array.from({ length: deals }, (_, i) =>
      (i % 2 === 0 ? a : b).deals.create({ title: `Lead ${i}` }),
    ),
  );
  return spread(created.map((deal) => deal.ownerId));
}

/**
 * Creates `deals` deals through two writers at once over a pool of `reps` reps allowed `perDay` new
 * deals a day each; returns who got what and how many went to the unassigned queue.
 */
export async function concurrentCapacity(
  storage: Writers,
  reps: number,
  perDay: number,
  deals: number,
): Promise<{ perRep: Map<string, number>; unassigned: number }> {
  const [a, b] = await twoWriters(storage);
  await addReps(a, reps);
  await addNewBusinessPipeline(a);
  await a.assignment.pools.create({
    id: "inside",
    name: "Inside",
    members: { teamId: "inside" },
    strategy: "leastLoaded",
    capacity: { perDay },
  });
  await a.assignment.setRules({
    rules: [{ id: "all", target: { kind: "pool", poolId: "inside" } }],
  });
  const created = await Promise.all(
    Array.from({ length: deals }, (_, i) =>
      (i % 2 === 0 ? a : b).deals.create({ title: `Lead ${i}` }),
    ),
  );
  return {
    perRep: spread(created.map((deal) => deal.ownerId)),
    unassigned: created.filter((deal) => deal.queue === "unassigned").length,
  };
}
