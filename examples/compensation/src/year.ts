// A year of a 12-rep team, generated through crmkit's own API on the in-memory store: users, a
// pipeline, deals won and lost over 2025, and the meetings and calls the reps logged.
import {
  type Crm,
  createCrm,
  createTestEnvironment,
  crmStorageSchema,
  seededRandom,
} from "@crmkit/core";
import { openMemoryStorage } from "@crmkit/storage-memory";

/** One rep of the generated team. */
export interface GeneratedRep {
  readonly id: string;
  readonly name: string;
  /** How good the rep is (1 = on target on average). */
  readonly talent: number;
  /** Meetings a week the rep tends to hold. */
  readonly meetingsPerWeek: number;
  /** Whether the rep logged no activity at all (their meeting figure is missing). */
  readonly logsNothing: boolean;
}

export const team: readonly GeneratedRep[] = [
  ["anna", "Anna Keller", 1.25, 9.5],
  ["marc", "Marc Dubois", 1.05, 8.4],
  ["sam", "Sam Okafor", 0.95, 10.2],
  ["lea", "Léa Martin", 1.15, 6.1],
  ["jon", "Jon Berg", 0.8, 7.9],
  ["ines", "Inès Roux", 1.0, 8.8],
  ["paul", "Paul Weber", 0.9, 5.2],
  ["yuki", "Yuki Sato", 1.35, 8.1],
  ["omar", "Omar Haddad", 1.1, 9.1],
  ["ella", "Ella Novak", 0.7, 7.2],
  ["tom", "Tom Fischer", 1.02, 8.6],
  ["zoe", "Zoé Laurent", 0.98, 8.0],
].map(([id, name, talent, meetingsPerWeek]) => ({
  id: id as string,
  name: name as string,
  talent: talent as number,
  meetingsPerWeek: meetingsPerWeek as number,
  logsNothing: id === "zoe",
}));

/** Builds the workspace and plays 2025 into it, day by day. */
export async function generateYear(seed = 2025): Promise<Crm> {
  const environment = createTestEnvironment({ now: "2025-01-01T08:00:00Z", seed });
  const crm = await createCrm({
    storage: await openMemoryStorage({ schema: crmStorageSchema }),
    environment,
    timezone: "Europe/Paris",
  });
  const random = seededRandom(seed);
  await crm.teams.create({ id: "field", name: "Field sales" });
  for (const rep of team) {
    await crm.users.create({
      id: rep.id,
      name: rep.name,
      role: "field",
      teamId: "field",
      timezone: "Europe/Paris",
    });
  }
  await crm.pipelines.create({
    id: "sales",
    name: "Sales",
    stages: [
      { id: "lead", name: "Lead", probability: 10 },
      { id: "proposal", name: "Proposal", probability: 60 },
      { id: "won", name: "Won", kind: "won" },
      { id: "lost", name: "Lost", kind: "lost" },
    ],
  });
  // Weekdays of 2025: meetings and calls are logged as done; deals close through the year.
  for (let day = 0; day < 365; day++) {
    const date = Date.UTC(2025, 0, 1 + day);
    const weekday = new Date(date).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    environment.set(date + 17 * 3_600_000);
    for (const rep of team) {
      if (!rep.logsNothing) {
        const meetings = Math.round((rep.meetingsPerWeek / 5) * (0.5 + random()));
        for (let m = 0; m < meetings; m++) {
          await crm.activities.create({
            type: m % 3 === 2 ? "visit" : "meeting",
            ownerId: rep.id,
            startAt: new Date(date + (8 + m) * 3_600_000).toISOString(),
            status: "done",
            allowOverlap: true,
          });
        }
      }
      // About one deal closed every other working day; a won deal is worth €3,000–€10,000.
      if (random() < 0.5) {
        const deal = await crm.deals.create({
          title: `${rep.name.split(" ")[0]} #${day}`,
          pipelineId: "sales",
          ownerId: rep.id,
          value: Math.round((300_000 + random() * 700_000) * rep.talent),
        });
        if (random() < 0.55) await crm.deals.win(deal.id);
        else await crm.deals.lose(deal.id, "competitor");
      }
    }
  }
  return crm;
}
