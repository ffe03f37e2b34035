// Length: declarations only — programs, steps and runs with their TSDoc; no logic.
import type { EmailTemplate } from "../email/index.js";
import type { SegmentQuery } from "../query/index.js";

/** A length of time. */
export interface AutomationDuration {
  /** How many. */
  readonly amount: number;
  /** Of what. */
  readonly unit: "minutes" | "hours" | "days";
}

/** What starts a run of an automation. */
export type Trigger =
  | ActivityTrigger
  | StageTrigger
  | ThresholdTrigger
  | NurtureTrigger
  | SegmentTrigger
  | TagTrigger
  | DateTrigger;

/** An activity was done, or an appointment missed. */
export interface ActivityTrigger {
  /** `activity.done` or `activity.missed`. */
  readonly type: "activity.done" | "activity.missed";
  /** Only these action types. @defaultValue any */
  readonly activityTypes?: readonly string[];
}

/** A deal entered a stage. */
export interface StageTrigger {
  /** `deal.stageEntered`. */
  readonly type: "deal.stageEntered";
  /** The stage. */
  readonly stageId: string;
  /** Only in this pipeline. @defaultValue any */
  readonly pipelineId?: string;
}

/** A contact's score crossed its threshold. */
export interface ThresholdTrigger {
  /** `score.thresholdCrossed`. */
  readonly type: "score.thresholdCrossed";
  /** The score group. @defaultValue "global" */
  readonly group?: string;
  /** `up` (qualified) or `down`. @defaultValue "up" */
  readonly direction?: "up" | "down";
}

/** A contact entered a score group's nurture (scored, but under the threshold). */
export interface NurtureTrigger {
  /** `score.nurture`. */
  readonly type: "score.nurture";
  /** The score group. @defaultValue "global" */
  readonly group?: string;
}

/** A contact entered or left a saved segment. */
export interface SegmentTrigger {
  /** `segment.entered` or `segment.left`. */
  readonly type: "segment.entered" | "segment.left";
  /** The saved segment (of contacts). */
  readonly segmentId: string;
}

/** A tag was added to or removed from a contact. */
export interface TagTrigger {
  /** `tag.added` or `tag.removed`. */
  readonly type: "tag.added" | "tag.removed";
  /** The tag. */
  readonly tagId: string;
}

/** A time relative to a contact's date field: "30 days before renewal". */
export interface DateTrigger {
  /** `date`. */
  readonly type: "date";
  /** The date field: `custom.renewal`, or a built-in date such as `createdAt`. */
  readonly field: string;
  /** Days after the date (negative: before). */
  readonly offsetDays: number;
}

/**
 * A condition on a run's subject: a query on its contact, on its deal (with the deal's contact
 * and account, as stage goals see it), or "the contact has booked a new appointment since the run
 * started".
 */
export type AutomationCondition =
  | ContactCondition
  | DealCondition
  | RebookedCondition
  | QualifiedCondition;

/** True while the contact is over a score group's threshold (qualified, handed to sales). */
export interface QualifiedCondition {
  /** The score group. */
  readonly qualified: string;
}

/** A query on the run's contact. */
export interface ContactCondition {
  /** The query (the segment query language). */
  readonly contact: SegmentQuery;
}

/** A query on the run's deal, as stage goals see it (with its contact and account). */
export interface DealCondition {
  /** The query. */
  readonly deal: SegmentQuery;
}

/**
 * True once the contact has a new appointment booked after the run's missed one (or after the run
 * started, for a run not started by a miss): a timed activity created since, planned or held
 * (done) — moved or not — but not one itself cancelled or missed.
 */
export interface RebookedCondition {
  /** `true`. */
  readonly rebooked: true;
  /** The activity types that count as a new appointment. @defaultValue every timed activity */
  readonly activityTypes?: readonly string[];
}

/** Who a created activity is for. */
export type Assignee = "owner" | UserAssignee | PoolAssignee;

/** A given rep. */
export interface UserAssignee {
  /** The rep. */
  readonly userId: string;
}

/** The rep the assignment rules of a pool pick (its strategy, capacity, working hours). */
export interface PoolAssignee {
  /** The pool. */
  readonly poolId: string;
}

/** A step of an automation. */
export type Step =
  | CreateTaskStep
  | CreateActivityStep
  | SendEmailStep
  | WaitStep
  | WaitUntilStep
  | BranchStep
  | AssignStep
  | SetStatusStep
  | TagsStep
  | ListStep
  | NotifyStep
  | ProposeSlotsStep;

/**
 * Makes a task — in the rep's to-do list like any other (`crm.tasks.todo`) — due some time after
 * the step runs, about the run's contact and deal.
 */
export interface CreateTaskStep {
  /** `createTask`. */
  readonly kind: "createTask";
  /** The title; `{{ placeholders }}` as in e-mails. */
  readonly title: string;
  /** The action type completing it logs. @defaultValue "task" */
  readonly actionType?: string;
  /** Details for whoever does it; `{{ placeholders }}` as in e-mails. */
  readonly notes?: string;
  /** Who does it. @defaultValue "owner" (the subject's owner) */
  readonly assignee?: Assignee;
  /** When it is due, after the step runs. @defaultValue 1 day */
  readonly dueIn?: AutomationDuration;
}

/**
 * The earlier name of {@link CreateTaskStep}, kept for stored definitions: it makes a task whose
 * action type is `type`.
 * @deprecated use `createTask`
 */
export interface CreateActivityStep {
  /** `createActivity`. */
  readonly kind: "createActivity";
  /** The action type. */
  readonly type: string;
  /** The title; `{{ placeholders }}` as in e-mails. */
  readonly title: string;
  /** Who does it. @defaultValue "owner" (the subject's owner) */
  readonly assignee?: Assignee;
  /** When it is due, after the step runs. @defaultValue 1 day */
  readonly dueIn?: AutomationDuration;
}

/** Sends an e-mail to the contact through the workspace's `EmailSender`. */
export interface SendEmailStep {
  /** `sendEmail`. */
  readonly kind: "sendEmail";
  /** The template; variables: `contact`, `owner`, `deal`, `activity`, `slots`, `slotLines`, `vars`. */
  readonly template: EmailTemplate;
  /** Refuse to send (fail the step) when a placeholder has no value. @defaultValue true */
  readonly strict?: boolean;
}

/** Waits a duration. */
export interface WaitStep {
  /** `wait`. */
  readonly kind: "wait";
  /** How long. */
  readonly duration: AutomationDuration;
}

/** Waits until a condition holds, checked at each `runDue`, or a timeout. */
export interface WaitUntilStep {
  /** `waitUntil`. */
  readonly kind: "waitUntil";
  /** The condition. */
  readonly condition: AutomationCondition;
  /** The longest wait. */
  readonly timeout: AutomationDuration;
  /** What a timeout does: go on, or end the run. @defaultValue "continue" */
  readonly onTimeout?: "continue" | "stop";
}

/** Runs one list of steps or the other. */
export interface BranchStep {
  /** `branch`. */
  readonly kind: "branch";
  /** The condition. */
  readonly if: AutomationCondition;
  /** The steps when it holds. */
  readonly steps: readonly Step[];
  /** The steps when it does not. @defaultValue none */
  readonly otherwise?: readonly Step[];
}

/** Gives the contact (and its deal, if the run has one) an owner. */
export interface AssignStep {
  /** `assign`. */
  readonly kind: "assign";
  /** The new owner. */
  readonly to: Exclude<Assignee, "owner">;
}

/** Sets the contact's status. */
export interface SetStatusStep {
  /** `setStatus`. */
  readonly kind: "setStatus";
  /** The status. */
  readonly status: string;
}

/** Adds or removes tags of the contact. */
export interface TagsStep {
  /** `addTags` or `removeTags`. */
  readonly kind: "addTags" | "removeTags";
  /** The tags. */
  readonly tags: readonly string[];
}

/** Subscribes or unsubscribes the contact to an e-mail list, through the outbox. */
export interface ListStep {
  /** `subscribe` or `unsubscribe`. */
  readonly kind: "subscribe" | "unsubscribe";
  /** The list's id at the provider. */
  readonly listId: string;
}

/** Tells the owner something: a notification record and an `automation.notified` event. */
export interface NotifyStep {
  /** `notify`. */
  readonly kind: "notify";
  /** The message; `{{ placeholders }}` as in e-mails ("Well done moving {{ deal.title }}!"). */
  readonly message: string;
  /** Who. @defaultValue "owner" */
  readonly to?: Assignee;
}

/**
 * Finds free slots of the owner to propose (`slots` in later templates): on the next working days,
 * inside working hours, not overlapping each other or the agenda, at least `noticeHours` ahead.
 */
export interface ProposeSlotsStep {
  /** `proposeSlots`. */
  readonly kind: "proposeSlots";
  /** How many. @defaultValue 3 */
  readonly count?: number;
  /** Their length. @defaultValue the triggering activity's, or 30 minutes */
  readonly durationMinutes?: number;
  /** The least notice. @defaultValue 24 */
  readonly noticeHours?: number;
  /** How far ahead to look, in days. @defaultValue 10 */
  readonly withinDays?: number;
  /** At most one slot a day. @defaultValue true */
  readonly onePerDay?: boolean;
}

/** An automation: a trigger, optional conditions, steps, and a condition that ends its runs. */
export interface Automation {
  /** The id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The name. */
  readonly name: string;
  /** Whether new runs start. */
  readonly enabled: boolean;
  /** What starts a run. */
  readonly trigger: Trigger;
  /** Runs start only when this holds at the trigger. */
  readonly conditions?: AutomationCondition;
  /** The steps, in order. */
  readonly steps: readonly Step[];
  /** A run ends (`stopped`) as soon as this holds, checked before each step. */
  readonly stopWhen?: AutomationCondition;
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** A new automation, or its new definition. */
export interface AutomationInput {
  /** The id. */
  readonly id: string;
  /** The name. */
  readonly name: string;
  /** Whether new runs start. @defaultValue true */
  readonly enabled?: boolean;
  /** What starts a run. */
  readonly trigger: Trigger;
  /** Runs start only when this holds at the trigger. */
  readonly conditions?: AutomationCondition;
  /** The steps. */
  readonly steps: readonly Step[];
  /** A run ends as soon as this holds. */
  readonly stopWhen?: AutomationCondition;
}

/** Where a run is. */
export type RunStatus = "active" | "waiting" | "done" | "stopped" | "failed";

/** One thing a run did. */
export interface RunEntry {
  /** The step's place in the run's program. */
  readonly pc: number;
  /** The step's kind. */
  readonly kind: string;
  /** When. */
  readonly at: string;
  /** What came of it. */
  readonly outcome: "done" | "waiting" | "retry" | "failed" | "stopped" | "resumed" | "skipped";
  /** Details: the e-mail's id, the activity created, the error. */
  readonly detail?: string;
}

/** A run of an automation for one subject, kept in storage so it survives restarts. */
export interface AutomationRun {
  /** The id (derived from the automation and the trigger, so a trigger starts one run). */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The automation. */
  readonly automationId: string;
  /** Where it is. */
  readonly status: RunStatus;
  /** The contact it is about. */
  readonly contactId?: string;
  /** The deal it is about. */
  readonly dealId?: string;
  /** The activity that triggered it. */
  readonly activityId?: string;
  /** The next step, in the run's program. */
  readonly pc: number;
  /** When the next step is due (while active or waiting). */
  readonly dueAt?: string;
  /** Failed attempts of the current step. */
  readonly attempts: number;
  /** Values steps left for later ones (`slots`). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** What ran, oldest first (the last 100 entries). */
  readonly history: readonly RunEntry[];
  /** Why it failed, or why it stopped. */
  readonly reason?: string;
  /** When it started. */
  readonly startedAt: string;
  /** When it ended. */
  readonly endedAt?: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** What one `runDue` did. */
export interface RunDueReport {
  /** Runs that were due and taken. */
  readonly runs: number;
  /** Steps executed. */
  readonly steps: number;
  /** Runs now done or stopped. */
  readonly ended: number;
  /** Steps to be retried later. */
  readonly retried: number;
  /** Runs now failed (dead letters). */
  readonly failed: number;
  /** Runs whose execution was interrupted by an unexpected error (taken again after their lease). */
  readonly interrupted: number;
}

/** A notification to a rep. */
export interface AutomationNotifiedEvent {
  /** The rep. */
  readonly userId: string;
  /** The message. */
  readonly message: string;
  /** The run. */
  readonly runId: string;
  /** When. */
  readonly at: string;
}

/** The events of automations. */
export interface AutomationEvents {
  /** A `notify` step told a rep something. */
  "automation.notified": AutomationNotifiedEvent;
}
