// The journal of events that start runs: written with the change that caused them, consumed once
// their runs exist. See `collections.eventJournal`.
import { collections } from "../records/index.js";
import type { StoredRecord, WriteOperation } from "../storage/index.js";
import {
  occurrenceOf,
  type TriggerEventType,
  type TriggerOccurrence,
  triggerEventTypes,
} from "./triggers.js";

/** A journal record: an occurrence and when it happened. */
export type JournalEntry = StoredRecord & TriggerOccurrence & { readonly at: string };

const types: ReadonlySet<string> = new Set(triggerEventTypes);

/** The write that records an event for automations, or nothing for other events. @internal */
export function journalOperations(type: string, event: unknown): WriteOperation[] {
  if (!types.has(type)) return [];
  const occurrence = occurrenceOf(type as TriggerEventType, event as never);
  if (occurrence === null) return [];
  const at = (event as { readonly at?: unknown }).at;
  return [
    {
      type: "put",
      collection: collections.eventJournal,
      record: { id: journalId(occurrence), ...occurrence, at: typeof at === "string" ? at : "" },
    },
  ];
}

/** The journal id of an occurrence: its type and key (hashed when long, to stay a short id). @internal */
export function journalId(occurrence: Pick<TriggerOccurrence, "type" | "key">): string {
  const raw = `${occurrence.type}:${occurrence.key}`;
  return raw.length <= 256
    ? raw
    : `${occurrence.type}:#${fnv(raw, 0x811c9dc5)}${fnv(raw, 0x01000193)}`;
}

function fnv(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
