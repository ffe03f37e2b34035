// Free-slot search: 50 reps over a month of agendas, against reading those agendas alone.
import { type Crm, createCrm, createTestEnvironment, crmStorageSchema } from "@crmkit/core";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { type BenchResult, compareDurations, durationResult } from "./harness.js";

const reps = 50;
const from = "2026-06-01T00:00:00Z";
const to = "2026-07-01T00:00:00Z";

/** 50 reps (Paris and New York, 09:00–18:00 on weekdays), each with about 4 bookings a workday. */
async function workspace(): Promise<{ crm: Crm; userIds: string[]; activities: number }> {
  const crm = await createCrm({
    storage: await openMemoryStorage({ schema: crmStorageSchema }),
    environment: createTestEnvironment({ now: "2026-05-25T10:00:00Z", seed: 11 }),
  });
  const random = () => crm.environment.random();
  const userIds: string[] = [];
  let activities = 0;
  for (let i = 0; i < reps; i++) {
    const id = `rep-${String(i).padStart(2, "0")}`;
    const timezone = i % 2 === 0 ? "Europe/Paris" : "America/New_York";
    await crm.users.create({
      id,
      name: `Rep ${i}`,
      role: "inside",
      timezone,
      workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" },
    });
    userIds.push(id);
    const offset = timezone === "Europe/Paris" ? 7 : 13; // 09:00 local in UTC, roughly
    for (let day = 1; day <= 30; day++) {
      const date = new Date(Date.UTC(2026, 5, day));
      if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
      // Four bookings at distinct half hours of the working day.
      const halfHours = new Set<number>();
      while (halfHours.size < 4) halfHours.add(Math.floor(random() * 16));
      for (const half of halfHours) {
        const start = date.getTime() + offset * 3_600_000 + half * 1_800_000;
        await crm.activities.create({
          type: "call",
          ownerId: id,
          startAt: new Date(start).toISOString(),
          endAt: new Date(start + 1_800_000).toISOString(),
          allowOverlap: true,
        });
        activities++;
      }
    }
  }
  return { crm, userIds, activities };
}

export async function activityBenchmarks(): Promise<BenchResult[]> {
  const { crm, userIds, activities } = await workspace();
  let slots = 0;
  const measured = await compareDurations(
    15,
    async () => {
      slots = (
        await crm.activities.freeSlots({
          userIds,
          durationMinutes: 60,
          bufferMinutes: 10,
          stepMinutes: 30,
          from,
          to,
          limit: 10_000,
        })
      ).length;
    },
    async () => {
      await crm.activities.agenda(userIds, { from, to });
    },
  );
  return durationResult(
    "activities.free-slots-50-reps-month",
    "activities.read-agendas-50-reps-month",
    measured,
    `${reps} reps, ${activities} bookings in June 2026, one-hour slots with a 10-minute buffer on a 30-minute step (${slots} found, all of them); baseline: reading the same 50 agendas for the month`,
  );
}
