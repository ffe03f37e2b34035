// The hand-off to sales: a contact that qualified in a group gets a lead (a deal) through the
// lead port, with the contributions and visit history of the moment kept beside it.
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { EventBus } from "../events/index.js";
import { tables } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import type { CompiledModel } from "./derive.js";
import { writeUnlessRaced } from "./scorer.js";
import { scoringTables } from "./tables.js";
import type { Hit, HitSummary, LeadPort, ScoreExplanation, ScoringEvents } from "./types.js";

/** What a hand-off is built on. */
export interface HandoffDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly leads: LeadPort;
  readonly events: Pick<EventBus<ScoringEvents>, "emit">;
  /** The contact's explanation in a group, as of now. */
  readonly explain: (contactId: string, group: string) => Promise<ScoreExplanation | undefined>;
  /** The contact's hits, newest first. */
  readonly visits: (contactId: string) => Promise<Hit[]>;
}

/**
 * Creates the hand-off deal of a qualified group (unless its previous one is still open) and
 * clears the group from the card's pending list.
 * @returns true when made, false when not due, else the error code of the deal's creation
 */
export async function handOff(
  deps: HandoffDeps,
  model: CompiledModel,
  contactId: string,
  group: string,
): Promise<boolean | string> {
  const { storage, leads } = deps;
  const card = await scoringTables.cards.get(storage, contactId);
  if (card === null || !card.pending.includes(group)) return false;
  const threshold = model.thresholds.get(group);
  const options = threshold?.handoff === false ? undefined : threshold?.handoff;
  const previous = card.handoffs[group];
  let dealId = previous;
  const contact = await tables.contacts.get(storage, contactId);
  if (contact === null) return "NOT_FOUND";
  if (previous === undefined || (await leads.get(previous))?.state !== "open") {
    dealId = `lead-${contactId}-${group}-${card.crossings[group] ?? 1}`;
    if ((await leads.get(dealId)) === null) {
      const name = [contact.firstName, contact.lastName]
        .filter((part) => part !== undefined)
        .join(" ");
      const score = card.scores[group] ?? 0;
      try {
        await leads.create({
          id: dealId,
          title: `${name || contact.email || contactId}: ${group} score ${score}`,
          contactId,
          source: options?.source ?? "website",
          ...(options?.pipelineId === undefined ? {} : { pipelineId: options.pipelineId }),
        });
      } catch (error) {
        return CrmkitError.is(error) ? error.code : "STORAGE_FAILURE";
      }
      const explanation = await deps.explain(contactId, group);
      const history = (await deps.visits(contactId)).slice(0, 200).map(summary);
      await storage.write([
        scoringTables.handoffs.put({
          id: dealId,
          dealId,
          contactId,
          group,
          score,
          at: toIsoInstant(deps.environment.now()),
          contributions: explanation?.contributions ?? [],
          history,
        }),
      ]);
    }
  }
  for (let attempt = 1; ; attempt++) {
    const current = await scoringTables.cards.get(storage, contactId);
    if (current === null || !current.pending.includes(group)) return false;
    const record = {
      ...current,
      pending: current.pending.filter((g) => g !== group),
      handoffs: { ...current.handoffs, [group]: dealId! },
    };
    const op = scoringTables.cards.put(record, current.revision);
    if (!(await writeUnlessRaced(storage, [op], attempt))) continue;
    deps.events.emit("score.handedOff", {
      contactId,
      group,
      dealId: dealId!,
      score: current.scores[group] ?? 0,
    });
    return true;
  }
}

/** A hit as a hand-off's history keeps it. */
function summary(hit: Hit): HitSummary {
  return {
    id: hit.id,
    type: hit.type,
    ...(hit.url === undefined ? {} : { url: hit.url }),
    ...(hit.name === undefined ? {} : { name: hit.name }),
    at: hit.at,
    ...(hit.attribution === undefined ? {} : { attribution: hit.attribution }),
  };
}
