export type {
  DealInput,
  DealPatch,
} from "./deal-input.js";
export { DealService } from "./deal-service.js";
export type {
  DealCreatedEvent,
  DealFilter,
  DealWriteOptions,
  GoalStatus,
  MoveOptions,
  MoveResult,
  PipelineEvents,
  RottenDeal,
} from "./deal-types.js";
export type {
  MissingField,
  MissingPart,
} from "./goals.js";
export type {
  PipelineInput,
  RoutingRule,
  StageInput,
} from "./input.js";
/** @internal */
export * from "./internal.js";
export {
  PipelineService,
  type RoutingDecision,
} from "./pipeline-service.js";
export type { DrainQueueOptions, QueueDrainReport } from "./queue.js";
export type { TaskInput, TodoList } from "./task-model.js";
export {
  type CompleteTaskOptions,
  type LogActivity,
  type TaskDeps,
  type TaskFilter,
  TaskService,
} from "./tasks.js";
export type {
  DealAssignedEvent,
  StageChangedEvent,
  TaskEvent,
} from "./transition.js";
export type {
  Deal,
  DealState,
  ListHook,
  Pipeline,
  Stage,
  StageCause,
  StageKind,
  StageStay,
  Task,
  TaskAssignee,
  TaskDue,
  TaskStatus,
  TaskTemplate,
} from "./types.js";
