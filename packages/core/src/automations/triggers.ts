// What starts runs: crmkit's events, each mapped to the automations it matches, a key that makes
// the start idempotent (one run per event), and the run's subject.
import type { ActivityEvents } from "../activities/types.js";
import type { EventBus } from "../events/event-bus.js";
import type { PipelineEvents } from "../pipelines/deal-service.js";
import type { ScoringEvents } from "../scoring/types.js";
import type { SegmentEvents } from "../segments/service.js";
import type { Trigger } from "./types.js";

/** The events that start runs. @internal */
export type TriggerEvents = ActivityEvents &
  PipelineEvents &
  ScoringEvents &
  SegmentEvents & {
    /** Tags changed on a contact or account. */
    "tags.changed": TagsChangedEvent;
  };

/** Tags were added to or removed from a contact or account. */
export interface TagsChangedEvent {
  /** `contact` or `account`. */
  readonly target: "contact" | "account";
  /** The record. */
  readonly recordId: string;
  /** Tags added. */
  readonly added: readonly string[];
  /** Tags removed. */
  readonly removed: readonly string[];
  /** When. */
  readonly at: string;
}

/** What a run is about. */
export interface RunSubject {
  /** The contact. */
  readonly contactId?: string;
  /** The deal. */
  readonly dealId?: string;
  /** The triggering activity. */
  readonly activityId?: string;
}

/** Subscribes to the events that start runs; `start` is told each occurrence. @internal */
export function subscribeTriggers(
  bus: Pick<EventBus<TriggerEvents>, "on">,
  start: (match: (trigger: Trigger) => boolean, key: string, subject: RunSubject) => void,
): void {
  const on = <T extends keyof TriggerEvents & string>(
    type: T,
    handle: (
      event: TriggerEvents[T],
    ) => { match: (t: Trigger) => boolean; key: string; subject: RunSubject } | null,
  ) =>
    bus.on(type, (event) => {
      const found = handle(event as TriggerEvents[T]);
      if (found !== null) start(found.match, found.key, found.subject);
    });
  for (const type of ["activity.done", "activity.missed"] as const)
    on(type, ({ activity }) => ({
      match: (t) =>
        t.type === type &&
        (t.activityTypes === undefined || t.activityTypes.includes(activity.type)),
      key: activity.id,
      subject: {
        ...(activity.contactId === undefined ? {} : { contactId: activity.contactId }),
        ...(activity.dealId === undefined ? {} : { dealId: activity.dealId }),
        activityId: activity.id,
      },
    }));
  on("deal.stageChanged", (event) => ({
    match: (t) =>
      t.type === "deal.stageEntered" &&
      t.stageId === event.to &&
      (t.pipelineId === undefined || t.pipelineId === event.pipelineId),
    key: `${event.dealId}-${event.to}-${event.at}`,
    subject: { dealId: event.dealId },
  }));
  on("score.thresholdCrossed", (event) => ({
    match: (t) =>
      t.type === "score.thresholdCrossed" &&
      (t.group ?? "global") === event.group &&
      (t.direction ?? "up") === event.direction,
    key: `${event.contactId}-${event.group}-${event.direction}-${event.at}`,
    subject: { contactId: event.contactId },
  }));
  on("score.nurture", (event) =>
    event.action !== "entered"
      ? null
      : {
          match: (t) => t.type === "score.nurture" && (t.group ?? "global") === event.group,
          key: `${event.contactId}-${event.group}-nurture-${event.at}`,
          subject: { contactId: event.contactId },
        },
  );
  for (const type of ["segment.entered", "segment.left"] as const)
    on(type, (event) =>
      event.target !== "contact"
        ? null
        : {
            match: (t) => t.type === type && t.segmentId === event.segmentId,
            key: `${event.segmentId}-${event.recordId}-${event.at}`,
            subject: { contactId: event.recordId },
          },
    );
  on("tags.changed", (event) =>
    event.target !== "contact"
      ? null
      : {
          match: (t) =>
            (t.type === "tag.added" && event.added.includes(t.tagId)) ||
            (t.type === "tag.removed" && event.removed.includes(t.tagId)),
          key: `${event.recordId}-${event.added.join("+")}-${event.removed.join("+")}-${event.at}`,
          subject: { contactId: event.recordId },
        },
  );
}
