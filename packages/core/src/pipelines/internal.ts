// What the folder shares with the rest of the core but not with the package's users: its
// door (index.ts) re-exports it as internal, and declarations strip it.
export { pipelineTables, type RoutingRecord } from "./tables.js";
export { taskDueAt } from "./task-model.js";
