// Concurrent assignment over IndexedDB in real Chromium: two connections to one database (two
// tabs) create deals at once; the rotation stays exact and no capacity is exceeded.
import { crmStorageSchema } from "@crmkit/core";
import { afterEach, describe, expect, it } from "vitest";
// Core's test scenarios, by path: they are not part of its published surface.
import {
  concurrentCapacity,
  concurrentRoundRobin,
  type Writers,
} from "../../core/src/testing/assignment-scenarios.js";
import { deleteIndexedDbStorage, type IndexedDbStorage, openIndexedDbStorage } from "./index.js";

const name = "crmkit-assignment-test";
let open: IndexedDbStorage[] = [];

async function twoTabs(): Promise<Writers> {
  await deleteIndexedDbStorage(name);
  const first = await openIndexedDbStorage({ name, schema: crmStorageSchema });
  const second = await openIndexedDbStorage({ name, schema: crmStorageSchema });
  open = [first, second];
  return [first, second];
}

afterEach(async () => {
  for (const storage of open) await storage.close();
  await deleteIndexedDbStorage(name);
});

describe("concurrent assignment (IndexedDB, two connections)", () => {
  it("keeps round-robin exact", async () => {
    const counts = await concurrentRoundRobin(await twoTabs(), 5, 40);
    expect([...counts.values()].sort()).toEqual([8, 8, 8, 8, 8]);
  }, 60_000);

  it("never exceeds a capacity", async () => {
    const result = await concurrentCapacity(await twoTabs(), 4, 3, 20);
    expect([...result.perRep.values()]).toEqual([3, 3, 3, 3]);
    expect(result.unassigned).toBe(8);
  }, 60_000);
});
