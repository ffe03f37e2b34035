export {
  missedAppointmentRecovery,
  type RecoveryOptions,
  type RecoveryReport,
  recoveryReport,
} from "./recovery.js";
export {
  AutomationService,
  type RunDueOptions,
  type RunSubject,
  type TagsChangedEvent,
} from "./service.js";
export type * from "./types.js";
