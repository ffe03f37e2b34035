// Removing old hits under a retention policy without touching scores: the ledger keeps the
// entries those hits earned, and each contact's card learns how many of its hits are gone, so
// that a later run does not mistake the shorter history for a changed one and re-derive it.
import { CrmkitError } from "../errors.js";
import { collections } from "../records/index.js";
import type { StorageAdapter, StoredRecord, WriteOperation } from "../storage/index.js";
import type { StoredCard } from "./tables.js";

/**
 * Removes hits (past their retention) in one atomic batch with their contacts' cards adjusted;
 * returns how many were removed, or 0 when another writer changed one of them meanwhile (nothing
 * is written: read again and retry). @internal
 */
export async function forgetHits(
  storage: StorageAdapter,
  hits: readonly StoredRecord[],
): Promise<number> {
  const removedBy = new Map<string, number>();
  for (const hit of hits)
    if (typeof hit.contactId === "string")
      removedBy.set(hit.contactId, (removedBy.get(hit.contactId) ?? 0) + 1);
  const ids = [...removedBy.keys()];
  const cards = (await storage.getMany(collections.scoreCards, ids)) as (StoredCard &
    StoredRecord)[];
  const ops: WriteOperation[] = hits.map((hit) => ({
    type: "delete",
    collection: collections.hits,
    id: hit.id,
    expectedRevision: hit.revision,
  }));
  cards.forEach((card, i) => {
    if (card === null || card.state?.hits === undefined) return;
    const { revision, ...rest } = card;
    ops.push({
      type: "put",
      collection: collections.scoreCards,
      record: {
        ...rest,
        state: { ...card.state, hits: Math.max(0, card.state.hits - removedBy.get(ids[i]!)!) },
      } as never,
      expectedRevision: revision,
    });
  });
  try {
    await storage.write(ops);
    return hits.length;
  } catch (error) {
    if (CrmkitError.is(error, "REVISION_CONFLICT")) return 0;
    throw error;
  }
}
