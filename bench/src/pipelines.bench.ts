// Assignment throughput and spread, and the cost of goal evaluation per deal update.
import {
  type Crm,
  createCrm,
  createTestEnvironment,
  crmStorageSchema,
  type PoolStrategy,
  q,
} from "@crmkit/core";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { type BenchResult, compareDurations, durationResult, throughputResult } from "./harness.js";

const reps = 20;

async function workspace(strategy: PoolStrategy | undefined): Promise<Crm> {
  const crm = await createCrm({
    storage: await openMemoryStorage({ schema: crmStorageSchema }),
    environment: createTestEnvironment({ now: "2026-05-18T10:00:00Z" }),
  });
  await crm.teams.create({ id: "inside", name: "Inside" });
  for (let i = 0; i < reps; i++) {
    await crm.users.create({
      id: `rep-${String(i).padStart(2, "0")}`,
      name: `Rep ${i}`,
      role: "inside",
      teamId: "inside",
      workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: "00:00", end: "24:00" },
    });
  }
  await crm.pipelines.create({
    id: "leads",
    name: "Leads",
    stages: [
      {
        id: "new",
        name: "New",
        probability: 10,
        goal: q.and(
          q.field("value").exists(),
          q.field("contact.email").exists(),
          q.activities({ types: ["meeting"] }),
        ),
      },
      { id: "plain", name: "Plain", probability: 20 },
      { id: "won", name: "Won", kind: "won" },
      { id: "lost", name: "Lost", kind: "lost" },
    ],
  });
  if (strategy !== undefined) {
    await crm.assignment.pools.create({
      id: "inside",
      name: "Inside",
      members: { teamId: "inside" },
      strategy,
    });
    await crm.assignment.setRules({
      rules: [{ id: "all", target: { kind: "pool", poolId: "inside" } }],
    });
  }
  return crm;
}

async function createLeads(
  crm: Crm,
  count: number,
  ownerGiven: boolean,
): Promise<Map<string, number>> {
  const perRep = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const deal = await crm.deals.create({
      title: `Lead ${i}`,
      ...(ownerGiven ? { ownerId: `rep-${String(i % reps).padStart(2, "0")}` } : {}),
    });
    perRep.set(deal.ownerId!, (perRep.get(deal.ownerId!) ?? 0) + 1);
  }
  return perRep;
}

export async function pipelineBenchmarks(leads = 100_000): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  // Each strategy against creating the same deals with the owner given (everything but the
  // decision), alternated and medians of three, each run on a fresh workspace built untimed.
  for (const strategy of ["roundRobin", "leastLoaded"] as const) {
    let spread = 0;
    let crm: Crm | undefined;
    const measured = await compareDurations(
      3,
      async () => {
        const perRep = await createLeads(crm!, leads, false);
        spread = Math.max(...perRep.values()) - Math.min(...perRep.values());
      },
      async () => {
        await createLeads(crm!, leads, true);
      },
      async (which) => {
        crm = await workspace(which === "candidate" ? strategy : undefined);
      },
    );
    const [figure, base] = throughputResult(
      `pipelines.assign-${strategy === "roundRobin" ? "round-robin" : "least-loaded"}-${leads / 1000}k`,
      `pipelines.create-owner-given-${leads / 1000}k`,
      leads,
      measured,
      `${leads} new deals over ${reps} reps, memory store; spread (max − min per rep) ${spread}; baseline: the same deals with the owner given, alternated, medians of 3`,
    );
    results.push(figure!);
    if (strategy === "roundRobin")
      results.push({
        ...base!,
        note: `${leads} new deals, owner given: routing, stage entry and writes without a decision`,
      });
  }

  // Goal evaluation: updates of deals sitting in a stage with a 3-clause goal (left unmet) against
  // the same updates in a stage without a goal.
  const crm = await workspace(undefined);
  const updates = 2_000;
  const inGoal: string[] = [];
  const plain: string[] = [];
  for (let i = 0; i < updates; i++) {
    inGoal.push((await crm.deals.create({ title: `g${i}`, ownerId: "rep-00" })).id);
    plain.push(
      (await crm.deals.create({ title: `p${i}`, ownerId: "rep-00", stageId: "plain" })).id,
    );
  }
  // Alternated, medians of five; each pass sets a value no pass set before, so every update
  // changes the deal and evaluates the goal.
  let pass = 0;
  const measured = await compareDurations(
    5,
    async () => {
      pass++;
      for (const id of inGoal) await crm.deals.update(id, { value: 1_000 + pass });
    },
    async () => {
      pass++;
      for (const id of plain) await crm.deals.update(id, { value: 1_000 + pass });
    },
  );
  results.push(
    ...durationResult(
      "pipelines.update-with-goal-2k",
      "pipelines.update-without-goal-2k",
      measured,
      `${updates} deal updates, one by one; goal (left unmet): value set, contact e-mail set, a done meeting; baseline: the same updates in a stage without a goal, alternated, medians of 5`,
    ),
  );
  return results;
}
