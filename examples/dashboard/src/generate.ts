// A year of sales for two teams of three reps, played into a workspace through crmkit's own API in
// time order: deals moving through the pipeline and closing, the meetings and calls behind them,
// forecasts frozen on the first of each month, objectives, and this week's agenda. The same seed
// on any storage adapter writes the same records with the same ids.
import { type Crm, seededRandom, type TestEnvironment } from "@crmkit/core";

/** The instant the dashboard reads the data at: Wednesday 18 November 2026, 11:00 in Paris. */
export const asOf = "2026-11-18T10:00:00.000Z";

/** The workspace timezone. */
export const timezone = "Europe/Paris";

/**
 * The reps: id, name, team, how good they are (1 = average), and the objectives their manager set —
 * a yearly revenue quota in cents (seniors carry more) and meetings a week in the last quarter.
 */
export const reps = [
  { id: "anna", name: "Anna Keller", teamId: "north", talent: 1.2, quota: 36_000_000, meetings: 5 },
  { id: "marc", name: "Marc Dubois", teamId: "north", talent: 1.0, quota: 22_000_000, meetings: 4 },
  { id: "sam", name: "Sam Okafor", teamId: "north", talent: 0.9, quota: 15_000_000, meetings: 3 },
  { id: "lea", name: "Léa Martin", teamId: "south", talent: 1.1, quota: 26_000_000, meetings: 5 },
  { id: "jon", name: "Jon Berg", teamId: "south", talent: 0.85, quota: 14_000_000, meetings: 3 },
  { id: "ines", name: "Inès Roux", teamId: "south", talent: 1.0, quota: 19_000_000, meetings: 4 },
] as const;

/**
 * The open stages in order: the chance an average rep moves a deal on, the work done there, and how
 * many days a deal stays (a lead is called within days; a proposal waits weeks for a decision).
 */
const journey = [
  { id: "lead", advance: 0.72, activity: "call", days: [2, 9] },
  { id: "qualified", advance: 0.68, activity: "meeting", days: [5, 21] },
  { id: "proposal", advance: 0.62, activity: "demo", days: [12, 40] },
  { id: "negotiation", advance: 0.74, activity: "visit", days: [4, 18] },
] as const;

/** How busy each month is, relative to an average one: slow summers and Christmases. */
const season = [0.9, 1.0, 1.2, 1.1, 1.0, 1.0, 0.75, 0.45, 1.2, 1.25, 1.1, 0.6];

/** The customers' names: 48 companies. */
const companies = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Hooli",
  "Vandelay",
  "Soylent",
  "Tyrell",
  "Wonka",
  "Stark",
  "Wayne",
  "Cyberdyne",
].flatMap((name) =>
  ["Industries", "Logistics", "Foods", "Systems"].map((kind) => `${name} ${kind}`),
);

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
  const accounts: { id: string; name: string }[] = [];
  for (const name of companies) accounts.push(await crm.accounts.create({ name }));
  // Each rep's objectives: the quota for the year, weighted towards the second half, and meetings
  // a week in the last quarter.
  for (const rep of reps) {
    await crm.objectives.set({
      subject: { kind: "user", id: rep.id },
      metric: { kind: "revenue" },
      period: "2026",
      target: rep.quota,
      seasonality: [20, 25, 25, 30],
    });
    await crm.objectives.set({
      subject: { kind: "user", id: rep.id },
      metric: { kind: "meetingsPerWeek" },
      period: "2026-Q4",
      target: rep.meetings,
    });
  }

  // Each rep's booked time, so that nothing is double-booked: crmkit refuses overlaps, and the
  // generator books as a rep would — the first free slot of the day from the time they aimed at.
  const busy = new Map<string, [number, number][]>();
  const hour = 3_600_000;
  // How long each action type takes: the workspace's own action types say.
  const minutes = new Map(
    (await crm.actionTypes.list()).map((type) => [type.id, type.defaultDurationMinutes]),
  );
  /**
   * Books `type` for `repId` in the first free slot of a working day (08:00–17:00 UTC: 09:00–18:00
   * in Paris in winter, within the day in summer) at or after `aim` — on the working day before
   * when that one is full or a weekend, and never outside [`notBefore`, `notAfter`): then the
   * following days up to `notAfter`.
   */
  const book = (
    repId: string,
    aim: number,
    type: string,
    notBefore = Number.NEGATIVE_INFINITY,
    notAfter = Number.POSITIVE_INFINITY,
  ): number => {
    const length = minutes.get(type)! * 60_000;
    const aimDay = Math.floor(aim / day) * day;
    const tryDay = (base: number, from: number): number | null => {
      const weekday = new Date(base).getUTCDay();
      if (weekday === 6 || weekday === 0) return null;
      const taken = busy.get(`${repId}|${base}`) ?? [];
      const first =
        Math.ceil(Math.max(from, base + 8 * hour, notBefore) / (15 * 60_000)) * 15 * 60_000;
      for (
        let start = first;
        start + length <= Math.min(base + 17 * hour, notAfter);
        start += 15 * 60_000
      ) {
        if (taken.some(([s, e]) => start < e && start + length > s)) continue;
        taken.push([start, start + length]);
        busy.set(`${repId}|${base}`, taken);
        return start;
      }
      return null;
    };
    for (let back = 0; back < 14 && aimDay - back * day + 17 * hour > notBefore; back++) {
      const found = tryDay(aimDay - back * day, back === 0 ? aim : 0);
      if (found !== null) return found;
    }
    for (let ahead = 1; ahead < 14 && aimDay + ahead * day < notAfter; ahead++) {
      const found = tryDay(aimDay + ahead * day, 0);
      if (found !== null) return found;
    }
    throw new Error(`no free slot for ${repId} near ${new Date(aim).toISOString()}`);
  };

  // Every event of the year with its instant, run in time order.
  const events: { at: number; run: () => Promise<unknown> }[] = [];
  const at = (instant: number, run: () => Promise<unknown>) => {
    if (instant < end) events.push({ at: instant, run });
  };
  const monday = Date.parse("2025-10-06T00:00:00Z");
  for (let week = monday; week < end; week += 7 * day) {
    const busyness = season[new Date(week).getUTCMonth()]!;
    for (const rep of reps) {
      const count = (random() < 0.3 * busyness ? 2 : 1) - (random() > busyness ? 1 : 0);
      for (let n = 0; n < count; n++) {
        const created =
          week + Math.floor(random() * 5) * day + (8 + Math.floor(random() * 9)) * 3_600_000;
        const value =
          Math.round(((400_000 + random() * random() * 4_000_000) * rep.talent) / 100) * 100;
        // The deal's life: some days in each stage, the work done there, then on or out.
        const steps: { at: number; activity: string; next: string | "won" | "lost" }[] = [];
        let t = created;
        for (const [i, stage] of journey.entries()) {
          const [shortest, longest] = stage.days;
          t +=
            Math.round((shortest + random() * (longest - shortest)) / Math.sqrt(rep.talent)) * day;
          // Deals move on working days.
          const weekday = new Date(t).getUTCDay();
          if (weekday === 6 || weekday === 0) t += (weekday === 6 ? 2 : 1) * day;
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
        const account = pick(accounts);
        const input = {
          title: `${pick(["Renewal", "Rollout", "Pilot", "Upgrade", "New site"])} ${events.length}`,
          pipelineId: "sales",
          ownerId: rep.id,
          accountId: account.id,
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
          // The work done in the stage the working day before the deal moves on (or is lost).
          const start = book(rep.id, step.at - day, step.activity, created + hour, step.at);
          at(start, () =>
            crm.activities.create({
              type: step.activity,
              title: account.name,
              ownerId: rep.id,
              dealId: deal.id,
              startAt: new Date(start).toISOString(),
              status: "done",
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
          const start = book(
            rep.id,
            week + (m % 5) * day + (13 + Math.floor(m / 5)) * hour,
            "meeting",
          );
          const prospect = pick(accounts).name;
          at(start, () =>
            crm.activities.create({
              type: "meeting",
              title: `${prospect} (prospect)`,
              ownerId: rep.id,
              startAt: new Date(start).toISOString(),
              status: "done",
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
        const type = pick(agendaTypes);
        const start = book(
          rep.id,
          Date.parse("2026-11-16T08:00:00Z") + d * day + (s * 2 + (r % 2)) * hour,
          type,
        );
        await crm.activities.create({
          type,
          ownerId: rep.id,
          title: pick(accounts).name,
          startAt: new Date(start).toISOString(),
          ...(start < end ? { status: "done" as const } : {}),
        });
        agenda++;
      }
    }
  }
  return { events: events.length, agenda };
}
