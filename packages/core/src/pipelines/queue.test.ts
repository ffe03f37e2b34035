// Leads that arrive when no rep can take them: the unassigned queue drains when reps become
// available — working hours starting, an absence ending, capacity turning over, rules changing —
// in arrival order, once across processes, and past its deadline to the deadline's pool.
import { describe, expect, it } from "vitest";
import { createCrm } from "../crm.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { addNewBusinessPipeline } from "../testing/pipeline-fixture.js";

async function floor() {
  const fixture = await memoryCrm({ timezone: "Europe/Paris" });
  const { crm, env } = fixture;
  env.set("2026-05-17T20:00:00Z"); // Sunday 22:00 in Paris
  await addNewBusinessPipeline(crm);
  await crm.teams.create({ id: "inside", name: "Inside sales" });
  const rep = (id: string, name: string, extra: object = {}) =>
    crm.users.create({
      id,
      name,
      role: "inside",
      teamId: "inside",
      timezone: "Europe/Paris",
      workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
      ...extra,
    });
  await rep("anna", "Anna Roux");
  await rep("ben", "Ben Morel");
  await crm.assignment.pools.create({
    id: "inside",
    name: "Inside",
    members: { teamId: "inside" },
    strategy: "roundRobin",
    capacity: { perDay: 3 },
  });
  await crm.assignment.setRules({
    rules: [{ id: "all", target: { kind: "pool", poolId: "inside" } }],
  });
  await crm.deals.settle();
  return fixture;
}

describe("the unassigned queue", () => {
  it("drains at the start of the working day, in arrival order, once across two processes", async () => {
    const { crm, env, storage } = await floor();
    // Seven leads in the night, every 40 minutes from Monday 00:20 in Paris.
    const night: string[] = [];
    for (let i = 0; i < 7; i++) {
      env.set(Date.parse("2026-05-17T22:20:00Z") + i * 40 * 60_000);
      const deal = await crm.deals.create({ title: `Lead ${i}` });
      expect(deal).toMatchObject({ queue: "unassigned" });
      night.push(deal.id);
    }
    env.set("2026-05-18T06:59:00Z"); // 08:59: still nobody on duty
    expect(await crm.deals.drainQueue()).toEqual({
      examined: 7,
      assigned: 0,
      overdue: 0,
      waiting: 7,
    });
    // Waiting wrote nothing: one decision per deal, the one that queued it.
    for (const id of night) expect(await crm.assignment.decisions(id)).toHaveLength(1);

    // 09:00: a second process drains at the same moment, over the same store.
    env.set("2026-05-18T07:00:00Z");
    const other = await createCrm({ storage, environment: env, timezone: "Europe/Paris" });
    const [a, b] = await Promise.all([crm.deals.drainQueue(), other.deals.drainQueue()]);
    expect(a.assigned + b.assigned).toBe(6); // two reps, three new deals a day each
    const deals = await Promise.all(night.map((id) => crm.deals.require(id)));
    // Arrival order: the six oldest leads, alternating; the youngest waits for Tuesday.
    expect(deals.map((d) => d.ownerId ?? null)).toEqual([
      "anna",
      "ben",
      "anna",
      "ben",
      "anna",
      "ben",
      null,
    ]);
    for (const id of night.slice(0, 6)) {
      const decisions = await crm.assignment.decisions(id);
      expect(decisions.map((d) => [d.trigger, d.outcome])).toEqual([
        ["created", "unassigned"],
        ["queue", "assigned"],
      ]);
    }
    const [, first] = await crm.assignment.decisions(night[0]!);
    expect(first!.why).toMatch(
      /^waited in the unassigned queue since 2026-05-18 00:20; assigned at 09:00 when Anna Roux's working day started; rule "all" matched; .*Anna Roux chosen: next in rotation in pool "Inside"$/,
    );
    expect(await crm.deals.require(night[0]!)).not.toHaveProperty("queuedAt");

    // Tuesday 09:00: capacity has turned over; runDue drains as part of its due work.
    env.set("2026-05-19T07:00:00Z");
    await crm.automations.runDue();
    expect((await crm.deals.require(night[6]!)).ownerId).toBe("anna");
    expect((await crm.deals.list({ unassigned: true })).records).toEqual([]);
  });

  it("drains right after an absence is cut short or the rules change", async () => {
    const { crm, env } = await floor();
    env.set("2026-05-18T08:00:00Z"); // Monday 10:00
    const [anna, ben] = ["anna", "ben"];
    const away = await Promise.all(
      [anna, ben].map((id) =>
        crm.users.absences.create(id, { from: "2026-05-18", to: "2026-05-22", reason: "fair" }),
      ),
    );
    await crm.deals.settle();
    const deal = await crm.deals.create({ title: "Walk-in" });
    expect(deal.queue).toBe("unassigned");
    // Ben comes back early: the queue drains without waiting for runDue.
    await crm.users.absences.remove(away[1]!.id);
    expect(await crm.deals.settle()).toBe(0);
    const taken = await crm.deals.require(deal.id);
    expect(taken.ownerId).toBe("ben");
    const decision = (await crm.assignment.decisions(deal.id)).find((d) => d.trigger === "queue");
    expect(decision!.why).toContain("assigned at 10:00 when Ben Morel's absence ended");

    // A lead no rule can place waits; a new rule places it at once.
    await crm.users.create({
      id: "zoe",
      name: "Zoé Blanc",
      role: "inside",
      timezone: "Europe/Paris",
      workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
    });
    await crm.assignment.setRules({
      rules: [{ id: "all", target: { kind: "user", userId: "anna" } }],
    });
    await crm.deals.settle();
    const second = await crm.deals.create({ title: "Partner lead" });
    expect(second.queue).toBe("unassigned");
    await crm.assignment.setRules({
      rules: [{ id: "partners", target: { kind: "user", userId: "zoe" } }],
    });
    await crm.deals.settle();
    const placed = (await crm.assignment.decisions(second.id)).find((d) => d.trigger === "queue");
    expect(placed!.chosenId).toBe("zoe");
    expect(placed!.why).toContain("assigned at 10:00 after the assignment rules or pools changed");
  });

  it("gives a lead waiting past the deadline to the deadline's pool, off hours or not", async () => {
    const { crm, env } = await floor();
    await crm.users.create({
      id: "night",
      name: "Night desk",
      role: "inside",
      timezone: "Europe/Paris",
      workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
    });
    await crm.assignment.pools.create({
      id: "night-desk",
      name: "Night desk",
      members: { userIds: ["night"] },
      strategy: "roundRobin",
    });
    await crm.assignment.setRules({
      rules: [{ id: "all", target: { kind: "pool", poolId: "inside" } }],
      queueDeadline: { afterHours: 4, poolId: "night-desk" },
    });
    env.set("2026-05-22T20:00:00Z"); // Friday 22:00
    const lead = await crm.deals.create({ title: "Friday night" });
    env.set("2026-05-22T23:59:00Z");
    expect((await crm.deals.drainQueue()).waiting).toBe(1);
    env.set("2026-05-23T00:00:00Z"); // four hours later, Saturday 02:00
    expect(await crm.deals.drainQueue()).toMatchObject({ assigned: 1, overdue: 1 });
    const decision = (await crm.assignment.decisions(lead.id)).find((d) => d.trigger === "queue");
    expect(decision).toMatchObject({ trigger: "queue", chosenId: "night", pools: ["night-desk"] });
    expect(decision!.why).toContain("past the queue's deadline");
    expect(decision!.why).toContain("waited more than 4 h in the unassigned queue");
    // A deadline needs somewhere to send overdue leads.
    await expect(
      crm.assignment.setRules({ rules: [], queueDeadline: { afterHours: 2 } }),
    ).rejects.toMatchObject({ details: { path: ["queueDeadline", "poolId"] } });
  });
});
