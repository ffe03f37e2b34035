// Races on the real server. A process killed between a write and the automation run it starts:
// the start is journaled in the write's own batch, so another process's runDue starts the run,
// once. Two connections booking the same rep's time at once: never both.
import { fileURLToPath } from "node:url";
import { CrmkitError, createCrm, crmStorageSchema } from "@crmkit/core";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStorage } from "./postgres-storage.js";
import { runWorker } from "./testing/spawn.js";

const url = process.env.CRMKIT_TEST_POSTGRES_URL;
const worker = fileURLToPath(new URL("./testing/crm-worker.ts", import.meta.url));

const run = (schemaName: string, mode: string) => runWorker(worker, [url!, schemaName, mode]);

if (url === undefined) {
  describe("durable automation starts (server)", () => {
    it.skip("needs CRMKIT_TEST_POSTGRES_URL (set by .ci/run, which starts a local server)", () => {});
  });
} else {
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  const schemaName = `crmkit_kill_${process.pid}`;
  const bookingSchema = `crmkit_booking_${process.pid}`;
  const drainSchema = `crmkit_drain_${process.pid}`;
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
    await admin.query(`DROP SCHEMA IF EXISTS "${bookingSchema}" CASCADE`);
    await admin.query(`DROP SCHEMA IF EXISTS "${drainSchema}" CASCADE`);
    await admin.end();
  });

  describe("durable automation starts (server)", () => {
    it("starts the run of a process killed right after its write, once, from another process", async () => {
      const storage = await openPostgresStorage({
        schema: crmStorageSchema,
        connection: { connectionString: url, maxConnections: 2 },
        schemaName,
      });
      const crm = await createCrm({ storage, timezone: "Europe/Paris" });
      await crm.users.create({
        id: "anna",
        name: "Anna Roux",
        role: "inside",
        timezone: "Europe/Paris",
      });
      await crm.contacts.create({
        id: "ada",
        firstName: "Ada",
        email: "ada@example.com",
        ownerId: "anna",
      } as never);
      await crm.automations.create({
        id: "after-miss",
        name: "After a miss",
        trigger: { type: "activity.missed" },
        steps: [{ kind: "createActivity", type: "call", title: "Call back" }],
      });
      const booked = await crm.activities.create({
        type: "call",
        title: "Discovery call",
        ownerId: "anna",
        contactId: "ada",
        startAt: "2030-05-20T08:00:00Z",
      });
      const killed = await run(schemaName, "miss-and-die");
      expect([killed.signal, killed.out, killed.err]).toEqual(["SIGKILL", "", ""]);
      expect((await crm.activities.get(booked.id))?.status).toBe("missed");
      expect(await crm.automations.runs({ automationId: "after-miss" })).toEqual([]);
      // Two other processes sweep at once: the run starts, and only once.
      const sweeps = await Promise.all([run(schemaName, "run-due"), run(schemaName, "run-due")]);
      expect(sweeps.map((sweep) => sweep.code)).toEqual([0, 0]);
      const runs = await crm.automations.runs({ automationId: "after-miss" });
      expect(
        runs.map((r) => [r.activityId, r.status]),
        JSON.stringify({ runs, sweeps }),
      ).toEqual([[booked.id, "done"]]);
      const callBacks = (await crm.tasks.list({ contactId: "ada" })).filter(
        (task) => task.title === "Call back",
      );
      expect(callBacks).toHaveLength(1);
      await storage.close();
    }, 60_000);
  });

  describe("double booking (server)", () => {
    it("lets only one of two connections booking overlapping slots for a rep succeed", async () => {
      const open = () =>
        openPostgresStorage({
          schema: crmStorageSchema,
          connection: { connectionString: url, maxConnections: 4 },
          schemaName: bookingSchema,
        });
      const storageA = await open();
      const storageB = await open();
      const a = await createCrm({ storage: storageA, timezone: "Europe/Paris" });
      const b = await createCrm({ storage: storageB, timezone: "Europe/Paris" });
      await a.users.create({
        id: "anna",
        name: "Anna Roux",
        role: "inside",
        timezone: "Europe/Paris",
      });
      const slot = (i: number, shiftMinutes: number) => ({
        type: "call",
        title: `Call ${i}`,
        ownerId: "anna",
        startAt: new Date(
          Date.parse("2030-06-03T07:00:00Z") + i * 3_600_000 + shiftMinutes * 60_000,
        ).toISOString(),
      });
      // Twenty slots, each booked by both connections at once, all pairs in flight together.
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          Promise.allSettled([a.activities.create(slot(i, 0)), b.activities.create(slot(i, 10))]),
        ),
      );
      for (const pair of outcomes) {
        expect(pair.filter((o) => o.status === "fulfilled")).toHaveLength(1);
        const refused = pair.find((o) => o.status === "rejected") as PromiseRejectedResult;
        expect(CrmkitError.is(refused.reason, "SLOT_TAKEN"), String(refused.reason)).toBe(true);
      }
      expect(await storageA.count({ collection: "activities" })).toBe(20);
      await storageA.close();
      await storageB.close();
    }, 60_000);
  });

  describe("scoring drain (server)", () => {
    it("scores every accepted hit exactly once across a process killed mid-drain and two draining at once", async () => {
      const storage = await openPostgresStorage({
        schema: crmStorageSchema,
        connection: { connectionString: url, maxConnections: 2 },
        schemaName: drainSchema,
      });
      const crm = await createCrm({ storage, timezone: "Europe/Paris" });
      await crm.scoring.setModel({
        groups: [{ id: "global", decay: { kind: "halfLife", halfLife: "30d" } }],
        rules: [
          { id: "pricing", points: 10, when: { type: "page", url: "/pricing" } },
          { id: "any", points: 1, when: { type: "page", url: "*" } },
        ],
      });
      const contacts = Array.from({ length: 12 }, (_, i) => `c${i}`);
      await crm.contacts.import(contacts.map((id) => ({ id, email: `${id}@example.com` })));
      const at = Date.now() - 3_600_000;
      const hits = Array.from({ length: 240 }, (_, i) => ({
        id: `e${String(i).padStart(4, "0")}`,
        siteId: "web",
        contactId: contacts[(i * 7) % contacts.length]!,
        type: "pageview" as const,
        url: `https://example.com${i % 3 === 0 ? "/pricing" : "/docs"}`,
        at: at + i * 1_000,
      }));
      for (let i = 0; i < hits.length; i += 60) await crm.scoring.accept(hits.slice(i, i + 60));
      expect(await storage.count({ collection: "score_queue" })).toBe(240);

      const killed = await run(drainSchema, "drain-and-die");
      expect([killed.signal, killed.err]).toEqual(["SIGKILL", ""]);
      const left = await storage.count({ collection: "score_queue" });
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(240);

      // Two processes drain what is left at once; then a third finds nothing to do.
      const drains = await Promise.all([run(drainSchema, "drain"), run(drainSchema, "drain")]);
      expect(
        drains.map((d) => d.code),
        JSON.stringify(drains),
      ).toEqual([0, 0]);
      const reports = drains.map((d) => JSON.parse(d.out) as { scored: number });
      expect(await storage.count({ collection: "score_queue" })).toBe(0);
      expect(reports[0]!.scored + reports[1]!.scored).toBeLessThanOrEqual(left);
      const last = await run(drainSchema, "drain");
      expect(JSON.parse(last.out)).toMatchObject({ scored: 0, contacts: 0 });

      // Every hit counted once: each contact's ledger holds one entry per rule and hit, and its
      // cached score is what a replay of its hits gives.
      for (const id of contacts) {
        const mine = hits.filter((hit) => hit.contactId === id);
        const ledger = await crm.scoring.ledger(id);
        expect(ledger).toHaveLength(
          mine.length + mine.filter((hit) => hit.url.endsWith("/pricing")).length,
        );
        const cached = (await crm.scoring.card(id))!;
        expect(cached.scores).toEqual(await crm.scoring.score(id, { at: cached.at }));
      }
      // Read at one fixed instant: the real clock moves between the two reads, and decay with it.
      const instant = at + 3_600_000;
      const before = Object.fromEntries(
        await Promise.all(
          contacts.map(async (id) => [id, await crm.scoring.score(id, { at: instant })] as const),
        ),
      );
      await crm.scoring.rescore();
      for (const id of contacts)
        expect(await crm.scoring.score(id, { at: instant })).toEqual(before[id]);
      await storage.close();
    }, 120_000);
  });
}
