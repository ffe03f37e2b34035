import type { RecordPage } from "../query/index.js";
import { type ConditionScope, compileCondition, pageInOrder } from "../query/index.js";
import type { StoredRecord } from "../storage/index.js";
import { parseInput } from "../validation.js";
import { dealFilterSchema } from "./deal-input.js";
import type { DealDeps, DealFilter, GoalStatus, RottenDeal } from "./deal-types.js";
import { unmetParts } from "./goals.js";
import { pipelineTables } from "./tables.js";
import type { Transition } from "./transition.js";
import type { Deal } from "./types.js";

const day = 86_400_000;

/**
 * Lists deals a page at a time — of a pipeline, a stage, an owner, a state, or waiting in the
 * unassigned queue — by creation order when no filter narrows them.
 * @throws CrmkitError `VALIDATION_FAILED` for bad options or a cursor of another listing
 */
export async function listDeals(
  deps: Pick<DealDeps, "storage">,
  filter: DealFilter,
): Promise<RecordPage<Deal>> {
  const parsed = parseInput(dealFilterSchema, filter, "deal filter");
  const source =
    parsed.unassigned === true
      ? { index: "queue", where: { eq: "unassigned" } }
      : parsed.stageId !== undefined
        ? { index: "stageId", where: { eq: parsed.stageId } }
        : parsed.ownerId !== undefined
          ? { index: "ownerId", where: { eq: parsed.ownerId } }
          : parsed.pipelineId !== undefined
            ? { index: "pipelineId", where: { eq: parsed.pipelineId } }
            : parsed.state !== undefined
              ? { index: "state", where: { eq: parsed.state } }
              : { index: "createdAt" };
  const narrowed =
    parsed.pipelineId !== undefined ||
    parsed.stageId !== undefined ||
    parsed.ownerId !== undefined ||
    parsed.state !== undefined;
  const keep = narrowed
    ? async () => (record: StoredRecord) =>
        (parsed.pipelineId === undefined || record.pipelineId === parsed.pipelineId) &&
        (parsed.stageId === undefined || record.stageId === parsed.stageId) &&
        (parsed.ownerId === undefined || record.ownerId === parsed.ownerId) &&
        (parsed.state === undefined || record.state === parsed.state)
    : undefined;
  const { limit, cursor, ...what } = parsed;
  const page = await pageInOrder(
    deps.storage,
    { collection: pipelineTables.deals.name, ...source, order: parsed.order ?? "asc" },
    keep,
    limit ?? 100,
    cursor,
    JSON.stringify(["deals", what]),
  );
  return { records: page.records.map(pipelineTables.deals.cast), cursor: page.cursor };
}

/**
 * The open deals rotting at an instant: idle (no update, counted from stage entry or the last
 * update, never from creation) for more days than their stage allows.
 */
export async function rottenDeals(
  deps: DealDeps,
  options: { readonly pipelineId?: string; readonly at?: number },
): Promise<RottenDeal[]> {
  const at = options.at ?? deps.environment.now();
  const out: RottenDeal[] = [];
  const pipelines = (await deps.pipelines.list()).filter(
    (p) => options.pipelineId === undefined || p.id === options.pipelineId,
  );
  for (const pipeline of pipelines) {
    for (const stage of pipeline.stages) {
      if (stage.rottingDays === undefined || stage.kind !== "open") continue;
      for await (const batch of pipelineTables.deals.scan(deps.storage, {
        index: "stageId",
        where: { eq: stage.id },
      })) {
        for (const deal of batch) {
          if (deal.pipelineId !== pipeline.id || deal.state !== "open") continue;
          const since = Math.max(Date.parse(deal.stageEnteredAt), Date.parse(deal.updatedAt));
          const idle = (at - since) / day;
          if (idle > stage.rottingDays)
            out.push({ deal, idleDays: Math.floor(idle), rottingDays: stage.rottingDays });
        }
      }
    }
  }
  return out.sort((a, b) => b.idleDays - a.idleDays || a.deal.id.localeCompare(b.deal.id));
}

/**
 * What a deal's current stage goal still lacks; and, when the goal holds but the deal cannot
 * advance, the next stage's missing entry fields.
 */
export function goalStatus(transition: Transition, scope: ConditionScope): GoalStatus {
  const deal = transition.deal;
  const stage = transition.stage();
  const base = { dealId: deal.id, stageId: stage.id, hasGoal: stage.goal !== undefined };
  if (stage.goal === undefined || deal.state !== "open")
    return { ...base, met: false, missing: [], blockedBy: [] };
  const compiled = compileCondition(stage.goal, "deal", scope);
  if (!compiled.ok) return { ...base, met: false, missing: [], blockedBy: [] };
  const explanation = compiled.condition.explain(transition.view());
  const next = transition.nextStage();
  return {
    ...base,
    met: explanation.matched,
    missing: unmetParts(stage.goal, explanation, scope.taxonomy),
    blockedBy: explanation.matched && next !== undefined ? transition.missingFor(next) : [],
  };
}
