// The journal of events that start runs: written with the change that caused them, consumed once
// their runs exist. See `collections.eventJournal`.
import type { WriteOperation } from "../storage/index.js";
import { hashId } from "../text.js";
import { automationTables } from "./tables.js";
import {
  occurrenceOf,
  type TriggerEvents,
  type TriggerEventType,
  type TriggerOccurrence,
  triggerEventTypes,
} from "./triggers.js";

const types: ReadonlySet<string> = new Set(triggerEventTypes);

const isTriggerType = (type: string): type is TriggerEventType => types.has(type);

/** The write that records an event for automations, or nothing for other events. @internal */
export function journalOperations(type: string, event: unknown): WriteOperation[] {
  if (!isTriggerType(type)) return [];
  // The journal port is untyped (the kernel knows no domain's events), but every domain calls it
  // with an event and its own type, as its typed bus emits them.
  const occurrence = occurrenceOf(type, event as TriggerEvents[typeof type]);
  if (occurrence === null) return [];
  const at = (event as { readonly at?: unknown }).at;
  return [
    automationTables.journal.put({
      id: journalId(occurrence),
      ...occurrence,
      at: typeof at === "string" ? at : "",
    }),
  ];
}

/** The journal id of an occurrence: its type and key (hashed when long, to stay a short id). @internal */
export function journalId(occurrence: Pick<TriggerOccurrence, "type" | "key">): string {
  const raw = `${occurrence.type}:${occurrence.key}`;
  return raw.length <= 256 ? raw : `${occurrence.type}:#${hashId(raw)}`;
}
