// What starts runs: crmkit's events, each mapped to the automations it matches, a key that makes
// the start idempotent (one run per event), and the run's subject.
import type { ActivityEvents } from "../activities/index.js";
import type { EventBus } from "../events/index.js";
import type { PipelineEvents } from "../pipelines/index.js";
import type { ScoringEvents } from "../scoring/index.js";
import type { SegmentEvents } from "../segments/index.js";
import type { Trigger } from "./types.js";

/** The events that start runs. */
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

/**
 * The events that start runs, by name — and the bookings and cancellations that end and resume a
 * missed-appointment recovery (they start no run).
 */
export const triggerEventTypes = [
  "activity.created",
  "activity.cancelled",
  "activity.done",
  "activity.missed",
  "deal.stageChanged",
  "score.thresholdCrossed",
  "score.nurture",
  "segment.entered",
  "segment.left",
  "tags.changed",
] as const;

/** The name of an event that starts runs. */
export type TriggerEventType = (typeof triggerEventTypes)[number];

/**
 * One occurrence of an event that starts runs, in plain JSON: what automations match on (`facts`),
 * the key that makes a start idempotent, and the run's subject. It is what the journal stores, in
 * the same write batch as the change that caused it, so a process dying before the run starts
 * loses nothing.
 */
export interface TriggerOccurrence {
  readonly type: TriggerEventType;
  readonly key: string;
  readonly subject: RunSubject;
  readonly facts: Readonly<Record<string, string | readonly string[]>>;
}

/** The occurrence an event makes, or `null` when it starts nothing (an account's tags). @internal */
export function occurrenceOf<T extends TriggerEventType>(
  type: T,
  event: TriggerEvents[T],
): TriggerOccurrence | null {
  const e = event as TriggerEvents[TriggerEventType];
  switch (type) {
    case "activity.created":
    case "activity.cancelled": {
      // Only what can rebook (or un-rebook) a contact's missed appointment: timed, with a contact.
      const { activity } = e as TriggerEvents["activity.created"];
      if (activity.contactId === undefined || activity.startAt === undefined) return null;
      return {
        type,
        key: activity.id,
        subject: { contactId: activity.contactId, activityId: activity.id },
        facts: { activityType: activity.type },
      };
    }
    case "activity.done":
    case "activity.missed": {
      const { activity } = e as TriggerEvents["activity.done"];
      return {
        type,
        key: activity.id,
        subject: {
          ...(activity.contactId === undefined ? {} : { contactId: activity.contactId }),
          ...(activity.dealId === undefined ? {} : { dealId: activity.dealId }),
          activityId: activity.id,
        },
        facts: { activityType: activity.type },
      };
    }
    case "deal.stageChanged": {
      const event = e as TriggerEvents["deal.stageChanged"];
      return {
        type,
        key: `${event.dealId}-${event.to}-${event.at}`,
        subject: { dealId: event.dealId },
        facts: { stageId: event.to, pipelineId: event.pipelineId },
      };
    }
    case "score.thresholdCrossed": {
      const event = e as TriggerEvents["score.thresholdCrossed"];
      return {
        type,
        key: `${event.contactId}-${event.group}-${event.direction}-${event.at}`,
        subject: { contactId: event.contactId },
        facts: { group: event.group, direction: event.direction },
      };
    }
    case "score.nurture": {
      const event = e as TriggerEvents["score.nurture"];
      if (event.action !== "entered") return null;
      return {
        type,
        key: `${event.contactId}-${event.group}-nurture-${event.at}`,
        subject: { contactId: event.contactId },
        facts: { group: event.group },
      };
    }
    case "segment.entered":
    case "segment.left": {
      const event = e as TriggerEvents["segment.entered"];
      if (event.target !== "contact") return null;
      return {
        type,
        key: `${event.segmentId}-${event.recordId}-${event.at}`,
        subject: { contactId: event.recordId },
        facts: { segmentId: event.segmentId },
      };
    }
    case "tags.changed": {
      const event = e as TagsChangedEvent;
      if (event.target !== "contact") return null;
      return {
        type,
        key: `${event.recordId}-${event.added.join("+")}-${event.removed.join("+")}-${event.at}`,
        subject: { contactId: event.recordId },
        facts: { added: event.added, removed: event.removed },
      };
    }
  }
  return null;
}

/** Whether an automation's trigger matches an occurrence. @internal */
export function triggerMatches(trigger: Trigger, occurrence: TriggerOccurrence): boolean {
  const { facts } = occurrence;
  const text = (name: string) => facts[name] as string;
  const list = (name: string) => (facts[name] ?? []) as readonly string[];
  switch (occurrence.type) {
    case "activity.created":
    case "activity.cancelled":
      return false;
    case "activity.done":
    case "activity.missed":
      return (
        trigger.type === occurrence.type &&
        (trigger.activityTypes === undefined ||
          trigger.activityTypes.includes(text("activityType")))
      );
    case "deal.stageChanged":
      return (
        trigger.type === "deal.stageEntered" &&
        trigger.stageId === text("stageId") &&
        (trigger.pipelineId === undefined || trigger.pipelineId === text("pipelineId"))
      );
    case "score.thresholdCrossed":
      return (
        trigger.type === "score.thresholdCrossed" &&
        (trigger.group ?? "global") === text("group") &&
        (trigger.direction ?? "up") === text("direction")
      );
    case "score.nurture":
      return trigger.type === "score.nurture" && (trigger.group ?? "global") === text("group");
    case "segment.entered":
    case "segment.left":
      return trigger.type === occurrence.type && trigger.segmentId === text("segmentId");
    case "tags.changed":
      return (
        (trigger.type === "tag.added" && list("added").includes(trigger.tagId)) ||
        (trigger.type === "tag.removed" && list("removed").includes(trigger.tagId))
      );
  }
  return false;
}

/** Subscribes to the events that start runs; `start` is told each occurrence. @internal */
export function subscribeTriggers(
  bus: Pick<EventBus<TriggerEvents>, "on">,
  start: (occurrence: TriggerOccurrence) => void,
): void {
  for (const type of triggerEventTypes)
    bus.on(type, (event) => {
      const occurrence = occurrenceOf(type, event);
      if (occurrence !== null) start(occurrence);
    });
}
