import { collections, table } from "../records/index.js";
import type { Handoff, Hit, ScoreCard, ScoreEntry, ScoringModel } from "./types.js";

/** An anonymous visitor linked to a contact by a signed identification. */
export interface Visitor {
  /** `<site>:<visitor id>`. */
  readonly id: string;
  readonly siteId: string;
  readonly contactId: string;
  readonly identifiedAt: string;
}

/** The stored scoring model (one record of `meta`). */
export type ModelRecord = ScoringModel & { readonly id: string };

/** The typed views of the scoring domain's collections. @internal */
export const scoringTables = {
  hits: table<Hit>(collections.hits),
  entries: table<ScoreEntry>(collections.scoreEntries),
  cards: table<ScoreCard>(collections.scoreCards),
  handoffs: table<Handoff>(collections.scoreHandoffs),
  visitors: table<Visitor>(collections.visitors),
  model: table<ModelRecord>(collections.meta),
} as const;
