// Length: one unit of work — a deal's entry, exit, tasks, hand-off and goal cascade inside a
// single write — whose steps share its draft and pending events.
import type {
  AssignmentDecision,
  AssignmentService,
  AssignmentSnapshot,
  AssignmentSource,
} from "../assignment/index.js";
import { membershipRequest, outboxEntry, outboxTable } from "../email-lists/index.js";
import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { compileCondition, type ViewActivity } from "../query/index.js";
import { type Account, asStored, type Contact, type Unrevised } from "../records/index.js";
import type { StoredRecord, WriteOperation } from "../storage/index.js";
import { fieldLabel, type MissingField } from "./goals.js";
import { pipelineTables } from "./tables.js";
import { closeTask, taskDueAt, withTaskKeys } from "./task-model.js";
import type { Deal, Pipeline, Stage, StageCause, StageStay, Task } from "./types.js";

/** A record being changed in memory: writable fields, and its revision while it is the stored one. */
type Draft<T> = { -readonly [K in keyof Omit<T, "revision">]: T[K] } & { revision?: number };

/** A deal being changed. */
export type DealDraft = Draft<Deal>;

/** A task being created or changed; `followsOwner` (not stored) says it moves with the deal's owner. */
type TaskDraft = Draft<Task> & { followsOwner?: boolean };

/** The events a transition emits once it is written, by type. */
export interface TransitionEvents {
  "deal.stageChanged": StageChangedEvent;
  "deal.assigned": DealAssignedEvent;
  "task.created": TaskEvent;
  "task.skipped": TaskEvent;
}

/** One event of a type with its payload (the union keeps each type with its own payload). */
export type PendingOf<K extends keyof TransitionEvents> = {
  [P in K]: { readonly type: P; readonly event: TransitionEvents[P] };
}[K];

/** Events to emit once the transition is written. */
export type PendingEvent = PendingOf<keyof TransitionEvents>;

/** A deal moved from one stage to another. */
export interface StageChangedEvent {
  /** The deal. */
  readonly dealId: string;
  /** Its pipeline. */
  readonly pipelineId: string;
  /** The stage it left; absent for a new deal. */
  readonly from?: string;
  /** The stage it entered. */
  readonly to: string;
  /** Why: created, a manual move, or the goal of `from` was met. */
  readonly cause: StageCause;
  /** Who moved it (manual moves). */
  readonly by?: string;
  /** When. */
  readonly at: string;
}

/** A deal was given an owner (or left in the unassigned queue). */
export interface DealAssignedEvent {
  /** The deal. */
  readonly dealId: string;
  /** The new owner; absent when nobody was eligible. */
  readonly ownerId?: string;
  /** The owner before. */
  readonly previousOwnerId?: string;
  /** The decision's record, with its explanation. */
  readonly decision: Omit<AssignmentDecision, "revision">;
}

/** A task was created or skipped. */
export interface TaskEvent {
  /** The task. */
  readonly task: Omit<Task, "revision">;
}

/** What a transition needs. */
export interface TransitionContext {
  readonly environment: Environment;
  readonly assignment: AssignmentService;
  readonly snapshot: AssignmentSnapshot;
  readonly timezone: string;
  readonly pipeline: Pipeline;
  /** The deal's contact and account records. */
  readonly contact: Contact | null;
  readonly account: Account | null;
  /** The deal's activities (type, status, doneAt). */
  readonly activities: readonly ViewActivity[];
}

/**
 * The changes of one deal operation, gathered in memory and written in one batch: the deal, its
 * stage stays, tasks, outbox entries and assignment records. Nothing is written until `operations`
 * is handed to the store, so a failed operation writes nothing.
 *
 * @internal
 */
export class Transition {
  readonly deal: DealDraft;
  readonly events: PendingEvent[] = [];
  readonly #ctx: TransitionContext;
  readonly #now: number;
  readonly #at: string;
  #stay: Draft<StageStay> | undefined;
  readonly #stays: Draft<StageStay>[] = [];
  readonly #tasks = new Map<string, TaskDraft>();
  readonly #openTasks: Task[];
  readonly #extra: WriteOperation[] = [];
  #sequence: number;
  #outboxCount = 0;

  constructor(
    ctx: TransitionContext,
    deal: DealDraft,
    current: { stay: StageStay | undefined; openTasks: readonly Task[]; sequence: number },
  ) {
    this.#ctx = ctx;
    this.deal = deal;
    this.#now = ctx.snapshot.scope.at;
    this.#at = toIsoInstant(this.#now);
    this.#stay = current.stay === undefined ? undefined : { ...current.stay };
    this.#openTasks = [...current.openTasks];
    this.#sequence = current.sequence;
  }

  get at(): string {
    return this.#at;
  }

  /** The deal as conditions see it: its fields with `contact`, `account` and `activities`. */
  view(): StoredRecord {
    return asStored({
      ...this.deal,
      contact: this.#ctx.contact,
      account: this.#ctx.account,
      activities: this.#ctx.activities,
    });
  }

  stage(): Stage {
    const stage = this.#ctx.pipeline.stages.find((s) => s.id === this.deal.stageId);
    if (stage === undefined) throw new Error(`stage ${String(this.deal.stageId)} vanished`);
    return stage;
  }

  /** The entry requirements of a stage this deal does not meet. */
  missingFor(stage: Stage): MissingField[] {
    const view = this.view();
    const missing: MissingField[] = [];
    for (const field of stage.entryRequirements ?? []) {
      const probe = compileCondition({ op: "exists", field }, "deal", this.#ctx.snapshot.scope);
      if (probe.ok && !probe.condition.test(view))
        missing.push({ field, label: fieldLabel(field, this.#ctx.snapshot.scope.taxonomy) });
    }
    return missing;
  }

  /** Whether the current stage's goal holds. */
  goalMet(): boolean {
    const goal = this.stage().goal;
    if (goal === undefined || this.deal.state !== "open") return false;
    const compiled = compileCondition(goal, "deal", this.#ctx.snapshot.scope);
    return compiled.ok && compiled.condition.test(this.view());
  }

  /** The stage after the current one that a met goal leads to (never a lost stage). */
  nextStage(): Stage | undefined {
    const stages = this.#ctx.pipeline.stages;
    const index = stages.findIndex((stage) => stage.id === this.deal.stageId);
    return stages.slice(index + 1).find((stage) => stage.kind !== "lost");
  }

  /** Leaves the current stage. */
  leave(cause: StageCause, by: string | undefined): void {
    const stage = this.stage();
    if (this.#stay !== undefined) {
      this.#stay = {
        ...this.#stay,
        leftAt: this.#at,
        leftCause: cause,
        ...(by === undefined ? {} : { leftBy: by }),
      };
      this.#stays.push(this.#stay);
      this.#stay = undefined;
    }
    if (cause === "goalMet") {
      for (const task of this.#openTasks.filter((t) => t.stageId === stage.id))
        this.#closeTask(task, "skipped");
    }
    for (const hook of stage.lists ?? []) {
      if ((hook.unsubscribe ?? "onExit") === "onExit") this.#listCall(hook.listId, "unsubscribed");
    }
  }

  /**
   * Enters a stage: records the stay, applies its hand-off, creates its tasks, subscribes the contact
   * to its lists and unsubscribes from the lists of earlier stages that end here.
   */
  async enter(
    stage: Stage,
    cause: StageCause,
    by: string | undefined,
    from: string | undefined,
    options: { skipHandOff?: boolean } = {},
  ): Promise<void> {
    const deal = this.deal;
    deal.stageId = stage.id;
    deal.stageEnteredAt = this.#at;
    deal.updatedAt = this.#at;
    if (stage.kind === "open") {
      deal.state = "open";
      delete deal.closedAt;
      delete deal.lostReason;
    } else {
      deal.state = stage.kind;
      deal.closedAt = this.#at;
      // A deal won after being lost is won: the old reason stays in its history, not on it.
      if (stage.kind === "won") delete deal.lostReason;
      // A closed deal's remaining stage tasks no longer need doing; tasks made by hand or by an
      // automation (a thank-you call after the win) stay.
      for (const task of [...this.#openTasks])
        if (task.stageId !== undefined) this.#closeTask(task, "cancelled");
    }
    this.#syncOwnerIndex();
    this.#stay = {
      id: this.#ctx.environment.newId(),
      dealId: deal.id,
      pipelineId: deal.pipelineId,
      stageId: stage.id,
      enteredAt: this.#at,
      enteredCause: cause,
      ...(by === undefined ? {} : { enteredBy: by }),
      sequence: this.#sequence++,
    };
    this.events.push({
      type: "deal.stageChanged",
      event: {
        dealId: deal.id,
        pipelineId: deal.pipelineId,
        ...(from === undefined ? {} : { from }),
        to: stage.id,
        cause,
        ...(by === undefined ? {} : { by }),
        at: this.#at,
      },
    });
    if (stage.assignOnEntry !== undefined && !options.skipHandOff && stage.kind === "open")
      await this.assign(
        { target: stage.assignOnEntry, label: `stage "${stage.name}" hands off` },
        "stageEntry",
      );
    if (stage.kind === "open")
      for (const template of stage.tasks ?? []) this.#createTask(stage, template);
    for (const hook of stage.lists ?? []) this.#listCall(hook.listId, "subscribed");
    for (const earlier of this.#ctx.pipeline.stages) {
      for (const hook of earlier.lists ?? []) {
        const until = hook.unsubscribe;
        if (typeof until === "object" && until.atStage === stage.id)
          this.#listCall(hook.listId, "unsubscribed");
      }
    }
  }

  /** Assigns the deal by the rules or a target, recording the decision. */
  async assign(source: AssignmentSource, trigger: AssignmentDecision["trigger"]): Promise<void> {
    const plan = await this.#ctx.assignment.plan(this.view(), source, trigger, this.#ctx.snapshot);
    this.#extra.push(...plan.writes);
    const previous = this.deal.ownerId;
    if (plan.decision.chosenId !== undefined) {
      this.deal.ownerId = plan.decision.chosenId;
      delete this.deal.queue;
      delete this.deal.queuedAt;
    } else {
      delete this.deal.ownerId;
      if (this.deal.queue !== "unassigned") this.deal.queuedAt = this.#at;
      this.deal.queue = "unassigned";
    }
    this.deal.updatedAt = this.#at;
    this.#syncOwnerIndex();
    this.events.push({
      type: "deal.assigned",
      event: {
        dealId: this.deal.id,
        ...(plan.decision.chosenId === undefined ? {} : { ownerId: plan.decision.chosenId }),
        ...(previous === undefined ? {} : { previousOwnerId: previous }),
        decision: plan.decision,
      },
    });
    // Open tasks that follow the owner move with the deal: those created for the owner, and stored
    // ones (which no longer carry the flag) still assigned to the previous owner alone.
    for (const task of this.#openTasks) {
      const current: TaskDraft = this.#tasks.get(task.id) ?? task;
      const follows =
        current.followsOwner === undefined
          ? current.assigneeId === previous && current.assigneeTeamId === undefined
          : current.followsOwner === true;
      if (!follows) continue;
      const moved = this.#taskRecord(task);
      if (plan.decision.chosenId === undefined) delete moved.assigneeId;
      else moved.assigneeId = plan.decision.chosenId;
      this.#syncTaskIndex(moved);
    }
  }

  /** Advances while the current goal holds and the next stage's requirements are met. */
  async cascade(): Promise<string[]> {
    const passed: string[] = [];
    for (let guard = 0; guard < this.#ctx.pipeline.stages.length; guard++) {
      if (!this.goalMet()) break;
      const next = this.nextStage();
      if (next === undefined || this.missingFor(next).length > 0) break;
      const from = this.deal.stageId;
      this.leave("goalMet", undefined);
      await this.enter(next, "goalMet", undefined, from);
      passed.push(next.id);
    }
    return passed;
  }

  /** The deal as it is written: its fields without the storage revision. */
  record(): Unrevised<Deal> {
    const { revision: _revision, ...record } = this.deal;
    return record;
  }

  /** Every write of the transition, the deal's first. */
  operations(expectedRevision: number): WriteOperation[] {
    const ops: WriteOperation[] = [pipelineTables.deals.put(this.record(), expectedRevision)];
    for (const stay of [...this.#stays, ...(this.#stay === undefined ? [] : [this.#stay])]) {
      const { revision, ...record } = stay;
      ops.push(pipelineTables.stays.put(record, revision ?? 0));
    }
    for (const [, task] of this.#tasks) {
      const { revision, followsOwner: _follows, ...record } = task;
      ops.push(pipelineTables.tasks.put(record, revision ?? 0));
    }
    ops.push(...this.#extra);
    return ops;
  }

  #syncOwnerIndex(): void {
    if (this.deal.state === "open" && this.deal.ownerId !== undefined)
      this.deal.openOwnerId = this.deal.ownerId;
    else delete this.deal.openOwnerId;
  }

  #syncTaskIndex(task: TaskDraft): void {
    const keys = withTaskKeys(task);
    if (keys.openAssigneeId === undefined) delete task.openAssigneeId;
    else task.openAssigneeId = keys.openAssigneeId;
    if (keys.openTeamId === undefined) delete task.openTeamId;
    else task.openTeamId = keys.openTeamId;
  }

  /** The pending version of an existing task, created on first change. */
  #taskRecord(task: Task): TaskDraft {
    let record = this.#tasks.get(task.id);
    if (record === undefined) {
      record = { ...task };
      this.#tasks.set(task.id, record);
    }
    return record;
  }

  #closeTask(task: Task, status: "skipped" | "cancelled"): void {
    const pending = this.#tasks.get(task.id);
    const current = pending ?? task;
    const closed: TaskDraft = closeTask(current, status, this.#at);
    if (current.revision !== undefined) closed.revision = current.revision;
    this.#tasks.set(task.id, closed);
    this.#openTasks.splice(this.#openTasks.indexOf(task), 1);
    if (status === "skipped") {
      const { revision: _r, followsOwner: _f, ...event } = closed;
      this.events.push({ type: "task.skipped", event: { task: event } });
    }
  }

  #createTask(stage: Stage, template: NonNullable<Stage["tasks"]>[number]): void {
    const assignee = template.assignee ?? { kind: "owner" as const };
    const users = this.#ctx.snapshot.users;
    const assigneeId =
      assignee.kind === "user"
        ? assignee.userId
        : assignee.kind === "owner"
          ? this.deal.ownerId
          : undefined;
    const timezone =
      (assigneeId === undefined ? undefined : users.get(assigneeId)?.timezone) ??
      this.#ctx.timezone;
    const task: TaskDraft = {
      id: this.#ctx.environment.newId(),
      source: "stage",
      dealId: this.deal.id,
      ...(this.deal.contactId === undefined ? {} : { contactId: this.deal.contactId }),
      ...(this.deal.accountId === undefined ? {} : { accountId: this.deal.accountId }),
      stageId: stage.id,
      templateId: template.id,
      title: template.title,
      actionType: template.actionType,
      ...(assigneeId === undefined ? {} : { assigneeId }),
      ...(assignee.kind === "team" ? { assigneeTeamId: assignee.teamId } : {}),
      status: "open",
      dueAt: toIsoInstant(taskDueAt(this.#now, template.due, timezone)),
      createdAt: this.#at,
      updatedAt: this.#at,
      followsOwner: assignee.kind === "owner",
    };
    this.#syncTaskIndex(task);
    this.#tasks.set(task.id, task);
    this.#openTasks.push({ ...task, revision: 0 });
    const { followsOwner: _f, revision: _r, ...event } = task;
    this.events.push({ type: "task.created", event: { task: event } });
  }

  #listCall(listId: string, status: "subscribed" | "unsubscribed"): void {
    const contact = this.#ctx.contact;
    const request = contact === null ? null : membershipRequest(contact, listId, status);
    if (contact === null || request === null) return;
    const order = `${this.#at}#${String(this.deal.revision ?? 0).padStart(10, "0")}#${String(this.#outboxCount++).padStart(4, "0")}`;
    const entry = outboxEntry(
      this.#ctx.environment,
      request,
      { dealId: this.deal.id, contactId: contact.id },
      this.#at,
      order,
    );
    this.#extra.push(outboxTable.put(entry, 0));
  }
}
