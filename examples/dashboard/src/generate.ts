// A year of sales for two teams of three reps, played into a workspace through crmkit's own API in
// time order: deals moving through the pipeline and closing, the meetings and calls behind them,
// forecasts frozen on the first of each month, objectives, and this week's agenda. The same seed
// on any storage adapter writes the same records with the same ids.
import { type Crm, seededRandom, type TestEnvironment } from "@crmkit/core";

/** The instant the dashboard reads the data at: Wednesday 18 November 2026, 11:00 in Paris. */
export const asOf = "2026-11-18T10:00:00.000Z";

/** The workspace timezone. */
export const timezone = "Europe/Paris";

/** The reps: id, name, team and how good they are (1 = average). */
export const reps = [
  { id: "anna", name: "Anna Keller", teamId: "north", talent: 1.2 },
  { id: "marc", name: "Marc Dubois", teamId: "north", talent: 1.0 },
  { id: "sam", name: "Sam Okafor", teamId: "north", talent: 0.9 },
  { id: "lea", name: "Léa Martin", teamId: "south", talent: 1.1 },
  { id: "jon", name: "Jon Berg", teamId: "south", talent: 0.85 },
  { id: "ines", name: "Inès Roux", teamId: "south", talent: 1.0 },
] as const;

/** The open stages in order, with the chance an average rep moves a deal on from each. */
const journey = [
  { id: "lead", advance: 0.72, activity: "call" },
  { id: "qualified", advance: 0.68, activity: "meeting" },
  { id: "proposal", advance: 0.62, activity: "demo" },
  { id: "negotiation", advance: 0.74, activity: "visit" },
] as const;

const day = 86_400_000;
const sources = ["web", "referral", "event", "outbound"];
const products = ["subscription", "subscription", "licence", "maintenance"];
const territories = ["FR", "DE", "BE"];
const lossReasons = ["price", "competitor", "no budget", "timing"];

/** What the generator wrote. */
export interface GeneratedYear {
  /** Events of the year played (deal creations, moves, closes, activities, snapshots). */
  readonly events: number;
  /** Activities of this week's agenda. */
  readonly agenda: number;
}

/**
 * Plays October 2025 to {@link asOf} into an empty workspace. `environment` must be the
 * workspace's test environment: the generator sets its clock to each event's instant before
 * writing it. `progress` is called after each event with (done, total).
 */
export async function generateYear(
  crm: Crm,
  environment: TestEnvironment,
  options: {
    readonly seed?: number;
    readonly progress?: (done: number, total: number) => void;
  } = {},
): Promise<GeneratedYear> {
  const random = seededRandom(options.seed ?? 2026);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const end = Date.parse(asOf);
  // The story starts in the autumn of 2025, so 2026 opens with a pipeline and paying customers.
  environment.set("2025-10-01T07:00:00Z");

  await crm.teams.create({ id: "north", name: "North" });
  await crm.teams.create({ id: "south", name: "South" });
  for (const rep of reps) {
    await crm.users.create({
      id: rep.id,
      name: rep.name,
      role: "field",
      teamId: rep.teamId,
      timezone,
    });
  }
  await crm.pipelines.create({
    id: "sales",
    name: "Sales",
    stages: [
      { id: "lead", name: "Lead", probability: 10, rottingDays: 21 },
      { id: "qualified", name: "Qualified", probability: 25, rottingDays: 21 },
      { id: "proposal", name: "Proposal", probability: 50, rottingDays: 30 },
      { id: "negotiation", name: "Negotiation", probability: 75, rottingDays: 30 },
      { id: "won", name: "Won", kind: "won" },
      { id: "lost", name: "Lost", kind: "lost" },
    ],
  });
  const accounts: string[] = [];
  for (let i = 1; i <= 48; i++) {
    accounts.push(
      (await crm.accounts.create({ name: `Customer ${String(i).padStart(2, "0")}` })).id,
    );
  }
  // Each rep's objectives: revenue for the year, weighted towards the second half, and four
  // meetings a week in the last quarter.
  for (const rep of reps) {
    await crm.objectives.set({
      subject: { kind: "user", id: rep.id },
      metric: { kind: "revenue" },
      period: "2026",
      target: 24_000_000,
      seasonality: [20, 25, 25, 30],
    });
    await crm.objectives.set({
      subject: { kind: "user", id: rep.id },
      metric: { kind: "meetingsPerWeek" },
      period: "2026-Q4",
      target: 4,
    });
  }

  // Every event of the year with its instant, run in time order.
  const events: { at: number; run: () => Promise<unknown> }[] = [];
  const at = (instant: number, run: () => Promise<unknown>) => {
    if (instant < end) events.push({ at: instant, run });
  };
  const monday = Date.parse("2025-10-06T00:00:00Z");
  for (let week = monday; week < end; week += 7 * day) {
    for (const rep of reps) {
      const count = random() < 0.3 ? 2 : 1;
      for (let n = 0; n < count; n++) {
        const created =
          week + Math.floor(random() * 5) * day + (8 + Math.floor(random() * 9)) * 3_600_000;
        const value =
          Math.round(((400_000 + random() * random() * 4_000_000) * rep.talent) / 100) * 100;
        // The deal's life: some days in each stage, the work done there, then on or out.
        const steps: { at: number; activity: string; next: string | "won" | "lost" }[] = [];
        let t = created;
        for (const [i, stage] of journey.entries()) {
          t += (3 + Math.floor(random() * 22)) * day;
          const advances = random() < Math.min(0.95, stage.advance * Math.sqrt(rep.talent));
          steps.push({
            at: t,
            activity: stage.activity,
            next: advances ? (journey[i + 1]?.id ?? "won") : "lost",
          });
          if (!advances) break;
        }
        const close = steps[steps.length - 1]!.at;
        const noise = (Math.floor(random() * 29) - 14) * day;
        const deal = { id: "" };
        const input = {
          title: `${pick(["Renewal", "Rollout", "Pilot", "Upgrade", "New site"])} ${events.length}`,
          pipelineId: "sales",
          ownerId: rep.id,
          accountId: pick(accounts),
          value,
          products: [pick(products)],
          source: pick(sources),
          territory: pick(territories),
          expectedCloseDate: new Date(close + noise).toISOString().slice(0, 10),
        };
        const reason = pick(lossReasons);
        at(created, async () => {
          deal.id = (await crm.deals.create(input)).id;
        });
        for (const step of steps) {
          // The work done in the stage the day before the deal moves on (or is lost).
          at(step.at - day, () =>
            crm.activities.create({
              type: step.activity,
              ownerId: rep.id,
              dealId: deal.id,
              startAt: new Date(step.at - day).toISOString(),
              status: "done",
              allowOverlap: true,
            }),
          );
          at(step.at, () =>
            step.next === "won"
              ? crm.deals.win(deal.id)
              : step.next === "lost"
                ? crm.deals.lose(deal.id, reason)
                : crm.deals.move(deal.id, step.next),
          );
        }
      }
      // Prospecting meetings from September, one to four a week.
      if (week >= Date.parse("2026-09-01T00:00:00Z")) {
        const meetings = Math.round((1 + random() * 3) * rep.talent);
        for (let m = 0; m < meetings; m++) {
          const start = week + (m % 5) * day + (13 + Math.floor(m / 5)) * 3_600_000;
          at(start, () =>
            crm.activities.create({
              type: "meeting",
              title: "Prospect meeting",
              ownerId: rep.id,
              startAt: new Date(start).toISOString(),
              status: "done",
              allowOverlap: true,
            }),
          );
        }
      }
    }
  }
  // The forecast of each month, frozen on its first morning.
  for (let month = 0; month < 11; month++) {
    const first = Date.UTC(2026, month, 1, 6);
    at(first, () => crm.reports.snapshotForecast(`2026-${String(month + 1).padStart(2, "0")}`));
  }
  events.sort((a, b) => a.at - b.at);
  let done = 0;
  for (const event of events) {
    environment.set(event.at);
    await event.run();
    options.progress?.(++done, events.length);
  }

  // This week's agenda (Monday 16 to Friday 20 November), written today: what is over is done,
  // the rest is booked.
  environment.set(end);
  const agendaTypes = ["call", "meeting", "email", "visit", "demo", "task", "call", "meeting"];
  let agenda = 0;
  for (const [r, rep] of reps.entries()) {
    for (let d = 0; d < 5; d++) {
      const slots = 2 + Math.floor(random() * 3);
      for (let s = 0; s < slots; s++) {
        const start = Date.parse("2026-11-16T08:00:00Z") + d * day + (s * 2 + (r % 2)) * 3_600_000;
        const type = pick(agendaTypes);
        await crm.activities.create({
          type,
          ownerId: rep.id,
          title: `${type === "email" ? "Follow-up" : "Customer"} ${1 + Math.floor(random() * 48)}`,
          startAt: new Date(start).toISOString(),
          ...(start < end ? { status: "done" as const } : {}),
          allowOverlap: true,
        });
        agenda++;
      }
    }
  }
  return { events: events.length, agenda };
}
