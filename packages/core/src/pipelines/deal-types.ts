import type { AssignmentService } from "../assignment/index.js";
import type { Environment } from "../environment.js";
import type { EventBus, EventJournal } from "../events/index.js";
import type { StorageAdapter } from "../storage/index.js";
import type { MissingField, MissingPart } from "./goals.js";
import type { PipelineService, RoutingDecision } from "./pipeline-service.js";
import type { DealAssignedEvent, StageChangedEvent, TaskEvent } from "./transition.js";
import type { Deal } from "./types.js";

/** A deal was created. */
export interface DealCreatedEvent {
  /** The deal, after routing, assignment and any goals already met. */
  readonly deal: Deal;
  /** How its pipeline was chosen. */
  readonly routing: RoutingDecision;
}

/** The events of deals and their tasks. */
export interface PipelineEvents {
  /** A deal was created (after routing and assignment). */
  "deal.created": DealCreatedEvent;
  /** A deal changed stage. */
  "deal.stageChanged": StageChangedEvent;
  /** A deal got an owner, or was left in the unassigned queue. */
  "deal.assigned": DealAssignedEvent;
  /** A task was made: by a stage, an automation, or by hand. */
  "task.created": TaskEvent;
  /** A met goal skipped an open task. */
  "task.skipped": TaskEvent;
  /** A task was done (`crm.tasks.complete`); the activity it logged is `task.activityId`. */
  "task.done": TaskEvent;
}

/** Options of deal writes. */
export interface DealWriteOptions {
  /** The user acting, recorded in the stage history. */
  readonly by?: string;
  /**
   * The revision the deal must be at, or `REVISION_CONFLICT`. When omitted, a race with another
   * write (another server advancing the same deal) is resolved by reading the deal again and
   * applying the change to the fresh record.
   */
  readonly expectedRevision?: number;
}

/** Options of a move. */
export interface MoveOptions extends DealWriteOptions {
  /** Why the deal was lost: required to enter a lost stage. */
  readonly lostReason?: string;
}

/** The outcome of a move: done, or refused with the fields the target stage needs. */
export type MoveResult =
  | {
      /** The deal moved. */
      readonly ok: true;
      /** The deal after the move (and any advances its goals caused). */
      readonly deal: Deal;
      /** Stages passed through by met goals after the move, in order. */
      readonly advancedThrough: readonly string[];
    }
  | {
      /** The move was refused; nothing was written. */
      readonly ok: false;
      /** The stage that was refused. */
      readonly stageId: string;
      /** The fields to fill first. */
      readonly missing: readonly MissingField[];
    };

/** Where a deal stands against its current stage's goal. */
export interface GoalStatus {
  /** The deal. */
  readonly dealId: string;
  /** Its current stage. */
  readonly stageId: string;
  /** Whether the stage has a goal. */
  readonly hasGoal: boolean;
  /** Whether the goal holds. */
  readonly met: boolean;
  /** The unmet parts, in words. Empty when met or without a goal. */
  readonly missing: readonly MissingPart[];
  /** When the goal holds but the next stage's entry requirements do not: what they lack. */
  readonly blockedBy: readonly MissingField[];
}

/** Which deals to list. */
export interface DealFilter {
  /** Deals of a pipeline. */
  readonly pipelineId?: string;
  /** Deals in a stage. */
  readonly stageId?: string;
  /** Deals of an owner. */
  readonly ownerId?: string;
  /** Open, won or lost deals. */
  readonly state?: Deal["state"];
  /** Only deals waiting in the unassigned queue. */
  readonly unassigned?: boolean;
  /** Oldest (`asc`) or newest (`desc`) first, in the order of the filter's index. @defaultValue "asc" */
  readonly order?: "asc" | "desc";
  /** The page size, 1 to 1,000. @defaultValue 100 */
  readonly limit?: number;
  /** The cursor of the previous page. */
  readonly cursor?: string | null;
}

/** A rotting deal and by how much. */
export interface RottenDeal {
  /** The deal. */
  readonly deal: Deal;
  /** Days since it entered its stage or was last updated, whichever is later. */
  readonly idleDays: number;
  /** The stage's threshold. */
  readonly rottingDays: number;
}

/** What the deal service is built on. */
export interface DealDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly timezone: string;
  readonly pipelines: PipelineService;
  readonly assignment: AssignmentService;
  readonly events: Pick<EventBus<PipelineEvents>, "emit">;
  /** Records stage changes in the batch that makes them. @defaultValue none @internal */
  readonly journal?: EventJournal;
}
