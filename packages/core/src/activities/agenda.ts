import type { StorageAdapter } from "../storage/index.js";
import { addToWallClock, fromWallClock, startOfWallPeriod } from "../time/index.js";
import type { Interval } from "./free-busy.js";
import { activityTables } from "./tables.js";
import type { Activity, AgendaRange } from "./types.js";

const day = 86_400_000;

const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

/** The agenda index keys of an activity. @internal */
export function agendaKeys(activity: {
  readonly status: string;
  readonly ownerId?: string | undefined;
  readonly participantIds?: readonly string[] | undefined;
  readonly startAt?: string | undefined;
  readonly endAt?: string | undefined;
  readonly dueAt?: string | undefined;
}): string[] {
  if (activity.status === "cancelled") return [];
  const users = [
    ...(activity.ownerId === undefined ? [] : [activity.ownerId]),
    ...(activity.participantIds ?? []),
  ];
  if (activity.startAt !== undefined && activity.endAt !== undefined) {
    const start = Date.parse(activity.startAt);
    const end = Date.parse(activity.endAt);
    const days: string[] = [];
    for (let at = Math.floor(start / day) * day; at < end; at += day) days.push(utcDay(at));
    return users.flatMap((user) => days.map((d) => `${user}|${d}`));
  }
  if (activity.dueAt !== undefined && activity.ownerId !== undefined)
    return [`${activity.ownerId}|${utcDay(Date.parse(activity.dueAt))}`];
  return [];
}

/** The timed span of an activity, or `undefined` for an untimed one. @internal */
export function spanOf(activity: Pick<Activity, "startAt" | "endAt">): Interval | undefined {
  if (activity.startAt === undefined || activity.endAt === undefined) return undefined;
  return { start: Date.parse(activity.startAt), end: Date.parse(activity.endAt) };
}

/** Whether an activity takes its reps' time: timed, and planned or done. @internal */
export function takesTime(activity: Pick<Activity, "status" | "startAt" | "endAt">): boolean {
  return (
    (activity.status === "planned" || activity.status === "done") && spanOf(activity) !== undefined
  );
}

/**
 * The activities in a rep's agenda that touch `[from, to)`: timed ones overlapping it, untimed ones
 * due in it. Each once. @internal
 */
export async function activitiesOf(
  storage: StorageAdapter,
  userId: string,
  from: number,
  to: number,
): Promise<Activity[]> {
  const found = await activityTables.activities.all(storage, {
    index: "agenda",
    where: { gte: `${userId}|${utcDay(from)}`, lte: `${userId}|${utcDay(to - 1)}` },
  });
  const byId = new Map<string, Activity>();
  for (const activity of found) {
    const span = spanOf(activity);
    const touches =
      span === undefined
        ? activity.dueAt !== undefined &&
          Date.parse(activity.dueAt) >= from &&
          Date.parse(activity.dueAt) < to
        : span.start < to && span.end > from;
    if (touches) byId.set(activity.id, activity);
  }
  return [...byId.values()];
}

/** The instants of an agenda range in one rep's timezone. @internal */
export function rangeIn(range: AgendaRange, timezone: string): Interval {
  if ("from" in range) {
    const start = typeof range.from === "number" ? range.from : Date.parse(range.from);
    const end = typeof range.to === "number" ? range.to : Date.parse(range.to);
    return { start, end };
  }
  const [year, month, day] = ("day" in range ? range.day : range.week).split("-").map(Number) as [
    number,
    number,
    number,
  ];
  const date = { year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 };
  const first = "week" in range ? startOfWallPeriod(date, "week") : date;
  const start = fromWallClock(first, timezone);
  const end = fromWallClock(addToWallClock(first, "week" in range ? 7 : 1, "day"), timezone);
  return { start, end };
}
