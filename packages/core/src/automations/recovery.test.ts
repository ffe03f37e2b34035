// The missed-appointment recovery over two weeks of a sales floor: eight reps in two timezones,
// a hundred and sixty missed demos, prospects who rebook and hold, rebook late, rebook and miss
// again, rebook and cancel, or never answer — across the European and the American clock changes.
import { describe, expect, it } from "vitest";
import { createMemoryEmailSender } from "../email/memory-sender.js";
import { CrmkitError } from "../errors.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { missedAppointmentRecovery, proposedSlots, recoveryReport } from "./recovery.js";

const hour = 3_600_000;

/** A small deterministic generator (mulberry32), so the week is the same on every run. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, between: (low: number, high: number) => low + Math.floor(next() * (high - low)) };
}

type Plan = "holds" | "holdsLate" | "missesAgain" | "cancels" | "silent";

interface Prospect {
  readonly contactId: string;
  readonly email: string;
  readonly ownerId: string;
  readonly plan: Plan;
  /** What actually happened (a prospect finding every proposed slot taken stays silent). */
  outcome: Plan;
  missedAt: number;
  rebookingId?: string;
  rebookedAt?: number;
}

const reps = [
  ...["anna", "ben", "chloe", "david", "emma", "felix"].map((id) => ({ id, tz: "Europe/Paris" })),
  ...["gwen", "hugo"].map((id) => ({ id, tz: "America/New_York" })),
];

function localParts(instant: string, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(Date.parse(instant));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return { weekday: part("weekday"), minutes: Number(part("hour")) * 60 + Number(part("minute")) };
}

describe("missed-appointment recovery over two weeks of a sales floor", () => {
  it("stops on every rebooking at once, resumes on cancellations, and reports exactly", async () => {
    // Monday 19 October 2026: Europe changes clocks on the 25th, America on 1 November.
    const { crm, env } = await memoryCrm({ timezone: "Europe/Paris" });
    env.set("2026-10-19T05:00:00Z");
    const email = createMemoryEmailSender();
    await crm.automations.create(missedAppointmentRecovery());
    await crm.teams.create({ id: "sales", name: "Sales" });
    for (const rep of reps)
      await crm.users.create({
        id: rep.id,
        name: rep.id,
        email: `${rep.id}@crmkit.dev`,
        role: "inside",
        teamId: "sales",
        timezone: rep.tz,
        workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
      });
    const random = generator(2026);
    const plans: readonly [Plan, number][] = [
      ["holds", 0.3],
      ["holdsLate", 0.1],
      ["missesAgain", 0.1],
      ["cancels", 0.1],
      ["silent", 0.4],
    ];
    const pickPlan = (): Plan => {
      let roll = random.next();
      for (const [plan, share] of plans) {
        roll -= share;
        if (roll < 0) return plan;
      }
      return "silent";
    };

    // The schedule: each prospect's demo on a weekday of the two weeks, missed at its start.
    type Event = { at: number; run: () => Promise<void> };
    const events: Event[] = [];
    const prospects: Prospect[] = [];
    for (let i = 0; i < 160; i++) {
      const rep = reps[i % reps.length]!;
      const contact = await crm.contacts.create({
        firstName: `Prospect${i}`,
        lastName: "Test",
        email: `p${i}@example.com`,
        ownerId: rep.id,
      });
      const weekday = random.between(0, 10); // Mon 19 … Fri 30 October
      const dayStart =
        Date.parse("2026-10-19T00:00:00Z") + (weekday + (weekday >= 5 ? 2 : 0)) * 24 * hour;
      const utcHour = rep.tz === "Europe/Paris" ? random.between(8, 14) : random.between(14, 19);
      const start = dayStart + utcHour * hour;
      const demo = await crm.activities.create({
        type: "demo",
        ownerId: rep.id,
        contactId: contact.id,
        startAt: new Date(start).toISOString(),
        allowOverlap: true,
      });
      const prospect: Prospect = {
        contactId: contact.id,
        email: `p${i}@example.com`,
        ownerId: rep.id,
        plan: pickPlan(),
        outcome: "silent",
        missedAt: start + hour,
      };
      prospect.outcome = prospect.plan;
      prospects.push(prospect);
      events.push({
        at: prospect.missedAt,
        run: async () => void (await crm.activities.markMissed(demo.id)),
      });
      if (prospect.plan === "silent") continue;
      // Rebooking: before the reminder (72 h), or — holding late — between reminder and call.
      const rebookAfter =
        prospect.plan === "holdsLate" ? random.between(76, 140) : random.between(6, 60);
      events.push({
        at: prospect.missedAt + rebookAfter * hour,
        run: () => rebook(prospect),
      });
    }

    /** The prospect picks one of the slots last e-mailed; a slot taken meanwhile, the next. */
    const rebook = async (prospect: Prospect) => {
      const [run] = await crm.automations.runs({ contactId: prospect.contactId });
      for (const slot of proposedSlots(run!)) {
        try {
          const booked = await crm.activities.create({
            type: "demo",
            ownerId: prospect.ownerId,
            contactId: prospect.contactId,
            startAt: slot.start,
            endAt: slot.end,
          });
          prospect.rebookingId = booked.id;
          prospect.rebookedAt = env.now();
          // Stopped on the booking, not at the run's next wake-up.
          await crm.automations.settle();
          expect(await crm.automations.run(run!.id)).toMatchObject({
            status: "stopped",
            reason: "stopWhen",
          });
          if (prospect.plan === "cancels")
            events.push({
              at: env.now() + random.between(2, 8) * hour,
              run: async () => void (await crm.activities.cancel(booked.id)),
            });
          else
            events.push({
              at: Date.parse(slot.start) + 30 * 60_000,
              run: async () =>
                void (prospect.plan === "missesAgain"
                  ? await crm.activities.markMissed(booked.id)
                  : await crm.activities.complete(booked.id)),
            });
          return;
        } catch (error) {
          if (!CrmkitError.is(error, "SLOT_TAKEN")) throw error;
        }
      }
      prospect.outcome = "silent"; // every slot offered was gone
    };

    // The clock, hour by hour, until every recovery has ended; runDue every hour, as a cron would.
    const end = Date.parse("2026-11-27T00:00:00Z");
    for (let now = Date.parse("2026-10-19T06:00:00Z"); now <= end; now += hour) {
      env.set(now);
      for (;;) {
        events.sort((a, b) => a.at - b.at);
        if (events[0] === undefined || events[0].at > now) break;
        await events.shift()!.run();
      }
      await crm.automations.runDue({ email });
    }

    const by = (outcome: Plan) => prospects.filter((p) => p.outcome === outcome);
    expect(by("holds").length).toBeGreaterThan(30);
    for (const outcome of ["holdsLate", "missesAgain", "cancels"] as const)
      expect(by(outcome).length).toBeGreaterThan(8);

    const sentTo = (p: Prospect) => email.sent.filter((m) => m.to === p.email);
    const calls = async (p: Prospect) =>
      (await crm.tasks.list({ contactId: p.contactId })).filter((t) => t.actionType === "call");
    for (const p of prospects) {
      const runs = await crm.automations.runs({ contactId: p.contactId });
      const sent = sentTo(p).map((m) => m.subject.split(",")[0]);
      switch (p.outcome) {
        case "holds":
          // Rebooked before the reminder and held: no reminder, no call list.
          expect(sent).toEqual(["Shall we find another time"]);
          expect(await calls(p)).toEqual([]);
          expect(runs.map((r) => r.status)).toEqual(["stopped"]);
          break;
        case "holdsLate":
          expect(sent).toEqual(["Shall we find another time", "New times for our appointment"]);
          expect(await calls(p)).toEqual([]);
          break;
        case "missesAgain":
          // The second miss starts its own recovery; the first stays rebooked.
          expect(runs.map((r) => [r.status, r.reason])).toEqual([
            ["stopped", "stopWhen"],
            ["done", undefined],
          ]);
          expect(sent.filter((s) => s === "New times for our appointment")).toHaveLength(1);
          expect(await calls(p)).toHaveLength(1);
          break;
        case "cancels":
        case "silent":
          // Never rebooked for good: reminded, then handed to the rep.
          expect(sent).toEqual(["Shall we find another time", "New times for our appointment"]);
          expect(await calls(p)).toHaveLength(1);
          expect(runs.map((r) => r.status)).toEqual(["done"]);
          if (p.outcome === "cancels")
            expect(runs[0]!.history.map((e) => e.outcome)).toContain("resumed");
          break;
      }
      // Every slot offered was on a weekday inside the rep's working hours, clock change or not.
      const tz = reps.find((r) => r.id === p.ownerId)!.tz;
      for (const run of runs)
        for (const slot of proposedSlots(run)) {
          const local = localParts(slot.start, tz);
          expect(local.weekday).toMatch(/^(Mon|Tue|Wed|Thu|Fri)$/);
          expect(local.minutes).toBeGreaterThanOrEqual(9 * 60);
          expect(local.minutes + 60).toBeLessThanOrEqual(17 * 60);
        }
    }

    const rebooked = by("holds").length + by("holdsLate").length + by("missesAgain").length;
    const handedOver = by("silent").length + by("cancels").length + by("missesAgain").length;
    expect(await recoveryReport(crm.automations)).toEqual({
      missed: prospects.length + by("missesAgain").length,
      rebooked,
      handedOver,
      running: 0,
      stopped: 0,
      failed: 0,
      rebookedShare: rebooked / (prospects.length + by("missesAgain").length),
      handedOverShare: handedOver / (prospects.length + by("missesAgain").length),
    });
  }, 120_000);

  it("reports null shares when nothing was missed", async () => {
    const { crm } = await memoryCrm();
    await crm.automations.create(missedAppointmentRecovery());
    expect(await recoveryReport(crm.automations)).toEqual({
      missed: 0,
      rebooked: 0,
      handedOver: 0,
      running: 0,
      stopped: 0,
      failed: 0,
      rebookedShare: null,
      handedOverShare: null,
    });
  });
});
