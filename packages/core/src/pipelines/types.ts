import type { AssignmentTarget } from "../assignment/index.js";
import type { SegmentQuery } from "../query/index.js";

/** What a stage is: a step of the process, or a terminal outcome. */
export type StageKind = "open" | "won" | "lost";

/** When a stage task falls due, counted from the deal's entry into the stage. */
export interface TaskDue {
  /** How many units after stage entry. */
  readonly amount: number;
  /** Days (calendar days in the assignee's timezone) or hours. */
  readonly unit: "days" | "hours";
  /** Whether Saturdays and Sundays (in the assignee's timezone) are not counted. @defaultValue false */
  readonly skipWeekends?: boolean;
}

/** Who a stage task goes to. */
export type TaskAssignee =
  | {
      /** The deal's owner (and whoever owns it later, while the task is open). */
      readonly kind: "owner";
    }
  | {
      /** A named user. */
      readonly kind: "user";
      /** The user's id. */
      readonly userId: string;
    }
  | {
      /** A team: the task is the team's until someone takes it. */
      readonly kind: "team";
      /** The team's id. */
      readonly teamId: string;
    };

/** A task a stage creates when a deal enters it. */
export interface TaskTemplate {
  /** The template's id, unique within the stage. */
  readonly id: string;
  /** The task's title. */
  readonly title: string;
  /** The action type ("call", "email", "meeting", "demo"…). */
  readonly actionType: string;
  /** When it falls due. */
  readonly due: TaskDue;
  /** Who does it. @defaultValue the deal's owner */
  readonly assignee?: TaskAssignee;
}

/** Subscribes a deal's contact to an e-mail list when the deal enters the stage. */
export interface ListHook {
  /** The list's id at the e-mail provider (a Mailchimp audience id). */
  readonly listId: string;
  /**
   * When the contact is unsubscribed again: when the deal leaves this stage, when it enters another
   * stage, or never. @defaultValue "onExit"
   */
  readonly unsubscribe?:
    | "onExit"
    | "never"
    | {
        /** The stage whose entry unsubscribes the contact. */
        readonly atStage: string;
      };
}

/** One step of a pipeline. */
export interface Stage {
  /** The stage id, unique within the pipeline. */
  readonly id: string;
  /** The stage's name. */
  readonly name: string;
  /** A step of the process (`open`) or a terminal outcome. @defaultValue "open" */
  readonly kind: StageKind;
  /** The manager's own words on what is expected in this stage. */
  readonly guidance?: string;
  /** The win probability of a deal in this stage, 0–100 (won is 100, lost 0). */
  readonly probability: number;
  /** Days without an update after which a deal in this stage is rotting; none when omitted. */
  readonly rottingDays?: number;
  /** What must be true before the stage counts as done; the deal then advances by itself. */
  readonly goal?: SegmentQuery;
  /** Fields of the deal (or `contact.…`, `account.…`) that must be filled to enter the stage. */
  readonly entryRequirements?: readonly string[];
  /** Tasks created on entry. */
  readonly tasks?: readonly TaskTemplate[];
  /** E-mail lists the contact joins on entry. */
  readonly lists?: readonly ListHook[];
  /** Hands the deal to someone else on entry ("field reps take over from qualified"). */
  readonly assignOnEntry?: AssignmentTarget;
}

/** An ordered list of stages that deals move through. */
export interface Pipeline {
  /** The pipeline id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The pipeline's name. */
  readonly name: string;
  /** Its place in the list of pipelines; the first is the default for new deals. */
  readonly position: number;
  /** The ISO 4217 currency of its deals' values. */
  readonly currency: string;
  /** The stages, in order: open stages first, then the terminal ones. */
  readonly stages: readonly Stage[];
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** Where a deal is: in progress, or closed. */
export type DealState = "open" | "won" | "lost";

/** A lead or opportunity moving through a pipeline. */
export interface Deal {
  /** The deal id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** A short title. */
  readonly title: string;
  /** The pipeline it is in. */
  readonly pipelineId: string;
  /** Its current stage. */
  readonly stageId: string;
  /** Open, won or lost (from the kind of its stage). */
  readonly state: DealState;
  /** Why it was lost. */
  readonly lostReason?: string;
  /** The contact. */
  readonly contactId?: string;
  /** The account. */
  readonly accountId?: string;
  /** The owning rep; none while the deal waits in the unassigned queue. */
  readonly ownerId?: string;
  /** `"unassigned"` while nobody was eligible to take the deal. */
  readonly queue?: "unassigned";
  /** When it entered the unassigned queue (kept while it waits). */
  readonly queuedAt?: string;
  /** The value in integer minor units of `currency` (cents for EUR). */
  readonly value?: number;
  /** The currency of `value`: the pipeline's. */
  readonly currency: string;
  /** Product ids or names. */
  readonly products: readonly string[];
  /** Where the lead came from ("web", "referral"…). */
  readonly source?: string;
  /** The sales territory. */
  readonly territory?: string;
  /** The expected close date, `YYYY-MM-DD`. */
  readonly expectedCloseDate?: string;
  /** When it entered its current stage. */
  readonly stageEnteredAt: string;
  /** When it was closed (won or lost). */
  readonly closedAt?: string;
  /** The owner while the deal is open, for the index of reps' open deals: kept by crmkit. @internal */
  readonly openOwnerId?: string;
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** What moved a deal into or out of a stage. */
export type StageCause = "created" | "manual" | "goalMet";

/** One stay of a deal in a stage: its stage history is the list of these. */
export interface StageStay {
  /** The record id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The deal. */
  readonly dealId: string;
  /** The pipeline. */
  readonly pipelineId: string;
  /** The stage. */
  readonly stageId: string;
  /** When the deal entered. */
  readonly enteredAt: string;
  /** Why it entered. */
  readonly enteredCause: StageCause;
  /** Who moved it in (manual moves), when known. */
  readonly enteredBy?: string;
  /** When it left; absent while it is still there. */
  readonly leftAt?: string;
  /** Why it left. */
  readonly leftCause?: StageCause;
  /** Who moved it out (manual moves), when known. */
  readonly leftBy?: string;
  /** Its position in the deal's history, from 0. */
  readonly sequence: number;
}

/** The life of a task. */
export type TaskStatus = "open" | "done" | "skipped" | "cancelled";

/**
 * A thing for a rep to do, by a due date — the one to-do model every producer uses: stage tasks,
 * automation tasks (the recovery's "call this prospect"), and tasks made by hand. Completing it
 * logs the activity it asked for, which stage goals and automations see.
 */
export interface Task {
  /** The task id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /**
   * Who made it: a stage (its template), an automation (a `createTask` step), or someone by hand
   * (`crm.tasks.create`). Absent on tasks stored before there were other sources: a stage's.
   */
  readonly source?: "stage" | "automation" | "manual";
  /** The title ("Call Ada Lovelace: missed appointment not rebooked"). */
  readonly title: string;
  /** The action type: what completing it logs ("call", "email", "meeting"…). */
  readonly actionType: string;
  /** Details for whoever does it. */
  readonly notes?: string;
  /** The deal it is about. */
  readonly dealId?: string;
  /** The contact it is about. */
  readonly contactId?: string;
  /** The account it is about. */
  readonly accountId?: string;
  /** The stage that created it (stage tasks). */
  readonly stageId?: string;
  /** The stage's template (stage tasks). */
  readonly templateId?: string;
  /** The automation whose run created it (automation tasks). */
  readonly automationId?: string;
  /** That run. */
  readonly runId?: string;
  /** The user doing it; absent when it went to a team or the deal has no owner. */
  readonly assigneeId?: string;
  /** The team doing it, for team tasks. */
  readonly assigneeTeamId?: string;
  /** Open, done, skipped (its stage's goal was met first) or cancelled. */
  readonly status: TaskStatus;
  /** When it falls due. */
  readonly dueAt: string;
  /** When it was closed. */
  readonly closedAt?: string;
  /** The outcome note given when it was done. */
  readonly outcome?: string;
  /** The done activity its completion logged (what stage goals and automations see). */
  readonly activityId?: string;
  /** The assignee while the task is open, for the index of reps' open tasks: kept by crmkit. @internal */
  readonly openAssigneeId?: string;
  /** The team while a team task is open, for the index of teams' open tasks: kept by crmkit. @internal */
  readonly openTeamId?: string;
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}
