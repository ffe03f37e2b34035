// Date triggers ("30 days before renewal"): each runDue starts the runs whose day came since the
// previous sweep, which it remembers per automation.

import { readPath } from "../query/index.js";
import { type Contact, tables } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { calendarDate } from "../time/index.js";
import { automationTables } from "./tables.js";
import type { Automation, Trigger } from "./types.js";

/** Starts the runs of date triggers whose moment came since the last sweep. */
export async function sweepDateTriggers(
  deps: { readonly storage: StorageAdapter; readonly timezone: string },
  automations: readonly Automation[],
  now: number,
  start: (automation: Automation, key: string, subject: { contactId: string }) => Promise<unknown>,
): Promise<void> {
  const dated = automations.filter((a) => a.enabled && a.trigger.type === "date");
  if (dated.length === 0) return;
  const contacts = await tables.contacts.all(deps.storage);
  for (const automation of dated) {
    const trigger = automation.trigger as Extract<Trigger, { type: "date" }>;
    const markerId = `automation-sweep:${automation.id}`;
    const marker = await automationTables.sweeps.get(deps.storage, markerId);
    const since = marker?.through ?? Date.parse(automation.createdAt);
    if (now <= since) continue;
    const fromDay = calendarDate(since, deps.timezone);
    const toDay = calendarDate(now, deps.timezone);
    for (const contact of contacts) {
      const value = readField(contact, trigger.field);
      if (value === undefined) continue;
      const day = shiftDate(value.slice(0, 10), trigger.offsetDays);
      if (day > fromDay && day <= toDay)
        await start(automation, `${contact.id}-${value.slice(0, 10)}`, {
          contactId: contact.id,
        });
    }
    await deps.storage.write([
      automationTables.sweeps.put({ id: markerId, through: now }, marker?.revision ?? 0),
    ]);
  }
}

function readField(contact: Contact, field: string): string | undefined {
  const value = readPath(contact, field.split("."));
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) ? value : undefined;
}

function shiftDate(date: string, days: number): string {
  const at = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(at).toISOString().slice(0, 10);
}
