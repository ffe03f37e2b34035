/**
 * crmkit's core: the rules, state transitions and numbers of a sales CRM over pluggable storage.
 * This entry holds what an application needs — `createCrm`, the workspace's types, errors and the
 * environment. Engines usable alone have entries of their own: `@crmkit/core/storage`,
 * `/query`, `/reports`, `/compensation`, `/collector`, `/email`, `/money`, `/time`, `/testing`.
 *
 * @packageDocumentation
 * @module @crmkit/core
 */

export {
  type ActionTypeService,
  defaultActionTypes,
} from "./activities/action-types.js";

export type {
  ActivityTemplate,
  Recurrence,
  RecurrenceEvery,
  RecurrenceInput,
  RecurrenceService,
} from "./activities/recurrences.js";

export type { ActivityService } from "./activities/service.js";

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
} from "./activities/types.js";

export type { PoolInput } from "./assignment/input.js";
export type { PoolService } from "./assignment/pools.js";
export type { AssignmentService } from "./assignment/service.js";
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
} from "./assignment/types.js";
export {
  missedAppointmentRecovery,
  type NurtureEmail,
  type NurtureOptions,
  nurtureSequence,
  type RecoveryOptions,
  type RecoveryReport,
  recoveryReport,
} from "./automations/recovery.js";
export type {
  AutomationService,
  RunDueOptions,
} from "./automations/service.js";
export type {
  RunSubject,
  TagsChangedEvent,
} from "./automations/triggers.js";
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
} from "./automations/types.js";
export type { PlanService } from "./compensation/plans.js";
export type { CompensationService } from "./compensation/service.js";
export {
  type Crm,
  type CrmEvents,
  type CrmOptions,
  createCrm,
} from "./crm.js";
export type {
  CallFailure,
  CallResult,
} from "./email/http-call.js";
export type { HttpEmailSenderOptions } from "./email/http-sender.js";
export type { MemoryEmailSender } from "./email/memory-sender.js";
export type {
  EmailMessage,
  EmailSender,
  SendResult,
} from "./email/port.js";
export type {
  EmailTemplate,
  RenderedEmail,
} from "./email/template.js";
export type { MailchimpOptions } from "./email-lists/mailchimp.js";
export type {
  DeliverOptions,
  DeliveryReport,
  OutboxEntry,
  OutboxService,
  OutboxStatus,
} from "./email-lists/outbox.js";
export type {
  EmailListProvider,
  ListCallResult,
  ListMembershipRequest,
} from "./email-lists/port.js";
export {
  createEnvironment,
  createTestEnvironment,
  type Environment,
  seededRandom,
  type TestEnvironment,
  type TestEnvironmentOptions,
  toIsoInstant,
} from "./environment.js";
export {
  CrmkitError,
  type CrmkitErrorCode,
  type CrmkitErrorDetails,
  type CrmkitErrorOptions,
  crmkitErrorCodes,
  type PathSegment,
  type ValidationIssue,
} from "./errors.js";
export {
  createEventBus,
  type EventBus,
  type EventBusOptions,
  type EventHandler,
} from "./events/event-bus.js";
export {
  type FormatMoneyOptions,
  formatMoney,
} from "./money.js";
export type { ObjectiveService } from "./objectives/service.js";
export type {
  DealInput,
  DealPatch,
} from "./pipelines/deal-input.js";
export type {
  DealCreatedEvent,
  DealFilter,
  DealService,
  DealWriteOptions,
  GoalStatus,
  MoveOptions,
  MoveResult,
  PipelineEvents,
  RottenDeal,
} from "./pipelines/deal-service.js";
export type {
  MissingField,
  MissingPart,
} from "./pipelines/goals.js";
export type {
  PipelineInput,
  RoutingRule,
  StageInput,
} from "./pipelines/input.js";
export type {
  PipelineService,
  RoutingDecision,
} from "./pipelines/pipeline-service.js";
export type {
  TaskFilter,
  TaskService,
} from "./pipelines/tasks.js";
export type {
  DealAssignedEvent,
  StageChangedEvent,
  TaskEvent,
} from "./pipelines/transition.js";
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
} from "./pipelines/types.js";
export {
  type FieldClauses,
  q,
} from "./query/builder.js";
export type { SegmentQuery } from "./query/query.js";
export type { AbsenceInput, AbsenceService } from "./records/absences.js";
export type { RecordChange } from "./records/changes.js";
export {
  defaultWorkingHours,
  type SimpleRepository,
  type TeamInput,
  type TeamPatch,
  type TeamRepository,
  type UserInput,
  type UserPatch,
  type UserRepository,
} from "./records/directory.js";
export type {
  AccountInput,
  AccountPatch,
  ContactInput,
  ContactPatch,
  PartyInputFields,
  PartyPatchFields,
} from "./records/party-input.js";
export type {
  ImportFailure,
  ImportOptions,
  ImportReport,
  PartyRepository,
  PartySpec,
  RepositoryDeps,
  WriteOptions,
} from "./records/party-repository.js";
export {
  collections,
  crmStorageSchema,
} from "./records/schema.js";
export type { Taxonomy } from "./records/taxonomy.js";
export {
  type Absence,
  type Account,
  type Contact,
  type CustomFieldDefinition,
  type CustomFieldType,
  contactRoles,
  type PartyFields,
  type PartyKind,
  type StatusDefinition,
  type Tag,
  type TagCardinality,
  type TagCategory,
  type Team,
  type User,
  type UserRole,
  type WorkingHours,
} from "./records/types.js";
export type { ReportService } from "./reports/service.js";
export type {
  FailedHandoff,
  IngestReport,
  RescoreReport,
  ScoringService,
} from "./scoring/service.js";
export type {
  Attribution,
  BuiltInEvent,
  ContributionHit,
  Decay,
  Duration,
  EngagementTrigger,
  EntryDecay,
  EventTrigger,
  FitTrigger,
  HalfLifeDecay,
  HandedOffEvent,
  Handoff,
  HandoffOptions,
  Hit,
  HitInput,
  HitSummary,
  HitType,
  LinearDecay,
  NurtureEvent,
  PageTrigger,
  RepeatPolicy,
  RuleTrigger,
  ScoreCard,
  ScoreContribution,
  ScoreEntry,
  ScoreExplanation,
  ScoreGroup,
  ScoreThreshold,
  ScoringEvents,
  ScoringModel,
  ScoringRule,
  StoredScoringModel,
  ThresholdCrossedEvent,
} from "./scoring/types.js";
export type {
  AdHocSegment,
  EvaluateOptions,
  QueryInvalid,
  QueryValid,
  QueryValidation,
  SavedSegment,
  SavedSegmentInput,
  SegmentCount,
  SegmentDelta,
  SegmentEvents,
  SegmentMembershipEvent,
  SegmentService,
  SegmentServiceDeps,
  SegmentSource,
} from "./segments/service.js";
export type { DefinitionService } from "./taxonomy/definitions.js";
export type { CustomFieldService } from "./taxonomy/fields.js";
export {
  type CustomFieldInput,
  defaultStatuses,
  type RemoveOptions,
  type StatusInput,
  type TagCategoryInput,
  type TagInput,
} from "./taxonomy/inputs.js";
export type { StatusService } from "./taxonomy/statuses.js";
export type {
  TagCategoryService,
  TagService,
} from "./taxonomy/tags.js";
