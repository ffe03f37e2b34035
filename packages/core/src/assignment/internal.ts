// What the folder shares with the rest of the core but not with the package's users: its
// door (index.ts) re-exports it as internal, and declarations strip it.
export { isoWeekday } from "./availability.js";
export { assignmentTargetSchema } from "./input.js";
export type { PoolServiceDeps } from "./pools.js";
export type { AssignmentSource, QueuedDeal } from "./service.js";
