// The code of docs/pipelines.md and docs/assignment.md, type-checked and run by its test.
import { createCrm, createTestEnvironment, crmStorageSchema, q } from "@crmkit/core";
import { openMemoryStorage } from "@crmkit/storage-memory";

export async function pipelinesGuide() {
  // Monday 18 May 2026, 10:00 in Paris.
  const environment = createTestEnvironment({ now: "2026-05-18T08:00:00Z" });
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({ storage, environment, timezone: "Europe/Paris", currency: "EUR" });

  // Reps: working hours (default Monday–Friday 09:00–18:00) are read in each rep's timezone.
  await crm.teams.create({ id: "inside", name: "Inside sales" });
  await crm.teams.create({ id: "field", name: "Field sales" });
  for (const [id, name, role, teamId] of [
    ["anna", "Anna", "inside", "inside"],
    ["marc", "Marc", "inside", "inside"],
    ["lea", "Léa", "field", "field"],
  ] as const) {
    await crm.users.create({ id, name, role, teamId, timezone: "Europe/Paris" });
  }
  await crm.users.absences.create("anna", {
    from: "2026-05-18",
    to: "2026-05-22",
    reason: "holiday",
  });

  // Pools and rules: inside sales take new leads, round-robin, at most 30 a day each.
  await crm.assignment.pools.create({
    id: "inside",
    name: "Inside sales",
    members: { teamId: "inside" },
    strategy: "roundRobin",
    capacity: { perDay: 30 },
  });
  await crm.assignment.pools.create({
    id: "field",
    name: "Field reps",
    members: { query: q.field("role").eq("field") },
    strategy: "leastLoaded",
  });
  await crm.assignment.setRules({
    rules: [
      { id: "sticky", when: q.field("account.ownerId").exists(), target: { kind: "accountOwner" } },
      { id: "inside", target: { kind: "pool", poolId: "inside" } },
    ],
  });

  // A pipeline whose stages advance by themselves when their goal holds.
  await crm.pipelines.create({
    id: "new-business",
    name: "New business",
    stages: [
      {
        id: "lead",
        name: "New lead",
        probability: 10,
        guidance: "Call within a day; get the budget and a phone number.",
        goal: q.and(q.field("value").exists(), q.field("contact.phone").exists()),
        tasks: [
          {
            id: "call",
            title: "Call the lead",
            actionType: "call",
            due: { amount: 1, unit: "days" },
          },
        ],
        lists: [{ listId: "nurture" }],
      },
      {
        id: "qualified",
        name: "Qualified",
        probability: 40,
        entryRequirements: ["value"],
        assignOnEntry: { kind: "pool", poolId: "field" },
        goal: q.activities({ types: ["meeting"] }),
        tasks: [
          {
            id: "meet",
            title: "Meet the decision maker",
            actionType: "meeting",
            due: { amount: 3, unit: "days", skipWeekends: true },
          },
        ],
      },
      { id: "proposal", name: "Proposal", probability: 70, rottingDays: 14 },
      { id: "won", name: "Won", kind: "won" },
      { id: "lost", name: "Lost", kind: "lost" },
    ],
  });

  const contact = await crm.contacts.create({ firstName: "Ada", email: "ada@example.fr" });
  const deal = await crm.deals.create({ title: "Example SA", contactId: contact.id });
  const [decision] = await crm.assignment.decisions(deal.id);

  const missing = await crm.deals.whatIsMissing(deal.id);
  await crm.deals.update(deal.id, { value: 4_500_000 }); // €45,000.00, in cents
  await crm.contacts.update(contact.id, { phone: "+33 1 23 45 67 89" }); // the goal now holds
  const qualified = await crm.deals.require(deal.id);

  const meeting = await crm.activities.create({ type: "meeting", dealId: deal.id });
  await crm.activities.complete(meeting.id, { outcome: "Budget confirmed" });

  const history = await crm.deals.history(deal.id);
  const tasks = await crm.tasks.list({ dealId: deal.id });
  const refused = await crm.deals.move(deal.id, "lost");
  return {
    owner: deal.ownerId,
    why: decision!.why,
    missing: missing.missing.map((part) => part.text),
    qualified: [qualified.stageId, qualified.ownerId],
    stage: (await crm.deals.require(deal.id)).stageId,
    history: history.map((stay) => `${stay.stageId} (${stay.enteredCause})`),
    tasks: tasks.map((task) => `${task.title}: ${task.status}`),
    refused,
    outbox: (await crm.outbox.list()).map(
      (entry) => `${entry.request.listId} ${entry.request.status}`,
    ),
  };
}
