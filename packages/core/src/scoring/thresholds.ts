import { membershipRequest, outboxEntry, outboxTable } from "../email-lists/index.js";
import type { Environment } from "../environment.js";
import type { EventBus } from "../events/index.js";
import type { Contact } from "../records/index.js";
import type { WriteOperation } from "../storage/index.js";
import type { CompiledModel } from "./derive.js";
import type { ScoreCard, ScoringEvents } from "./types.js";

/** One event with its own payload (the union keeps each type with its payload). */
type PendingOf<K extends keyof ScoringEvents> = {
  [P in K]: readonly [type: P, event: ScoringEvents[P]];
}[K];
/** A scoring event waiting for its batch to commit. */
export type Pending = PendingOf<keyof ScoringEvents>;

/** Emits one pending event. */
export function emitOne<K extends keyof ScoringEvents>(
  events: Pick<EventBus<ScoringEvents>, "emit">,
  [type, event]: PendingOf<K>,
): void {
  events.emit(type, event);
}

/**
 * The threshold states after new scores: crossings up and down (with hysteresis), nurture entry
 * and exit, the hand-offs now pending, and the list subscriptions they cause (outbox records).
 */
export function thresholds(
  model: CompiledModel,
  card: ScoreCard | null,
  scores: Record<string, number>,
  contact: Contact,
  at: string,
  environment: Environment,
) {
  const qualified = new Set(card?.qualified ?? []);
  const nurtured = new Set(card?.nurtured ?? []);
  const pending = new Set(card?.pending ?? []);
  const crossings: Record<string, number> = { ...(card?.crossings ?? {}) };
  const events: Pending[] = [];
  const outbox: WriteOperation[] = [];
  const contactId = contact.id;
  const list = (listId: string | undefined, status: "subscribed" | "unsubscribed") => {
    const request = listId === undefined ? null : membershipRequest(contact, listId, status);
    if (request === null) return;
    const order = `${at}#${String(card?.revision ?? 0).padStart(10, "0")}#${String(outbox.length).padStart(4, "0")}`;
    outbox.push(outboxTable.put(outboxEntry(environment, request, { contactId }, at, order), 0));
  };
  for (const [group, threshold] of model.thresholds) {
    const score = scores[group] ?? 0;
    const enterNurture = () => {
      nurtured.add(group);
      events.push(["score.nurture", { contactId, group, action: "entered", score, at }]);
      list(threshold.nurtureListId, "subscribed");
    };
    if (!qualified.has(group) && score >= threshold.qualifyAt) {
      qualified.add(group);
      crossings[group] = (crossings[group] ?? 0) + 1;
      events.push(["score.thresholdCrossed", { contactId, group, direction: "up", score, at }]);
      if (nurtured.delete(group)) {
        events.push(["score.nurture", { contactId, group, action: "left", score, at }]);
        list(threshold.nurtureListId, "unsubscribed");
      }
      if (threshold.handoff !== false) pending.add(group);
    } else if (qualified.has(group) && score < (threshold.unqualifyBelow ?? threshold.qualifyAt)) {
      qualified.delete(group);
      pending.delete(group);
      events.push(["score.thresholdCrossed", { contactId, group, direction: "down", score, at }]);
      enterNurture();
    } else if (!qualified.has(group) && !nurtured.has(group)) {
      enterNurture();
    }
  }
  return {
    card: {
      id: contactId,
      scores,
      at,
      qualified: [...qualified].sort(),
      nurtured: [...nurtured].sort(),
      pending: [...pending].sort(),
      crossings,
      handoffs: { ...(card?.handoffs ?? {}) },
    },
    events,
    outbox,
  };
}
