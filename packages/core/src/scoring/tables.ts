import { collections, table } from "../records/index.js";
import type { ScoringState } from "./fold.js";
import type { Handoff, Hit, ScoreCard, ScoreEntry, ScoringModel } from "./types.js";

/** A score card as stored: with the state incremental scoring continues from. */
export type StoredCard = ScoreCard & { readonly state?: ScoringState };

/** An anonymous visitor linked to a contact by a signed identification. */
export interface Visitor {
  /** `<site>:<visitor id>`. */
  readonly id: string;
  readonly siteId: string;
  readonly contactId: string;
  readonly identifiedAt: string;
}

/** A hit accepted and not scored yet. Its id sorts in hit order: `<instant>|<hit id>`. */
export interface QueuedHit {
  readonly id: string;
  readonly revision: number;
  /** The hit. */
  readonly hitId: string;
}

/** The stored scoring model (one record of `meta`). */
export type ModelRecord = ScoringModel & { readonly id: string };

/** The typed views of the scoring domain's collections. @internal */
export const scoringTables = {
  hits: table<Hit>(collections.hits),
  entries: table<ScoreEntry>(collections.scoreEntries),
  cards: table<StoredCard>(collections.scoreCards),
  handoffs: table<Handoff>(collections.scoreHandoffs),
  visitors: table<Visitor>(collections.visitors),
  queue: table<QueuedHit>(collections.scoreQueue),
  model: table<ModelRecord>(collections.meta),
} as const;
