import type { StoredRecord } from "../storage/index.js";
import type { Taxonomy } from "./taxonomy.js";

/** One record's change: before and after a committed write. */
export interface RecordChange {
  /** The record before the write (`null` for a creation). */
  readonly before: StoredRecord | null;
  /** The record after the write (`null` for a deletion). */
  readonly after: StoredRecord | null;
}

/** Changes of one collection that a write has just committed. */
export interface CommittedChanges {
  /** The collection written (`collections.contacts`, `collections.activities`…). */
  readonly collection: string;
  /** Each record's before and after. */
  readonly changes: readonly RecordChange[];
  /** The instant of the write, in ms. */
  readonly at: number;
  /** Who wrote: a reaction skips the changes it made itself. */
  readonly source?: string;
  /** The workspace's definitions, when the writer already read them. */
  readonly taxonomy?: Taxonomy;
}

/** A domain's reaction to committed changes. */
export type Reaction = (committed: CommittedChanges) => Promise<void>;

/**
 * The one way committed record changes reach the domains that react to them — segment
 * membership, stage goals, lead scoring's fit rules, automation triggers — in a fixed order:
 * each reaction sees the state the earlier ones left (scores after segments, say). The workspace
 * registers the reactions; writers only announce what they committed, and know nothing of who
 * reacts. The public event bus is what reactions emit; storage `watch` is for other processes.
 */
export class ChangeHook {
  readonly #reactions: {
    readonly order: number;
    readonly name: string;
    readonly react: Reaction;
  }[] = [];

  /** Adds a reaction; lower `order` runs first. */
  react(name: string, order: number, react: Reaction): void {
    this.#reactions.push({ order, name, react });
    this.#reactions.sort((a, b) => a.order - b.order);
  }

  /** Runs every reaction, in order, on changes a write has committed. */
  async committed(committed: CommittedChanges): Promise<void> {
    if (committed.changes.length === 0) return;
    for (const reaction of this.#reactions) await reaction.react(committed);
  }

  /** The reactions' names, in the order they run. */
  get order(): readonly string[] {
    return this.#reactions.map((reaction) => reaction.name);
  }
}
