export type { PoolInput } from "./input.js";
/** @internal */
export * from "./internal.js";
export {
  AssignmentService,
  type AssignmentSnapshot,
} from "./service.js";
export type {
  AssignmentDecision,
  AssignmentRule,
  AssignmentRules,
  AssignmentTarget,
  Pool,
  PoolCapacity,
  PoolMembers,
  PoolStrategy,
  RuleTrace,
  SkippedCandidate,
  SkipReason,
} from "./types.js";
