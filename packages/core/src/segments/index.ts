/** @internal */
export * from "./internal.js";
export {
  SegmentService,
  type SegmentServiceDeps,
} from "./service.js";
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
  SegmentSource,
} from "./types.js";
