/** @internal */
export * from "./internal.js";

export {
  missedAppointmentRecovery,
  type NurtureEmail,
  type NurtureOptions,
  nurtureSequence,
  type RecoveryOptions,
  type RecoveryReport,
  recoveryReport,
} from "./recovery.js";
export {
  AutomationService,
  type RunDueOptions,
} from "./service.js";
export type {
  RunSubject,
  TagsChangedEvent,
} from "./triggers.js";
export type * from "./types.js";
export type { AutomationEvents } from "./types.js";
