import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openMemoryStorage } from "../../../storage-memory/src/index.js";
import { q } from "../query/builder.js";
import { crmStorageSchema } from "../records/schema.js";
import { concurrentCapacity, concurrentRoundRobin } from "../testing/assignment-scenarios.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { addNewBusinessPipeline, addReps } from "../testing/pipeline-fixture.js";
import { type Contender, choose, type RotationState } from "./strategy.js";

async function workspace() {
  const fixture = await memoryCrm({ timezone: "Europe/Paris" });
  await addNewBusinessPipeline(fixture.crm);
  return fixture;
}

describe("assignment eligibility", () => {
  it("never chooses absent, inactive, off-hours or over-capacity reps, and says why", async () => {
    const { crm, env } = await workspace();
    await crm.teams.create({ id: "inside", name: "Inside" });
    const rep = (id: string, extra: object = {}) =>
      crm.users.create({
        id,
        name: id,
        role: "inside",
        teamId: "inside",
        timezone: "Europe/Paris",
        ...extra,
      });
    await rep("anna");
    await rep("bob", { active: false });
    await rep("chloe", { timezone: "America/New_York" }); // 06:00 there: off duty
    await rep("dan");
    await rep("eve");
    await crm.users.absences.create("anna", {
      from: "2026-05-14",
      to: "2026-05-20",
      reason: "holiday",
    });
    await crm.assignment.pools.create({
      id: "inside",
      name: "Inside",
      members: { teamId: "inside" },
      strategy: "roundRobin",
      capacity: { perDay: 1 },
    });
    await crm.assignment.setRules({
      rules: [{ id: "all", target: { kind: "pool", poolId: "inside" } }],
    });
    const first = await crm.deals.create({ title: "1" });
    const second = await crm.deals.create({ title: "2" });
    const third = await crm.deals.create({ title: "3" });
    expect([first.ownerId, second.ownerId, third.ownerId]).toEqual(["dan", "eve", undefined]);
    expect(third.queue).toBe("unassigned");
    const [decision] = await crm.assignment.decisions(third.id);
    expect(decision!.outcome).toBe("unassigned");
    expect(decision!.skipped.map((s) => [s.userId, s.reason])).toEqual([
      ["anna", "absent"],
      ["bob", "inactive"],
      ["chloe", "offHours"],
      ["dan", "overCapacity"],
      ["eve", "overCapacity"],
    ]);
    expect(decision!.skipped[0]!.detail).toBe("anna is absent (holiday) until 2026-05-20");
    expect(decision!.why).toContain('rule "all" matched');
    expect((await crm.deals.list({ unassigned: true })).records.map((d) => d.id)).toEqual([
      third.id,
    ]);

    // Monday 21:00 in Paris (Dan and Eve are off duty), 15:00 in New York: Chloe's turn.
    env.set("2026-05-18T19:00:00.000Z");
    const fourth = await crm.deals.create({ title: "4" });
    expect(fourth.ownerId).toBe("chloe");
  });

  it("falls back to the fallback pool, and explains the choice", async () => {
    const { crm } = await workspace();
    await addReps(crm, 2, { prefix: "inside" });
    await addReps(crm, 2, { prefix: "field", role: "field", teamId: "field" });
    await crm.users.update("inside-00", { active: false });
    await crm.users.update("inside-01", { active: false });
    await crm.assignment.pools.create({
      id: "field",
      name: "Field",
      members: { query: q.field("role").eq("field") },
      strategy: "leastLoaded",
    });
    await crm.assignment.pools.create({
      id: "inside",
      name: "Inside",
      members: { teamId: "inside" },
      strategy: "roundRobin",
      fallbackPoolId: "field",
    });
    await crm.assignment.setRules({
      rules: [{ id: "all", target: { kind: "pool", poolId: "inside" } }],
    });
    const deal = await crm.deals.create({ title: "x" });
    expect(deal.ownerId).toBe("field-00");
    const [decision] = await crm.assignment.decisions(deal.id);
    expect(decision!.pools).toEqual(["inside", "field"]);
    expect(decision!.why).toBe(
      'rule "all" matched; nobody eligible in pool "Inside"; Rep 0 skipped: inactive; Rep 1 skipped: inactive; Rep 0 chosen: fewest open deals (0) in pool "Field"',
    );
  });

  it("skips a rule naming a deleted user with that reason, and takes the next rule", async () => {
    const { crm } = await workspace();
    await addReps(crm, 1);
    await crm.users.create({ id: "gone", name: "Gone", role: "inside" });
    await crm.assignment.setRules({
      rules: [
        { id: "vip", target: { kind: "user", userId: "gone" } },
        { id: "rest", target: { kind: "user", userId: "rep-00" } },
      ],
    });
    await crm.users.remove("gone");
    const deal = await crm.deals.create({ title: "x" });
    expect(deal.ownerId).toBe("rep-00");
    const [decision] = await crm.assignment.decisions(deal.id);
    expect(decision!.rules).toEqual([
      { ruleId: "vip", outcome: "skipped", reason: 'unknown user "gone"' },
      { ruleId: "rest", outcome: "matched" },
    ]);
    await expect(
      crm.assignment.setRules({ rules: [{ id: "bad", target: { kind: "pool", poolId: "nope" } }] }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { path: ["rules", 0, "target", "poolId"] },
    });
  });

  it("keeps account ownership sticky and hands off on stage entry", async () => {
    const { crm } = await workspace();
    await addReps(crm, 2);
    await addReps(crm, 2, { prefix: "field", role: "field", teamId: "field" });
    const account = await crm.accounts.create({ name: "ACME", ownerId: "rep-01" });
    const contact = await crm.contacts.create({
      email: "a@acme.test",
      phone: "1",
      accountId: account.id,
    });
    await crm.assignment.pools.create({
      id: "field",
      name: "Field",
      members: { teamId: "field" },
      strategy: "roundRobin",
    });
    await crm.assignment.setRules({
      rules: [
        {
          id: "sticky",
          when: q.field("account.ownerId").exists(),
          target: { kind: "accountOwner" },
        },
      ],
    });
    const pipeline = await crm.pipelines.require("new-business");
    await crm.pipelines.update("new-business", {
      name: pipeline.name,
      stages: pipeline.stages.map((stage) =>
        stage.id === "qualified"
          ? { ...stage, assignOnEntry: { kind: "pool", poolId: "field" } }
          : stage,
      ),
    });
    const deal = await crm.deals.create({ title: "ACME", contactId: contact.id });
    expect(deal.ownerId).toBe("rep-01");
    await crm.deals.update(deal.id, { value: 100 }); // lead goal met → qualified → field rep
    const handed = await crm.deals.require(deal.id);
    expect([handed.stageId, handed.ownerId]).toEqual(["qualified", "field-00"]);
    const decisions = await crm.assignment.decisions(deal.id);
    expect(decisions.map((d) => [d.trigger, d.chosenId])).toEqual([
      ["created", "rep-01"],
      ["stageEntry", "field-00"],
    ]);
    const tasks = await crm.tasks.list({ dealId: deal.id, status: "open" });
    expect(tasks.map((t) => t.assigneeId)).toEqual(["field-00"]);
  });
});

describe("strategies", () => {
  it("round-robin spreads n deals over k reps with max − min ≤ 1", async () => {
    const { crm } = await workspace();
    await addReps(crm, 7);
    await crm.assignment.pools.create({
      id: "p",
      name: "P",
      members: { teamId: "inside" },
      strategy: "roundRobin",
    });
    await crm.assignment.setRules({
      rules: [{ id: "all", target: { kind: "pool", poolId: "p" } }],
    });
    const counts = new Map<string, number>();
    for (let i = 0; i < 45; i++) {
      const deal = await crm.deals.create({ title: `${i}` });
      counts.set(deal.ownerId!, (counts.get(deal.ownerId!) ?? 0) + 1);
    }
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBe(1);
    expect(counts.size).toBe(7);
  });

  it("weighted round-robin gives each rep exactly its weight in every window", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }),
        (weights) => {
          const contenders: Contender[] = weights.map((weight, i) => ({
            userId: `u${i}`,
            weight,
            load: 0,
          }));
          const total = weights.reduce((a, b) => a + b, 0);
          let state: RotationState = {};
          const counts = new Map<string, number>();
          for (let i = 0; i < total * 3; i++) {
            const choice = choose("weightedRoundRobin", contenders, state)!;
            state = choice.state;
            counts.set(choice.userId, (counts.get(choice.userId) ?? 0) + 1);
          }
          for (const c of contenders) expect(counts.get(c.userId) ?? 0).toBe(c.weight * 3);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("round-robin and least-loaded match a simple reference on random eligibility", () => {
    const reference = (ids: string[], last: string | undefined, loads?: Map<string, number>) => {
      const sorted = [...ids].sort();
      const start = last === undefined ? 0 : sorted.findIndex((id) => id > last);
      const order = start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)];
      if (loads === undefined) return order[0];
      return order.reduce((best, id) => (loads.get(id)! < loads.get(best)! ? id : best), order[0]!);
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.subarray(["a", "b", "c", "d", "e"]),
            fc.array(fc.nat(3), { minLength: 5, maxLength: 5 }),
          ),
          {
            maxLength: 30,
          },
        ),
        (rounds) => {
          let rr: RotationState = {};
          let ll: RotationState = {};
          for (const [eligible, loadList] of rounds) {
            const loads = new Map(["a", "b", "c", "d", "e"].map((id, i) => [id, loadList[i]!]));
            const contenders = eligible.map((userId) => ({
              userId,
              weight: 1,
              load: loads.get(userId)!,
            }));
            const a = choose("roundRobin", contenders, rr);
            const b = choose("leastLoaded", contenders, ll);
            expect(a?.userId).toBe(reference(eligible, rr.lastUserId));
            expect(b?.userId).toBe(
              eligible.length === 0 ? undefined : reference(eligible, ll.lastUserId, loads),
            );
            if (a !== undefined) rr = a.state;
            if (b !== undefined) ll = b.state;
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("concurrent assignment (memory store)", () => {
  it("keeps round-robin exact when two writers assign at once", async () => {
    const store = await openMemoryStorage({ schema: crmStorageSchema });
    const counts = await concurrentRoundRobin([store, store], 5, 40);
    expect([...counts.values()].sort()).toEqual([8, 8, 8, 8, 8]);
  });

  it("never exceeds a capacity when two writers assign at once", async () => {
    const store = await openMemoryStorage({ schema: crmStorageSchema });
    const result = await concurrentCapacity([store, store], 4, 3, 20);
    expect([...result.perRep.values()]).toEqual([3, 3, 3, 3]);
    expect(result.unassigned).toBe(8);
  });
});
