import type { ValidationIssue } from "../errors.js";
import type { QueryPlan, SegmentQuery } from "../query/index.js";
import type { PartyKind } from "../records/index.js";

/** A saved segment: a named, stored query. */
export interface SavedSegment {
  /** The segment id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The display name. */
  readonly name: string;
  /** A longer description. */
  readonly description?: string;
  /** The kind of records it selects. */
  readonly target: PartyKind;
  /** Its query. */
  readonly query: SegmentQuery;
  /**
   * The instant up to which clock-driven membership changes have been reported (see
   * {@link SegmentService.reevaluate}).
   */
  readonly evaluatedAt: string;
  /** When the segment was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** A `segment.entered` or `segment.left` event. */
export interface SegmentMembershipEvent {
  /** The saved segment. */
  readonly segmentId: string;
  /** The kind of record. */
  readonly target: PartyKind;
  /** The record that entered or left. */
  readonly recordId: string;
  /** When the change happened (the write's instant, or the re-evaluation instant). */
  readonly at: string;
  /** `write` when a write caused it, `clock` when time did (see {@link SegmentService.reevaluate}). */
  readonly cause: "write" | "clock";
}

/** The events of segment membership. */
export interface SegmentEvents {
  /** A record became a member of a saved segment. */
  "segment.entered": SegmentMembershipEvent;
  /** A record stopped being a member of a saved segment. */
  "segment.left": SegmentMembershipEvent;
}

/** One membership change. */
export interface SegmentDelta extends SegmentMembershipEvent {
  /** Whether the record entered or left. */
  readonly change: "entered" | "left";
}

/** An unsaved query to evaluate. */
export interface AdHocSegment {
  /** The query. */
  readonly query: SegmentQuery;
  /** The kind of records it selects. @defaultValue "contact" */
  readonly target?: PartyKind;
}

/** What to evaluate: a saved segment's id, or a query on contacts (default) or accounts. */
export type SegmentSource = string | AdHocSegment;

/** Options of an evaluation. */
export interface EvaluateOptions {
  /**
   * The instant relative dates are evaluated at, in ms since the epoch.
   * @default the environment's `now()`
   */
  readonly at?: number;
  /**
   * Whether to read candidates through an index when the query allows it.
   * @default true
   */
  readonly pushdown?: boolean;
}

/** The result of {@link SegmentService.count}. */
export interface SegmentCount {
  /** How many records are members. */
  readonly count: number;
  /** How many records were read and tested. */
  readonly examined: number;
  /** How the query was evaluated. */
  readonly plan: QueryPlan;
}

/** A valid query. */
export interface QueryValid {
  /** Always true. */
  readonly ok: true;
}

/** An invalid query, with its problems. */
export interface QueryInvalid {
  /** Always false. */
  readonly ok: false;
  /** Every problem, each with the path of the bad node. */
  readonly problems: readonly ValidationIssue[];
}

/** The outcome of validating a query: a result object, as failure is an ordinary answer. */
export type QueryValidation = QueryValid | QueryInvalid;

/** Input of {@link SegmentService.create}. */
export interface SavedSegmentInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The display name. */
  readonly name: string;
  /** A longer description. */
  readonly description?: string;
  /** The kind of records selected. @defaultValue "contact" */
  readonly target?: PartyKind;
  /** The query. */
  readonly query: SegmentQuery;
}
