import type { ConditionScope, SegmentQuery } from "../query/index.js";
import type { Absence, User } from "../records/index.js";

/** Who an assignment rule gives a deal to. */
export type AssignmentTarget =
  | {
      /** One named user. */
      readonly kind: "user";
      /** The user's id. */
      readonly userId: string;
    }
  | {
      /** A pool, spread by its strategy. */
      readonly kind: "pool";
      /** The pool's id. */
      readonly poolId: string;
    }
  | {
      /** The owner of the deal's account (sticky ownership). */
      readonly kind: "accountOwner";
    }
  | {
      /** The user named by a field of the deal's view. */
      readonly kind: "field";
      /** The field, e.g. `contact.ownerId`. */
      readonly field: string;
    };

/** One assignment rule: the first rule whose condition matches decides. */
export interface AssignmentRule {
  /** The rule id, named in the audit. */
  readonly id: string;
  /** A name for people. */
  readonly name?: string;
  /** A condition over the deal, its contact and account (the query language); always when omitted. */
  readonly when?: SegmentQuery;
  /** Who gets the deal. */
  readonly target: AssignmentTarget;
}

/** The ordered assignment rules of new deals. */
export interface AssignmentRules {
  /** The rules, in order. */
  readonly rules: readonly AssignmentRule[];
  /** Where a deal goes when its rule's target has nobody eligible; the unassigned queue when omitted. */
  readonly fallbackPoolId?: string;
  /**
   * How long a deal may wait in the unassigned queue: after `afterHours`, draining the queue gives
   * it to `poolId` (default: `fallbackPoolId`) regardless of working hours and capacity — an
   * absent or inactive rep still cannot take it.
   */
  readonly queueDeadline?: QueueDeadline;
}

/** How long a deal may wait in the unassigned queue, and who takes it then. */
export interface QueueDeadline {
  /** Hours in the queue. */
  readonly afterHours: number;
  /** The pool that takes overdue deals. @defaultValue the rules' `fallbackPoolId` */
  readonly poolId?: string;
}

/** How a pool spreads deals among its members. */
export type PoolStrategy = "roundRobin" | "weightedRoundRobin" | "leastLoaded";

/** Who belongs to a pool. */
export type PoolMembers =
  | {
      /** The members of this team. */
      readonly teamId: string;
    }
  | {
      /** These users. */
      readonly userIds: readonly string[];
    }
  | {
      /** The users matching a query over users ("field reps of territory South"). */
      readonly query: SegmentQuery;
    };

/** How many new deals a rep of a pool may receive per period (in the rep's timezone). */
export interface PoolCapacity {
  /** New deals per day at most. */
  readonly perDay?: number;
  /** New deals per ISO week at most. */
  readonly perWeek?: number;
}

/** A group of reps deals are spread across. */
export interface Pool {
  /** The pool id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The pool's name. */
  readonly name: string;
  /** Its members. */
  readonly members: PoolMembers;
  /** How deals are spread. */
  readonly strategy: PoolStrategy;
  /** Relative weights by user id for `weightedRoundRobin` (missing members weigh 1). */
  readonly weights?: Readonly<Record<string, number>>;
  /** What `leastLoaded` counts: open deals owned or open tasks assigned. @defaultValue "openDeals" */
  readonly load?: "openDeals" | "openTasks";
  /** New deals per rep and period at most. */
  readonly capacity?: PoolCapacity;
  /** Whether reps outside their working hours are skipped. @defaultValue true */
  readonly respectWorkingHours?: boolean;
  /** The pool that takes over when nobody here is eligible. */
  readonly fallbackPoolId?: string;
}

/** Why a rep was passed over. */
export type SkipReason =
  | "deleted"
  | "inactive"
  | "absent"
  | "offHours"
  | "overCapacity"
  | "notNext"
  | "moreLoaded";

/** A candidate passed over, and why. */
export interface SkippedCandidate {
  /** The user id. */
  readonly userId: string;
  /** The reason. */
  readonly reason: SkipReason;
  /** Words a UI can show ("absent: holiday until 2026-05-20"). */
  readonly detail: string;
}

/** How one rule fared. */
export interface RuleTrace {
  /** The rule id. */
  readonly ruleId: string;
  /** Matched (and decided), did not match, or was skipped (it names something deleted). */
  readonly outcome: "matched" | "notMatched" | "skipped";
  /** Why it was skipped. */
  readonly reason?: string;
}

/** The stored record of one assignment decision: what matched, who was considered, who won and why. */
export interface AssignmentDecision {
  /** The record id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The deal assigned. */
  readonly dealId: string;
  /** When the decision was made. */
  readonly at: string;
  /**
   * What asked for it: a new deal, a stage's hand-off, an explicit call, or the draining of the
   * unassigned queue.
   */
  readonly trigger: "created" | "stageEntry" | "manual" | "queue";
  /** How each rule fared, in order, up to the one that decided. */
  readonly rules: readonly RuleTrace[];
  /** The rule that decided, if any. */
  readonly ruleId?: string;
  /** The pools tried, in order (the rule's, then fallbacks). */
  readonly pools: readonly string[];
  /** Every candidate considered, in order. */
  readonly candidates: readonly string[];
  /** The candidates passed over, with the reason. */
  readonly skipped: readonly SkippedCandidate[];
  /** The chosen rep; absent when the deal went to the unassigned queue. */
  readonly chosenId?: string;
  /** Assigned, or left in the unassigned queue. */
  readonly outcome: "assigned" | "unassigned";
  /** One sentence: "rule "south" matched; Anna skipped: absent; Marc chosen: fewest open deals (2)". */
  readonly why: string;
}

/** Everything a decision reads, loaded once. */
export interface AssignmentSnapshot {
  /** The rules. */
  readonly rules: AssignmentRules;
  /** The pools by id. */
  readonly pools: ReadonlyMap<string, Pool>;
  /** The users by id. */
  readonly users: ReadonlyMap<string, User>;
  /** Each user's absences. */
  readonly absences: ReadonlyMap<string, Absence[]>;
  /** What rule conditions are checked against. */
  readonly scope: ConditionScope;
}
