// The task model: a new task as the host gives it, the index keys crmkit keeps on every task, when
// a stage task falls due, how a task closes, and a rep's to-do list for a day.
import { isoWeekday } from "../assignment/index.js";
import { toIsoInstant } from "../environment.js";
import type { Unrevised } from "../records/index.js";
import {
  addToWallClock,
  calendarDate,
  fromWallClock,
  startOfPeriod,
  toWallClock,
} from "../time/index.js";
import * as z from "../zod.js";
import type { Task, TaskDue, TaskStatus } from "./types.js";

const id = z.string().check(z.minLength(1), z.maxLength(128));
const instant = z.iso.datetime({ offset: true });

/** @internal */
export const taskInputSchema = z
  .strictObject({
    id: z.optional(id),
    title: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
    actionType: z.optional(id),
    notes: z.optional(z.string().check(z.maxLength(10_000))),
    dealId: z.optional(id),
    contactId: z.optional(id),
    accountId: z.optional(id),
    assigneeId: z.optional(id),
    assigneeTeamId: z.optional(id),
    dueAt: instant,
  })
  .check(
    z.refine((task) => task.assigneeId !== undefined || task.assigneeTeamId !== undefined, {
      message: "a task needs an assignee (assigneeId) or a team (assigneeTeamId)",
      path: ["assigneeId"],
    }),
  );

/** A new task, made by hand (or by an automation's `createTask` step). */
export interface TaskInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The title. */
  readonly title: string;
  /** The action type: what completing it logs. @defaultValue "task" */
  readonly actionType?: string;
  /** Details for whoever does it. */
  readonly notes?: string;
  /** The deal it is about. */
  readonly dealId?: string;
  /** The contact it is about. */
  readonly contactId?: string;
  /** The account it is about. */
  readonly accountId?: string;
  /** The rep doing it (or give a team). */
  readonly assigneeId?: string;
  /** The team doing it. */
  readonly assigneeTeamId?: string;
  /** When it falls due (ISO instant). */
  readonly dueAt: string;
}

/** The index keys of a task: its assignee (or team) while it is open. @internal */
export function withTaskKeys<T extends Omit<Task, "revision" | "openAssigneeId" | "openTeamId">>(
  task: T,
): T & Pick<Task, "openAssigneeId" | "openTeamId"> {
  const { openAssigneeId: _a, openTeamId: _t, ...rest } = task as T & Partial<Task>;
  const open = task.status === "open";
  return {
    ...(rest as T),
    ...(open && task.assigneeId !== undefined ? { openAssigneeId: task.assigneeId } : {}),
    ...(open && task.assigneeId === undefined && task.assigneeTeamId !== undefined
      ? { openTeamId: task.assigneeTeamId }
      : {}),
  };
}

/** A rep's things to do on one day of their timezone. */
export interface TodoList {
  /** The rep. */
  readonly userId: string;
  /** The day, `YYYY-MM-DD` in the rep's timezone. */
  readonly day: string;
  /** The rep's timezone. */
  readonly timezone: string;
  /** Open tasks due before that day, oldest first. */
  readonly overdue: readonly Task[];
  /** Open tasks due that day, in time order. */
  readonly due: readonly Task[];
  /** Tasks done that day, in the order they were done. */
  readonly done: readonly Task[];
}

/**
 * Splits a rep's tasks into a day's list: overdue first (due before the day), then due that day,
 * and what was done that day. @internal
 */
export function todoList(
  userId: string,
  timezone: string,
  at: number,
  open: readonly Task[],
  closed: readonly Task[],
): TodoList {
  const start = startOfPeriod(at, "day", timezone);
  const day = calendarDate(start, timezone);
  const from = toIsoInstant(start);
  // The next day's start, found from a time safely inside it (days are 23 to 25 hours long).
  const to = toIsoInstant(startOfPeriod(start + 26 * 3_600_000, "day", timezone));
  const byDue = (a: Task, b: Task) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id);
  return {
    userId,
    day,
    timezone,
    overdue: open.filter((task) => task.dueAt < from).sort(byDue),
    due: open.filter((task) => task.dueAt >= from && task.dueAt < to).sort(byDue),
    done: closed
      .filter((task) => task.status === "done" && task.closedAt! >= from && task.closedAt! < to)
      .sort((a, b) => a.closedAt!.localeCompare(b.closedAt!) || a.id.localeCompare(b.id)),
  };
}

const hour = 3_600_000;

function isWeekend(at: number, timezone: string): boolean {
  const wall = toWallClock(at, timezone);
  return isoWeekday(wall.year, wall.month, wall.day) > 5;
}

/**
 * When a stage task falls due: `amount` calendar days (same wall-clock time, in `timezone`) or
 * hours after stage entry. With `skipWeekends`, Saturdays and Sundays are not counted and the task
 * never falls due on one (it moves to Monday, same time).
 *
 * @internal
 */
export function taskDueAt(entry: number, due: TaskDue, timezone: string): number {
  if (due.unit === "hours") {
    if (!due.skipWeekends) return entry + due.amount * hour;
    let at = entry;
    // Counts an hour only when it starts on a weekday; a few thousand steps at most.
    for (let left = due.amount; left > 0; ) {
      if (!isWeekend(at, timezone)) left--;
      at += hour;
    }
    while (isWeekend(at, timezone)) at += hour;
    return at;
  }
  let wall = toWallClock(entry, timezone);
  if (!due.skipWeekends) return fromWallClock(addToWallClock(wall, due.amount, "day"), timezone);
  const weekend = () => isoWeekday(wall.year, wall.month, wall.day) > 5;
  for (let left = due.amount; left > 0; ) {
    wall = addToWallClock(wall, 1, "day");
    if (!weekend()) left--;
  }
  while (weekend()) wall = addToWallClock(wall, 1, "day");
  return fromWallClock(wall, timezone);
}

/** A task closed with a status: no longer counted in its assignee's open load. @internal */
export function closeTask(
  task: Unrevised<Task>,
  status: TaskStatus,
  at: string,
): Omit<Task, "revision"> {
  const { revision: _revision, ...rest } = task;
  return withTaskKeys({ ...rest, status, closedAt: at, updatedAt: at });
}
