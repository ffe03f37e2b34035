export {
  ActionTypeService,
  defaultActionTypes,
} from "./action-types.js";
/** @internal */
export * from "./internal.js";
export {
  type ActivityTemplate,
  type Recurrence,
  type RecurrenceEvery,
  type RecurrenceInput,
  RecurrenceService,
} from "./recurrences.js";
export { ActivityService } from "./service.js";
export type {
  ActionCategory,
  ActionType,
  ActionTypeInput,
  Activity,
  ActivityEvent,
  ActivityEvents,
  ActivityInput,
  ActivityPatch,
  ActivityStatus,
  AgendaDay,
  AgendaEntry,
  AgendaInstants,
  AgendaRange,
  AgendaWeek,
  FreeSlot,
  FreeSlotQuery,
} from "./types.js";
