import { describe, expect, it } from "vitest";
import { q } from "../query/builder.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { rejection } from "../testing/rejection.js";

// The fixture's clock: Friday 2026-05-15 10:00 UTC (12:00 in Paris).
async function workspace() {
  const fixture = await memoryCrm({ timezone: "Europe/Paris" });
  const { crm } = fixture;
  for (const id of ["lea", "hugo"])
    await crm.users.create({
      id,
      name: id,
      role: "field",
      timezone: "Europe/Paris",
      workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
    });
  await crm.tags.categories.create({ id: "potential", name: "Potential", cardinality: "single" });
  for (const id of ["gold", "silver"])
    await crm.tags.create({ id, categoryId: "potential", name: id });
  await crm.segments.create({
    id: "gold-accounts",
    name: "Gold customers",
    target: "account",
    query: q.and(q.field("status").eq("customer"), q.hasAnyTag(["gold"])),
  });
  return fixture;
}

const local = (iso: string | undefined) =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Paris",
    dateStyle: "short",
    timeStyle: "short",
  }).format(new Date(iso!));

describe("recurrences for one record", () => {
  it("books every two weeks at the same wall-clock time, for a count, within the horizon", async () => {
    const { crm } = await workspace();
    const acme = await crm.accounts.create({ name: "Acme", ownerId: "lea" });
    await crm.recurrences.create({
      id: "acme-review",
      template: { type: "phone-meeting", title: "Acme account review" },
      every: { amount: 2, unit: "weeks" },
      ownerId: "lea",
      accountId: acme.id,
      start: "2026-05-18T08:00:00Z", // Monday 10:00 in Paris
      count: 10,
      horizonDays: 31,
    });
    const booked = await crm.recurrences.occurrences("acme-review");
    expect(booked.map((a) => local(a.startAt))).toEqual([
      "18/05/2026, 10:00",
      "01/06/2026, 10:00",
      "15/06/2026, 10:00",
    ]);
    expect(booked.every((a) => a.accountId === acme.id && a.occurrence !== undefined)).toBe(true);
    // Booking again books nothing new; a month later, the horizon has moved.
    expect(await crm.recurrences.materialize()).toBe(0);
    expect(await crm.recurrences.materialize({ now: Date.parse("2026-06-20T00:00:00Z") })).toBe(2);
  });

  it("keeps month-end days from drifting and stops at its last day", async () => {
    const { crm, env } = await workspace();
    env.set("2026-01-02T08:00:00Z");
    const ada = await crm.contacts.create({ firstName: "Ada", ownerId: "hugo" });
    await crm.recurrences.create({
      id: "monthly",
      template: { type: "call", title: "Monthly check-in" },
      every: { amount: 1, unit: "months" },
      ownerId: "hugo",
      contactId: ada.id,
      start: "2026-01-30T13:00:00Z", // the 30th at 14:00 in Paris
      until: "2026-04-30",
      horizonDays: 366,
    });
    expect((await crm.recurrences.occurrences("monthly")).map((a) => local(a.startAt))).toEqual([
      "30/01/2026, 14:00",
      "02/03/2026, 09:00", // 28 February is a Saturday: the first working time after it
      "30/03/2026, 14:00",
      "30/04/2026, 14:00",
    ]);
  });

  it("moves an occurrence to the owner's first free slot when its time is taken", async () => {
    const { crm } = await workspace();
    await crm.activities.create({ type: "visit", ownerId: "lea", startAt: "2026-05-18T08:00:00Z" });
    const bob = await crm.contacts.create({ firstName: "Bob", ownerId: "lea" });
    await crm.recurrences.create({
      id: "weekly",
      template: { type: "call", title: "Weekly call", durationMinutes: 30 },
      every: { amount: 1, unit: "weeks" },
      ownerId: "lea",
      contactId: bob.id,
      start: "2026-05-18T08:00:00Z",
      count: 1,
    });
    const [only] = await crm.recurrences.occurrences("weekly");
    expect(local(only!.startAt)).toBe("18/05/2026, 11:30"); // after the 10:00–11:30 visit
  });

  it("validates what it is given", async () => {
    const { crm } = await workspace();
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [
        {
          every: { amount: 1, unit: "weeks" },
          ownerId: "lea",
          template: { type: "juggle", title: "x" },
        },
        ["template", "type"],
      ],
      [
        {
          every: { amount: 1, unit: "years" },
          ownerId: "lea",
          template: { type: "call", title: "x" },
        },
        ["every", "unit"],
      ],
      [
        { every: { amount: 1, unit: "weeks" }, template: { type: "call", title: "x" } },
        ["ownerId"],
      ],
      [
        {
          every: { amount: 1, unit: "weeks" },
          segmentId: "nope",
          template: { type: "call", title: "x" },
        },
        ["segmentId"],
      ],
    ];
    for (const [input, path] of cases) {
      const error = await rejection(crm.recurrences.create({ id: "r", ...input } as never));
      expect([error.code, error.details.path]).toEqual(["VALIDATION_FAILED", path]);
    }
  });
});

describe("segment-driven recurrences", () => {
  it("visits every Gold customer every 4 months, following entries and exits", async () => {
    const { crm, env } = await workspace();
    const acme = await crm.accounts.create({
      name: "Acme",
      status: "customer",
      tags: ["gold"],
      ownerId: "lea",
    });
    const globex = await crm.accounts.create({
      name: "Globex",
      status: "customer",
      tags: ["gold"],
      ownerId: "hugo",
    });
    await crm.accounts.create({
      name: "Initech",
      status: "customer",
      tags: ["silver"],
      ownerId: "lea",
    });
    await crm.recurrences.create({
      id: "gold-visits",
      template: { type: "visit", title: "Gold customer visit" },
      every: { amount: 4, unit: "months" },
      segmentId: "gold-accounts",
    });
    const plannedFor = async (accountId: string) =>
      (await crm.recurrences.occurrences("gold-visits", accountId)).filter(
        (a) => a.status === "planned",
      );
    const [acmeFirst] = await plannedFor(acme.id);
    const [globexFirst] = await plannedFor(globex.id);
    expect([acmeFirst?.ownerId, globexFirst?.ownerId]).toEqual(["lea", "hugo"]);
    expect(local(acmeFirst!.startAt)).toBe("18/05/2026, 09:00"); // the next working day, blocked in Léa's agenda
    expect(
      (await crm.activities.agenda("lea", { day: "2026-05-18" })).map((e) => e.activity.id),
    ).toEqual([acmeFirst!.id]);

    // A member entering the segment gets its first visit.
    const umbrella = await crm.accounts.create({
      name: "Umbrella",
      status: "customer",
      tags: ["silver"],
      ownerId: "lea",
    });
    expect(await plannedFor(umbrella.id)).toEqual([]);
    // The booking follows the write that made Umbrella a member: announced by activity.created,
    // awaited with settle().
    const booked: string[] = [];
    crm.events.on("activity.created", ({ activity }) => {
      if (activity.recurrenceId === "gold-visits") booked.push(activity.accountId ?? "");
    });
    await crm.accounts.update(umbrella.id, { tags: ["gold"] });
    await crm.recurrences.settle();
    expect(await plannedFor(umbrella.id)).toHaveLength(1);
    expect(booked).toEqual([umbrella.id]);

    // A member leaving the segment has its future visits cancelled, and gets no new one.
    const cancelled: string[] = [];
    crm.events.on("activity.cancelled", ({ activity }) => {
      if (activity.recurrenceId === "gold-visits") cancelled.push(activity.accountId ?? "");
    });
    await crm.accounts.update(globex.id, { tags: ["silver"] });
    await crm.recurrences.settle();
    expect(await plannedFor(globex.id)).toEqual([]);
    expect(cancelled).toEqual([globex.id]);
    expect(
      (await crm.recurrences.occurrences("gold-visits", globex.id)).map((a) => [
        a.status,
        a.outcome,
      ]),
    ).toEqual([["cancelled", "Left the segment"]]);
    // The visit done, the next is booked four months on.
    env.set("2026-05-18T10:00:00Z");
    await crm.activities.complete(acmeFirst!.id, { outcome: "Renewal likely" });
    await crm.recurrences.settle();
    const [acmeNext] = await plannedFor(acme.id);
    expect(local(acmeNext!.startAt)).toBe("18/09/2026, 09:00");

    expect(await crm.recurrences.materialize()).toBe(0);
  });
});
