import { collections, table } from "../records/index.js";
import type { RotationState } from "./strategy.js";
import type { AssignmentDecision, AssignmentRules, Pool } from "./types.js";

/** A pool's rotation, rewritten (revision-checked) with every decision made in it. */
export interface RotationRecord extends RotationState {
  /** `pool:<pool id>`. */
  readonly id: string;
}

/** How many deals a rep was given in one day or week of their timezone. */
export interface AssignmentCounter {
  /** `cap:<user>:<day|week>:<period>`. */
  readonly id: string;
  readonly userId: string;
  readonly count: number;
}

/** The stored assignment rules (one record of `meta`). */
export interface RulesRecord {
  readonly id: string;
  readonly value: AssignmentRules;
}

/** The typed views of the assignment domain's collections. @internal */
export const assignmentTables = {
  pools: table<Pool>(collections.pools),
  decisions: table<AssignmentDecision>(collections.assignmentDecisions),
  rotations: table<RotationRecord>(collections.assignmentState),
  counters: table<AssignmentCounter>(collections.assignmentState),
  rules: table<RulesRecord>(collections.meta),
} as const;
