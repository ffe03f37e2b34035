export { isoWeekday } from "./availability.js";
export type { PoolInput } from "./input.js";
export { assignmentTargetSchema } from "./input.js";
export { AssignmentService, type AssignmentSnapshot } from "./service.js";
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
