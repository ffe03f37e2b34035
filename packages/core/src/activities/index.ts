export { ActionTypeService, defaultActionTypes } from "./action-types.js";
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
