import { isoWeekday } from "../assignment/index.js";
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { revised, type Unrevised } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { addToWallClock, fromWallClock, toWallClock } from "../time/index.js";
import { pipelineTables } from "./tables.js";
import type { Task, TaskDue, TaskStatus } from "./types.js";

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

/** What the task service is built on. */
export interface TaskDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
}

/** Which tasks to list. */
export interface TaskFilter {
  /** The tasks of one deal. */
  readonly dealId?: string;
  /** The tasks of one assignee. */
  readonly assigneeId?: string;
  /** Only tasks with this status. */
  readonly status?: TaskStatus;
}

/** Stage tasks: listing, completing and cancelling. Stages create and skip them. */
export class TaskService {
  readonly #deps: TaskDeps;

  /** @internal */
  constructor(deps: TaskDeps) {
    this.#deps = deps;
  }

  /** Reads a task, or `null`. */
  async get(id: string): Promise<Task | null> {
    return pipelineTables.tasks.get(this.#deps.storage, id);
  }

  /** Lists tasks by deal, assignee and/or status, earliest due first. */
  async list(filter: TaskFilter): Promise<Task[]> {
    const selection =
      filter.dealId !== undefined
        ? { index: "dealId", where: { eq: filter.dealId } }
        : filter.assigneeId !== undefined
          ? { index: "assigneeId", where: { eq: filter.assigneeId } }
          : filter.status !== undefined
            ? { index: "status", where: { eq: filter.status } }
            : {};
    const out: Task[] = [];
    for await (const batch of pipelineTables.tasks.scan(this.#deps.storage, selection)) {
      for (const task of batch) {
        if (filter.dealId !== undefined && task.dealId !== filter.dealId) continue;
        if (filter.assigneeId !== undefined && task.assigneeId !== filter.assigneeId) continue;
        if (filter.status !== undefined && task.status !== filter.status) continue;
        out.push(task);
      }
    }
    return out.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
  }

  /**
   * Marks an open task done.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when the task is not open
   */
  complete(id: string): Promise<Task> {
    return this.#close(id, "done");
  }

  /**
   * Cancels an open task.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when the task is not open
   */
  cancel(id: string): Promise<Task> {
    return this.#close(id, "cancelled");
  }

  async #close(id: string, status: "done" | "cancelled"): Promise<Task> {
    const task = await this.get(id);
    if (task === null)
      throw new CrmkitError("NOT_FOUND", `There is no task "${id}".`, { details: { id } });
    if (task.status !== "open") {
      throw new CrmkitError(
        "INVALID_TRANSITION",
        `Task "${id}" is ${task.status}; only open tasks can be marked ${status}.`,
        { details: { id } },
      );
    }
    const record = closeTask(task, status, toIsoInstant(this.#deps.environment.now()));
    const [outcome] = await this.#deps.storage.write([
      pipelineTables.tasks.put(record, task.revision),
    ]);
    return revised<Task>(record, outcome);
  }
}

/** A task closed with a status: no longer counted in its assignee's open load. @internal */
export function closeTask(
  task: Unrevised<Task>,
  status: TaskStatus,
  at: string,
): Omit<Task, "revision"> {
  const { revision: _revision, openAssigneeId: _open, ...rest } = task;
  return { ...rest, status, closedAt: at, updatedAt: at };
}
