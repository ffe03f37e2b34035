export {
  ActionTypeService,
  defaultActionTypes,
} from "./action-types.js";
/** @internal */
export * from "./internal.js";
export { RecurrenceService } from "./recurrences.js";
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
  ActivityTemplate,
  AgendaDay,
  AgendaEntry,
  AgendaInstants,
  AgendaRange,
  AgendaWeek,
  FreeSlot,
  FreeSlotQuery,
  Recurrence,
  RecurrenceEvery,
  RecurrenceInput,
} from "./types.js";
