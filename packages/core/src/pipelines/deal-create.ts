import { toIsoInstant } from "../environment.js";
import { validationError } from "../errors.js";
import { asStored } from "../records/index.js";
import { parseInput } from "../validation.js";
import { type DealInput, dealInputSchema } from "./deal-input.js";
import type { DealLoader } from "./deal-loader.js";
import type { DealDeps } from "./deal-types.js";
import type { RoutingDecision } from "./pipeline-service.js";
import { type DealDraft, Transition } from "./transition.js";

/** A new deal as parsed at the boundary. */
export type ParsedDealInput = ReturnType<typeof parseDealInput>;

/** A new deal ready to write: its transition (first stage entered, goals cascaded) and its routing. */
export interface NewDeal {
  readonly transition: Transition;
  readonly routing: RoutingDecision;
}

/** Parses a new deal at the boundary. */
export function parseDealInput(input: DealInput) {
  return parseInput(dealInputSchema, input, "deal");
}

/**
 * Builds a new deal without writing it: checks its parties and owner, routes it to a pipeline
 * (unless given), checks its currency and first stage, assigns it (unless an owner is given),
 * enters the stage and advances it while goals already hold.
 */
export async function planNewDeal(
  deps: DealDeps,
  loader: DealLoader,
  parsed: ParsedDealInput,
  by: string | undefined,
): Promise<NewDeal> {
  const snapshot = await deps.assignment.snapshot(deps.environment.now());
  const { contact, account } = await loader.parties(parsed.contactId, parsed.accountId);
  if (parsed.ownerId !== undefined && !snapshot.users.has(parsed.ownerId))
    throw validationError("deal", [
      { path: ["ownerId"], message: `unknown user "${parsed.ownerId}"`, code: "unknown_user" },
    ]);
  const now = toIsoInstant(snapshot.scope.at);
  const { pipelineId: _p, stageId: _s, ...fields } = parsed;
  const base = {
    ...fields,
    id: parsed.id ?? deps.environment.newId(),
    products: parsed.products ?? [],
    ...(parsed.accountId === undefined && account !== null ? { accountId: account.id } : {}),
    state: "open" as const,
    createdAt: now,
    updatedAt: now,
    stageEnteredAt: now,
  };
  const pipelines = await deps.pipelines.list();
  const preview = asStored({ ...base, contact, account, activities: [] });
  let routing: RoutingDecision;
  if (parsed.pipelineId !== undefined) {
    if (!pipelines.some((pipeline) => pipeline.id === parsed.pipelineId))
      throw validationError("deal", [
        {
          path: ["pipelineId"],
          message: `unknown pipeline "${parsed.pipelineId}"`,
          code: "unknown_pipeline",
        },
      ]);
    routing = { pipelineId: parsed.pipelineId, skipped: [] };
  } else {
    routing = deps.pipelines.route(
      preview,
      await deps.pipelines.routing(),
      pipelines,
      snapshot.scope,
    );
  }
  const pipeline = pipelines.find((p) => p.id === routing.pipelineId)!;
  const currency = parsed.currency ?? pipeline.currency;
  if (currency !== pipeline.currency)
    throw validationError("deal", [
      {
        path: ["currency"],
        message: `pipeline "${pipeline.id}" values deals in ${pipeline.currency}, not ${currency}`,
        code: "currency_mismatch",
      },
    ]);
  const stage =
    parsed.stageId === undefined
      ? pipeline.stages[0]!
      : pipeline.stages.find((s) => s.id === parsed.stageId);
  if (stage === undefined || stage.kind !== "open")
    throw validationError("deal", [
      {
        path: ["stageId"],
        message: `"${parsed.stageId}" is not an open stage of pipeline "${pipeline.id}"`,
        code: "unknown_stage",
      },
    ]);
  const draft: DealDraft = { ...base, pipelineId: pipeline.id, stageId: stage.id, currency };
  const transition = new Transition(
    loader.context(snapshot, pipeline, { contact, account }, []),
    draft,
    { stay: undefined, openTasks: [], sequence: 0 },
  );
  const missing = transition.missingFor(stage);
  if (missing.length > 0)
    throw validationError(
      "deal",
      missing.map((m) => ({
        path: m.field.split("."),
        message: `${m.label} is required to enter stage "${stage.name}"`,
        code: "entry_requirement",
      })),
    );
  if (parsed.ownerId === undefined) {
    await transition.assign(
      stage.assignOnEntry === undefined
        ? { rules: true }
        : { target: stage.assignOnEntry, label: `stage "${stage.name}" hands off` },
      "created",
    );
  }
  await transition.enter(stage, "created", by, undefined, { skipHandOff: true });
  await transition.cascade();
  return { transition, routing };
}
