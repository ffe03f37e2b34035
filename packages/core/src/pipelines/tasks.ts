import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, validationError } from "../errors.js";
import type { EventBus } from "../events/index.js";
import { collections, missingReferences, revised, tables } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { parseInput } from "../validation.js";
import type { PipelineEvents } from "./deal-types.js";
import { pipelineTables } from "./tables.js";
import {
  closeTask,
  type TaskInput,
  type TodoList,
  taskInputSchema,
  todoList,
  withTaskKeys,
} from "./task-model.js";
import type { Task, TaskStatus } from "./types.js";

/** Logs the activity a completed task asked for (the workspace's activity service). */
export type LogActivity = (input: {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly status: "done";
  readonly ownerId?: string;
  readonly dealId?: string;
  readonly contactId?: string;
  readonly accountId?: string;
  readonly outcome?: string;
}) => Promise<{ readonly id: string }>;

/** What the task service is built on. */
export interface TaskDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
  /** The workspace timezone (a rep without one reads their day in it). */
  readonly timezone?: string;
  /** Logs the activity a completed task asked for; without it, completion logs nothing. */
  readonly logActivity?: LogActivity;
  /** Announces tasks made by hand or by automations. */
  readonly events?: Pick<EventBus<Pick<PipelineEvents, "task.created" | "task.done">>, "emit">;
}

/** Which tasks to list. */
export interface TaskFilter {
  /** The tasks of one deal. */
  readonly dealId?: string;
  /** The tasks about one contact. */
  readonly contactId?: string;
  /** The tasks of one assignee. */
  readonly assigneeId?: string;
  /** Only tasks with this status. */
  readonly status?: TaskStatus;
}

/** Options of {@link TaskService.complete}. */
export interface CompleteTaskOptions {
  /** The outcome note, kept on the task and on the activity it logs. */
  readonly outcome?: string;
}

/**
 * Tasks — the one to-do model: stage tasks (made and skipped by stages), automation tasks, and
 * tasks made by hand; each rep's list by day ({@link TaskService.todo}); completion that logs the
 * activity the task asked for, so that stage goals and automations see it.
 */
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

  /**
   * Makes a task by hand: a title, a due date, a rep or a team, and the deal, contact or account
   * it is about.
   * @throws CrmkitError `VALIDATION_FAILED` (bad field; unknown deal, contact, account, rep, team or
   * action type), `REVISION_CONFLICT` when a task has this id
   */
  async create(input: TaskInput): Promise<Task> {
    return this.#create(input, { source: "manual" });
  }

  /** Makes an automation's task (its run's idempotency key as id). @internal */
  async createFor(
    input: TaskInput,
    origin: { readonly automationId: string; readonly runId: string },
  ): Promise<Task> {
    return this.#create(input, { source: "automation", ...origin });
  }

  async #create(
    input: TaskInput,
    origin: Pick<Task, "source" | "automationId" | "runId">,
  ): Promise<Task> {
    const parsed = parseInput(taskInputSchema, input, "task");
    await this.#checkRefs(parsed);
    const now = toIsoInstant(this.#deps.environment.now());
    const record = withTaskKeys({
      ...parsed,
      id: parsed.id ?? this.#deps.environment.newId(),
      ...origin,
      actionType: parsed.actionType ?? "task",
      status: "open" as const,
      dueAt: toIsoInstant(Date.parse(parsed.dueAt)),
      createdAt: now,
      updatedAt: now,
    });
    const [outcome] = await this.#deps.storage.write([pipelineTables.tasks.put(record, 0)]);
    const task = revised<Task>(record, outcome);
    this.#deps.events?.emit("task.created", { task });
    return task;
  }

  async #checkRefs(input: ReturnType<typeof taskInputSchema.parse>): Promise<void> {
    const issues = await missingReferences(this.#deps.storage, [
      [["dealId"], input.dealId, collections.deals, "dealId"],
      [["contactId"], input.contactId, collections.contacts, "contactId"],
      [["accountId"], input.accountId, collections.accounts, "accountId"],
      [["assigneeId"], input.assigneeId, collections.users, "assigneeId"],
      [["assigneeTeamId"], input.assigneeTeamId, collections.teams, "assigneeTeamId"],
      [["actionType"], input.actionType, collections.actionTypes, "actionType"],
    ]);
    if (issues.length > 0) throw validationError("task", issues);
  }

  /** Lists tasks by deal, contact, assignee and/or status, earliest due first. */
  async list(filter: TaskFilter): Promise<Task[]> {
    const selection =
      filter.dealId !== undefined
        ? { index: "dealId", where: { eq: filter.dealId } }
        : filter.contactId !== undefined
          ? { index: "contactId", where: { eq: filter.contactId } }
          : filter.assigneeId !== undefined
            ? { index: "assigneeId", where: { eq: filter.assigneeId } }
            : filter.status !== undefined
              ? { index: "status", where: { eq: filter.status } }
              : {};
    const out: Task[] = [];
    for await (const batch of pipelineTables.tasks.scan(this.#deps.storage, selection)) {
      for (const task of batch) {
        if (filter.dealId !== undefined && task.dealId !== filter.dealId) continue;
        if (filter.contactId !== undefined && task.contactId !== filter.contactId) continue;
        if (filter.assigneeId !== undefined && task.assigneeId !== filter.assigneeId) continue;
        if (filter.status !== undefined && task.status !== filter.status) continue;
        out.push(task);
      }
    }
    return out.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
  }

  /**
   * A rep's to-do list for a day of their timezone (today by default): open tasks overdue first,
   * then those due that day, and what was done that day — stage, automation and hand-made tasks
   * alike, with the rep's team's tasks nobody has taken.
   * @throws CrmkitError `NOT_FOUND` for an unknown rep
   */
  async todo(userId: string, options: { readonly at?: number } = {}): Promise<TodoList> {
    if (options.at !== undefined && !Number.isFinite(options.at))
      throw new CrmkitError("VALIDATION_FAILED", "The instant must be a finite epoch in ms.", {
        details: { path: ["at"] },
      });
    const storage = this.#deps.storage;
    const user = await tables.users.get(storage, userId);
    if (user === null)
      throw new CrmkitError("NOT_FOUND", `There is no user "${userId}".`, { details: { userId } });
    const open = await pipelineTables.tasks.all(storage, {
      index: "openAssigneeId",
      where: { eq: userId },
    });
    if (user.teamId !== undefined)
      open.push(
        ...(await pipelineTables.tasks.all(storage, {
          index: "openTeamId",
          where: { eq: user.teamId },
        })),
      );
    const mine = await pipelineTables.tasks.all(storage, {
      index: "assigneeId",
      where: { eq: userId },
    });
    return todoList(
      userId,
      user.timezone ?? this.#deps.timezone ?? "UTC",
      options.at ?? this.#deps.environment.now(),
      open,
      mine.filter((task) => task.status === "done"),
    );
  }

  /**
   * Marks an open task done: it logs the activity the task asked for — a done activity of its
   * action type, by its assignee, about its deal, contact and account — which stage goals and
   * automations see like any other. When logging fails after the task was closed, completing it
   * again logs the activity (once) instead of refusing.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when the task is not open
   */
  async complete(id: string, options: CompleteTaskOptions = {}): Promise<Task> {
    const current = await this.get(id);
    // Done by an earlier call whose activity was not logged: log it now (once).
    if (current?.status === "done" && current.activityId !== undefined)
      if ((await this.#deps.storage.get(collections.activities, current.activityId)) === null) {
        await this.#log(current, current.outcome);
        return current;
      }
    const task = await this.#open(id, "done");
    // The task is closed first: the activity's goal check may move the deal on, which closes the
    // stage's open tasks — this one is no longer among them.
    const closed = closeTask(task, "done", toIsoInstant(this.#deps.environment.now()));
    const record = {
      ...closed,
      ...(this.#deps.logActivity === undefined ? {} : { activityId: `task-${task.id}` }),
      ...(options.outcome === undefined ? {} : { outcome: options.outcome }),
    };
    const [outcome] = await this.#deps.storage.write([
      pipelineTables.tasks.put(record, task.revision),
    ]);
    const done = revised<Task>(record, outcome);
    await this.#log(done, options.outcome);
    this.#deps.events?.emit("task.done", { task: done });
    return done;
  }

  /** Logs the done activity of a task, under an id derived from the task's: at most once. */
  async #log(task: Task, outcome: string | undefined): Promise<void> {
    if (this.#deps.logActivity === undefined || task.activityId === undefined) return;
    try {
      await this.#deps.logActivity({
        id: task.activityId,
        type: task.actionType,
        title: task.title,
        status: "done",
        ...(task.assigneeId === undefined ? {} : { ownerId: task.assigneeId }),
        ...(task.dealId === undefined ? {} : { dealId: task.dealId }),
        ...(task.contactId === undefined ? {} : { contactId: task.contactId }),
        ...(task.accountId === undefined ? {} : { accountId: task.accountId }),
        ...(outcome === undefined ? {} : { outcome }),
      });
    } catch (error) {
      // Logged by a call that raced this one: logged already.
      if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
    }
  }

  /**
   * Cancels an open task.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when the task is not open
   */
  async cancel(id: string): Promise<Task> {
    const task = await this.#open(id, "cancelled");
    const record = closeTask(task, "cancelled", toIsoInstant(this.#deps.environment.now()));
    const [outcome] = await this.#deps.storage.write([
      pipelineTables.tasks.put(record, task.revision),
    ]);
    return revised<Task>(record, outcome);
  }

  async #open(id: string, status: "done" | "cancelled"): Promise<Task> {
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
    return task;
  }
}
