// Test support shared by core's tests, the IndexedDB adapter's browser tests and the benchmarks.
import type { Crm } from "../crm.js";
import { q } from "../query/index.js";
import type { User } from "../records/index.js";

/** Creates `count` inside reps (rep-00, rep-01…) working every day, all day, in team "inside". */
export async function addReps(
  crm: Crm,
  count: number,
  options: { role?: User["role"]; prefix?: string; teamId?: string } = {},
): Promise<string[]> {
  const teamId = options.teamId ?? "inside";
  if ((await crm.teams.get(teamId)) === null) await crm.teams.create({ id: teamId, name: teamId });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${options.prefix ?? "rep"}-${String(i).padStart(2, "0")}`;
    await crm.users.create({
      id,
      name: `Rep ${i}`,
      role: options.role ?? "inside",
      teamId,
      timezone: "Europe/Paris",
      workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: "00:00", end: "24:00" },
    });
    ids.push(id);
  }
  return ids;
}

/**
 * The "new business" pipeline: a lead advances once its value, e-mail and phone are known; a
 * qualified deal once a meeting is done; the proposal stage rots after 14 days.
 */
export async function addNewBusinessPipeline(crm: Crm): Promise<void> {
  await crm.pipelines.create({
    id: "new-business",
    name: "New business",
    stages: [
      {
        id: "lead",
        name: "New lead",
        probability: 10,
        guidance: "Qualify within two days: budget, e-mail and phone.",
        goal: q.and(
          q.field("value").exists(),
          q.field("contact.email").exists(),
          q.field("contact.phone").exists(),
        ),
        tasks: [
          {
            id: "call",
            title: "Call the lead",
            actionType: "call",
            due: { amount: 1, unit: "days" },
          },
          {
            id: "research",
            title: "Research the account",
            actionType: "task",
            due: { amount: 4, unit: "hours" },
          },
        ],
        lists: [{ listId: "nurture" }],
      },
      {
        id: "qualified",
        name: "Qualified",
        probability: 30,
        entryRequirements: ["value"],
        goal: q.activities({ types: ["meeting"] }),
        tasks: [
          {
            id: "meet",
            title: "Book a meeting",
            actionType: "meeting",
            due: { amount: 2, unit: "days", skipWeekends: true },
          },
        ],
      },
      { id: "proposal", name: "Proposal", probability: 60, rottingDays: 14 },
      { id: "won", name: "Won", kind: "won" },
      { id: "lost", name: "Lost", kind: "lost" },
    ],
  });
}
