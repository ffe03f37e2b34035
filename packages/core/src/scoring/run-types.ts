import type { Environment } from "../environment.js";
import type { EventBus, EventJournal } from "../events/index.js";
import type { ChangeHook } from "../records/index.js";
import type { StorageAdapter, WriteOperation } from "../storage/index.js";
import type { QueuedHit } from "./tables.js";
import type { Hit, ScoreEntry, ScoringEvents } from "./types.js";

/** What one scoring run of a contact folds in and re-derives. */
export interface ScoreRun {
  /** Stored hits of the contact not scored yet (their queue records are removed with the run). */
  readonly newHits?: readonly Hit[];
  /** The queue records of those hits, removed in the run's batch: the claim on them. */
  readonly queued?: readonly QueuedHit[];
  /** Stored hits the run links to the contact (anonymous until now). */
  readonly relink?: readonly Hit[];
  /** Other records written in the same batch (the visitor link). */
  readonly extra?: readonly WriteOperation[];
  /** Re-derive the entries of every hit of the contact (a rescore, an identification). */
  readonly hits: boolean;
  /** Re-evaluate fit rules (they are also evaluated the first time a contact is scored). */
  readonly fit: boolean;
  /** What the entries are recorded as caused by. */
  readonly cause: ScoreEntry["cause"];
}

/** What a run did. */
export interface RunOutcome {
  /** Ids of the new hits scored. */
  readonly scored: readonly string[];
  /** Ledger entries written (added, rewritten or removed). */
  readonly written: number;
  /** Groups left waiting for a hand-off. */
  readonly pending: readonly string[];
  /** The scores written. */
  readonly scores: Readonly<Record<string, number>>;
}

/** What the scorer is built on. */
export interface ScorerDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly timezone: string;
  readonly events: Pick<EventBus<ScoringEvents>, "emit">;
  /** Where a contact rewritten with new scores is announced (segments and deal goals read them). */
  readonly hook: ChangeHook;
  /** Records threshold crossings in the batch that makes them. @defaultValue none @internal */
  readonly journal?: EventJournal;
}
