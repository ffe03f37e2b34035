export type { PoolInput } from "./input.js";
export { AssignmentService } from "./service.js";
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
