// How the domains of a workspace react to committed record changes, in order. This is the one
// place that knows who reacts to what; writers only announce what they committed (ChangeHook).
import type { AutomationEvents, TagsChangedEvent } from "./automations/index.js";
import { toIsoInstant } from "./environment.js";
import type { EventBus } from "./events/index.js";
import {
  type ChangeHook,
  collections,
  type PartyKind,
  type RecordChange,
  type Taxonomy,
} from "./records/index.js";

/** The services that react to committed changes. */
export interface Reactors {
  readonly segments: {
    applyChanges(
      target: PartyKind,
      changes: readonly RecordChange[],
      at: number,
      taxonomy?: Taxonomy,
    ): Promise<unknown>;
  };
  readonly deals: {
    reevaluate(dealId: string): Promise<unknown>;
    reevaluateFor(field: "contactId" | "accountId", ids: readonly string[]): Promise<unknown>;
  };
  readonly scoring: { contactsChanged(ids: readonly string[]): Promise<unknown> };
  readonly events: Pick<EventBus<{ "tags.changed": TagsChangedEvent } & AutomationEvents>, "emit">;
}

/** The order reactions run in: each sees what the earlier ones did. @internal */
export const reactionOrder = ["segments", "tags", "stage goals", "scoring"] as const;

/**
 * Registers the workspace's reactions: segment membership first (its events may start
 * automations), then tag events, then stage goals (a deal reads its contact and account), then lead
 * scoring's fit rules — which skips the contacts scoring itself just rewrote.
 * @internal
 */
export function wireReactions(hook: ChangeHook, reactors: Reactors): void {
  hook.react("segments", 10, async ({ collection, changes, at, taxonomy }) => {
    const kind = partyKind(collection);
    if (kind !== undefined) await reactors.segments.applyChanges(kind, changes, at, taxonomy);
  });
  hook.react("tags", 20, async ({ collection, changes, at }) => {
    const kind = partyKind(collection);
    if (kind === undefined) return;
    for (const event of tagEvents(kind, changes, toIsoInstant(at)))
      reactors.events.emit("tags.changed", event);
  });
  hook.react("stage goals", 30, async ({ collection, changes }) => {
    const kind = partyKind(collection);
    if (kind !== undefined) {
      const updated = changes.flatMap(({ before, after }) =>
        before !== null && after !== null ? [after.id] : [],
      );
      if (updated.length > 0)
        await reactors.deals.reevaluateFor(kind === "contact" ? "contactId" : "accountId", updated);
    } else if (collection === collections.activities) {
      for (const { before, after } of changes)
        if (
          after?.status === "done" &&
          before?.status !== "done" &&
          typeof after.dealId === "string"
        )
          await reactors.deals.reevaluate(after.dealId);
    }
  });
  hook.react("scoring", 40, async ({ collection, changes, source }) => {
    if (collection !== collections.contacts || source === "scoring") return;
    const ids = changes.flatMap(({ after }) => (after === null ? [] : [after.id]));
    if (ids.length > 0) await reactors.scoring.contactsChanged(ids);
  });
}

function partyKind(collection: string): PartyKind | undefined {
  return collection === collections.contacts
    ? "contact"
    : collection === collections.accounts
      ? "account"
      : undefined;
}

/** The tag changes of written contacts or accounts. @internal */
export function tagEvents(
  kind: PartyKind,
  changes: readonly RecordChange[],
  at: string,
): TagsChangedEvent[] {
  return changes.flatMap(({ before, after }) => {
    const was = new Set((before?.tags as string[] | undefined) ?? []);
    const is = new Set((after?.tags as string[] | undefined) ?? []);
    const added = [...is].filter((tag) => !was.has(tag)).sort();
    const removed = [...was].filter((tag) => !is.has(tag)).sort();
    if (added.length === 0 && removed.length === 0) return [];
    return [{ target: kind, recordId: (after ?? before)!.id, added, removed, at }];
  });
}
