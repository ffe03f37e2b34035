export { globalGroup } from "./derive.js";
export type { DrainReport, IngestReport } from "./ingest.js";
export { propertyName } from "./input.js";
/** @internal */
export * from "./internal.js";
export type { UrlPattern } from "./patterns.js";
export {
  type FailedHandoff,
  type RescoreReport,
  ScoringService,
} from "./service.js";
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
  ScoringModelInput,
  ScoringRule,
  StoredScoringModel,
  ThresholdCrossedEvent,
} from "./types.js";
