import { describe, expect, it } from "vitest";
import { memoryCrm } from "../testing/crm-fixture.js";
import { rejection } from "../testing/rejection.js";
import type { ActivityEvents } from "./types.js";

// The fixture's clock: Friday 2026-05-15 10:00 UTC (12:00 in Paris).
async function workspace() {
  const fixture = await memoryCrm({ timezone: "Europe/Paris" });
  const { crm } = fixture;
  await crm.teams.create({ id: "inside", name: "Inside sales" });
  for (const [id, timezone] of [
    ["anna", "Europe/Paris"],
    ["ben", "Europe/Paris"],
    ["chloe", "America/New_York"],
  ] as const)
    await crm.users.create({
      id,
      name: id,
      role: "inside",
      teamId: "inside",
      timezone,
      workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
    });
  const events: [string, ActivityEvents[keyof ActivityEvents]][] = [];
  for (const type of [
    "activity.created",
    "activity.done",
    "activity.missed",
    "activity.cancelled",
    "activity.updated",
  ] as const)
    crm.events.on(type, (event) => events.push([type, event]));
  return { ...fixture, events };
}

describe("action types", () => {
  it("start with the eight defaults, and take the workspace's own", async () => {
    const { crm } = await workspace();
    expect((await crm.actionTypes.list()).map((t) => t.id).sort()).toEqual(
      ["call", "demo", "email", "meeting", "phone-meeting", "task", "video", "visit"].sort(),
    );
    await crm.actionTypes.create({
      id: "site-survey",
      name: "Site survey",
      colour: "#112233",
      defaultDurationMinutes: 120,
      category: "visit",
    });
    const demo = await crm.actionTypes.update("demo", { defaultDurationMinutes: 45 });
    expect(demo).toMatchObject({ defaultDurationMinutes: 45, builtIn: true });
    const bad = await rejection(
      crm.actionTypes.create({
        id: "x",
        name: "X",
        colour: "red",
        defaultDurationMinutes: 10,
        category: "call",
      }),
    );
    expect(bad.details.path).toEqual(["colour"]);
    const twice = await rejection(
      crm.actionTypes.create({
        id: "site-survey",
        name: "Again",
        colour: "#000000",
        defaultDurationMinutes: 10,
        category: "visit",
      }),
    );
    expect(twice.code).toBe("UNIQUE_VIOLATION");
  });
});

describe("booking", () => {
  it("sizes a meeting by its type, refuses overlaps for the owner and participants, and frees cancelled slots", async () => {
    const { crm, events } = await workspace();
    const demo = await crm.activities.create({
      type: "demo",
      ownerId: "anna",
      participantIds: ["ben"],
      startAt: "2026-05-18T08:00:00Z",
    });
    expect(demo).toMatchObject({ status: "planned", endAt: "2026-05-18T09:00:00.000Z" });
    expect(events.map(([type]) => type)).toEqual(["activity.created"]);

    const clash = await rejection(
      crm.activities.create({ type: "call", ownerId: "ben", startAt: "2026-05-18T08:45:00Z" }),
    );
    expect(clash.code).toBe("SLOT_TAKEN");
    expect(clash.details.conflicts).toEqual([
      {
        userId: "ben",
        activityId: demo.id,
        start: "2026-05-18T08:00:00.000Z",
        end: "2026-05-18T09:00:00.000Z",
      },
    ]);
    // Back to back is not an overlap; forcing one is allowed.
    await crm.activities.create({ type: "call", ownerId: "ben", startAt: "2026-05-18T09:00:00Z" });
    await crm.activities.create({
      type: "call",
      ownerId: "anna",
      startAt: "2026-05-18T08:30:00Z",
      allowOverlap: true,
    });
    await crm.activities.cancel(demo.id, { outcome: "Prospect postponed" });
    await crm.activities.create({ type: "call", ownerId: "ben", startAt: "2026-05-18T08:15:00Z" });
    expect(events.map(([type]) => type)).toContain("activity.cancelled");
  });

  it("validates what it books, naming the field", async () => {
    const { crm } = await workspace();
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ type: "juggling", ownerId: "anna" }, ["type"]],
      [{ type: "call", ownerId: "nobody" }, ["ownerId"]],
      [{ type: "call", ownerId: "anna", participantIds: ["ben", "ghost"] }, ["participantIds", 1]],
      [{ type: "call", ownerId: "anna", participantIds: ["anna"] }, ["participantIds", 0]],
      [
        {
          type: "call",
          ownerId: "anna",
          startAt: "2026-05-18T09:00:00Z",
          endAt: "2026-05-18T08:00:00Z",
        },
        ["endAt"],
      ],
      [{ type: "call", ownerId: "anna", endAt: "2026-05-18T08:00:00Z" }, ["startAt"]],
      [{ type: "call", startAt: "tomorrow" }, ["startAt"]],
    ];
    for (const [input, path] of cases) {
      const error = await rejection(crm.activities.create(input as never));
      expect([error.code, error.details.path]).toEqual(["VALIDATION_FAILED", path]);
    }
    expect(await crm.activities.agenda("anna", { day: "2026-05-18" })).toEqual([]);
  });

  it("moves a planned activity keeping its length, checks the new slot, and records done, missed and cancelled", async () => {
    const { crm, events } = await workspace();
    const call = await crm.activities.create({
      type: "call",
      ownerId: "anna",
      startAt: "2026-05-18T08:00:00Z",
      endAt: "2026-05-18T08:20:00Z",
    });
    const meeting = await crm.activities.create({
      type: "meeting",
      ownerId: "anna",
      startAt: "2026-05-18T10:00:00Z",
    });
    const moved = await crm.activities.update(call.id, { startAt: "2026-05-18T12:00:00Z" });
    expect([moved.startAt, moved.endAt]).toEqual([
      "2026-05-18T12:00:00.000Z",
      "2026-05-18T12:20:00.000Z",
    ]);
    expect(
      (await rejection(crm.activities.update(call.id, { startAt: "2026-05-18T10:30:00Z" }))).code,
    ).toBe("SLOT_TAKEN");
    const missed = await crm.activities.markMissed(meeting.id, { outcome: "No show" });
    expect(missed).toMatchObject({ status: "missed", outcome: "No show" });
    const done = await crm.activities.complete(call.id, { outcome: "Interested" });
    expect(done.status).toBe("done");
    expect((await rejection(crm.activities.complete(meeting.id))).code).toBe("INVALID_TRANSITION");
    expect((await rejection(crm.activities.cancel("nope"))).code).toBe("NOT_FOUND");
    expect(events.map(([type]) => type)).toEqual([
      "activity.created",
      "activity.created",
      "activity.updated",
      "activity.missed",
      "activity.done",
    ]);
  });
});

describe("agendas", () => {
  it("show one or several reps' day or week in their timezone, with colours, participants and tasks due", async () => {
    const { crm } = await workspace();
    const visit = await crm.activities.create({
      type: "visit",
      title: "Acme HQ",
      ownerId: "anna",
      participantIds: ["ben"],
      startAt: "2026-05-18T22:30:00Z", // Tuesday 00:30 in Paris
    });
    const morning = await crm.activities.create({
      type: "call",
      ownerId: "anna",
      startAt: "2026-05-18T07:00:00Z",
    });
    const task = await crm.activities.create({
      type: "task",
      ownerId: "anna",
      title: "Send the quote",
      dueAt: "2026-05-18T15:00:00Z",
    });
    const cancelled = await crm.activities.create({
      type: "call",
      ownerId: "anna",
      startAt: "2026-05-18T09:00:00Z",
    });
    await crm.activities.cancel(cancelled.id);

    const monday = await crm.activities.agenda("anna", { day: "2026-05-18" });
    expect(monday.map((e) => [e.activity.id, e.typeName, e.colour])).toEqual([
      [morning.id, "Phone call", "#2563eb"],
      [task.id, "Task", "#6b7280"],
    ]);
    const tuesday = await crm.activities.agenda(["anna", "ben"], { day: "2026-05-19" });
    expect(tuesday.map((e) => [e.userId, e.role, e.activity.id])).toEqual([
      ["anna", "owner", visit.id],
      ["ben", "participant", visit.id],
    ]);
    const week = await crm.activities.agenda("anna", { week: "2026-05-20" });
    expect(week.map((e) => e.activity.id)).toEqual([morning.id, task.id, visit.id]);
    // In New York the visit falls on Monday evening.
    await crm.activities.update(visit.id, { participantIds: ["chloe"] });
    const chloe = await crm.activities.agenda("chloe", { day: "2026-05-18" });
    expect(chloe.map((e) => e.activity.id)).toEqual([visit.id]);
    expect(await crm.activities.agenda("ben", { day: "2026-05-19" })).toEqual([]);
  });
});

describe("free slots", () => {
  it("lists a rep's free slots inside working hours, around busy time and its buffer, earliest first", async () => {
    const { crm } = await workspace();
    await crm.activities.create({
      type: "meeting",
      ownerId: "anna",
      startAt: "2026-05-18T08:00:00Z", // 10:00–11:00 in Paris
    });
    const slots = await crm.activities.freeSlots({
      userIds: ["anna"],
      durationMinutes: 30,
      bufferMinutes: 15,
      stepMinutes: 30,
      from: "2026-05-18T00:00:00Z",
      to: "2026-05-18T11:00:00Z",
    });
    expect(slots.map((slot) => slot.start.slice(11, 16))).toEqual([
      "07:00", // 09:00 Paris
      "09:30", // 11:30: the meeting ends 11:00, plus 15 minutes of buffer
      "10:00",
      "10:30",
    ]);
    // Only intervals: nothing of what fills the agenda.
    expect(Object.keys(slots[0]!).sort()).toEqual(["end", "start", "userId"]);
  });

  it("searches a pool's members, skipping days away and inactive members", async () => {
    const { crm, storage } = await workspace();
    await crm.assignment.pools.create({
      id: "inside",
      name: "Inside",
      members: { teamId: "inside" },
      strategy: "roundRobin",
    });
    await storage.write([
      {
        type: "put",
        collection: "absences",
        record: { id: "a1", userId: "anna", from: "2026-05-18", to: "2026-05-18" },
      },
    ]);
    await crm.users.update("ben", { active: false });
    const slots = await crm.activities.freeSlots({
      poolId: "inside",
      durationMinutes: 60,
      stepMinutes: 60,
      from: "2026-05-18T00:00:00Z",
      to: "2026-05-19T00:00:00Z",
      limit: 3,
    });
    expect(slots).toEqual([
      { userId: "chloe", start: "2026-05-18T13:00:00.000Z", end: "2026-05-18T14:00:00.000Z" },
      { userId: "chloe", start: "2026-05-18T14:00:00.000Z", end: "2026-05-18T15:00:00.000Z" },
      { userId: "chloe", start: "2026-05-18T15:00:00.000Z", end: "2026-05-18T16:00:00.000Z" },
    ]);
    const bad = await rejection(
      crm.activities.freeSlots({
        userIds: ["anna"],
        durationMinutes: 30,
        from: "2026-05-18T00:00:00Z",
        to: "2026-09-18T00:00:00Z",
      }),
    );
    expect(bad.details.path).toEqual(["to"]);
  });
});
