/** @internal */
export * from "./internal.js";

export {
  missedAppointmentRecovery,
  type NurtureEmail,
  type NurtureOptions,
  nurtureSequence,
  type ProposedSlot,
  proposedSlots,
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
export type {
  ActivityTrigger,
  Assignee,
  AssignStep,
  Automation,
  AutomationCondition,
  AutomationDuration,
  AutomationEvents,
  AutomationInput,
  AutomationNotifiedEvent,
  AutomationRun,
  BranchStep,
  ContactCondition,
  CreateActivityStep,
  CreateTaskStep,
  DateTrigger,
  DealCondition,
  ListStep,
  NotifyStep,
  NurtureTrigger,
  PoolAssignee,
  ProposeSlotsStep,
  QualifiedCondition,
  RebookedCondition,
  RunDueReport,
  RunEntry,
  RunStatus,
  SegmentTrigger,
  SendEmailStep,
  SetStatusStep,
  StageTrigger,
  Step,
  TagsStep,
  TagTrigger,
  ThresholdTrigger,
  Trigger,
  UserAssignee,
  WaitStep,
  WaitUntilStep,
} from "./types.js";
