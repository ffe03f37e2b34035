export type { PoolInput } from "./input.js";
/** @internal */
export * from "./internal.js";
export { PoolService } from "./pools.js";
export { AssignmentService } from "./service.js";
export type {
  AssignmentDecision,
  AssignmentRule,
  AssignmentRules,
  AssignmentSnapshot,
  AssignmentTarget,
  Pool,
  PoolCapacity,
  PoolMembers,
  PoolStrategy,
  QueueDeadline,
  RuleTrace,
  SkippedCandidate,
  SkipReason,
} from "./types.js";
