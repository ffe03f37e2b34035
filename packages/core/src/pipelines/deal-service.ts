import type {
  AssignmentDecision,
  AssignmentService,
  AssignmentSnapshot,
  AssignmentTarget,
} from "../assignment/index.js";
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, validationError } from "../errors.js";
import type { EventBus } from "../events/index.js";
import { type EventJournal, noJournal } from "../events/index.js";
import type { RecordPage, SegmentQuery } from "../query/index.js";
import { compileCondition, pageInOrder } from "../query/index.js";
import { asStored, revised } from "../records/index.js";
import type { StorageAdapter, StoredRecord } from "../storage/index.js";
import { parseInput } from "../validation.js";
import {
  type DealInput,
  type DealPatch,
  dealFilterSchema,
  dealInputSchema,
  dealPatchSchema,
} from "./deal-input.js";
import { DealLoader } from "./deal-loader.js";
import type {
  DealFilter,
  DealWriteOptions,
  GoalStatus,
  MoveOptions,
  MoveResult,
  PipelineEvents,
  RottenDeal,
} from "./deal-types.js";
import { unmetParts } from "./goals.js";
import type { PipelineService, RoutingDecision } from "./pipeline-service.js";
import { pipelineTables } from "./tables.js";
import { type DealDraft, type PendingOf, Transition, type TransitionEvents } from "./transition.js";
import type { Deal, Pipeline, StageStay } from "./types.js";

/** What the deal service is built on. */
export interface DealDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly timezone: string;
  readonly pipelines: PipelineService;
  readonly assignment: AssignmentService;
  readonly events: Pick<EventBus<PipelineEvents>, "emit">;
  /** Records stage changes in the batch that makes them. @defaultValue none @internal */
  readonly journal?: EventJournal;
}

const day = 86_400_000;
// Each round of a race lets one writer through, so n concurrent writers need at most n attempts.
const maxAttempts = 64;

/**
 * Deals: creation (routing, assignment, entry into the first stage), updates, moves, goals that
 * advance deals by themselves, stage history, rotting, and hand-offs.
 */
export class DealService {
  readonly #deps: DealDeps;
  readonly #loader: DealLoader;

  /** @internal */
  constructor(deps: DealDeps) {
    this.#deps = deps;
    this.#loader = new DealLoader(deps);
  }

  /** Reads a deal, or `null`. */
  async get(id: string): Promise<Deal | null> {
    return pipelineTables.deals.get(this.#deps.storage, id);
  }

  /** Reads a deal. @throws CrmkitError `NOT_FOUND` */
  async require(id: string): Promise<Deal> {
    const deal = await this.get(id);
    if (deal === null)
      throw new CrmkitError("NOT_FOUND", `There is no deal "${id}".`, { details: { id } });
    return deal;
  }

  /**
   * Lists deals a page at a time — of a pipeline, a stage, an owner, a state, or waiting in the
   * unassigned queue — by creation order when no filter narrows them.
   * @throws CrmkitError `VALIDATION_FAILED` for bad options or a cursor of another listing
   */
  async list(filter: DealFilter = {}): Promise<RecordPage<Deal>> {
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
      this.#deps.storage,
      { collection: pipelineTables.deals.name, ...source, order: parsed.order ?? "asc" },
      keep,
      limit ?? 100,
      cursor,
      JSON.stringify(["deals", what]),
    );
    return { records: page.records.map(pipelineTables.deals.cast), cursor: page.cursor };
  }

  /** A deal's stage history, oldest stay first. */
  history(dealId: string): Promise<StageStay[]> {
    return this.#loader.history(dealId);
  }

  /**
   * Creates a deal: routes it to a pipeline (unless given), assigns it (unless an owner is given),
   * enters its first stage (tasks, lists, hand-off) and advances it while goals already hold.
   * @throws CrmkitError `VALIDATION_FAILED` (bad field, unknown contact/account/owner/pipeline,
   * currency other than the pipeline's, unmet entry requirements), `UNIQUE_VIOLATION`
   * @example
   * ```ts
   * const deal = await crm.deals.create({ title: "ACME renewal", contactId, value: 1_200_000 });
   * ```
   */
  async create(input: DealInput, options: { readonly by?: string } = {}): Promise<Deal> {
    const parsed = parseDealInput(input);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#create(parsed, options.by);
      } catch (error) {
        if (!this.#retryable(error, attempt)) throw error;
      }
    }
  }

  async #create(parsed: ReturnType<typeof parseDealInput>, by: string | undefined): Promise<Deal> {
    const storage = this.#deps.storage;
    const snapshot = await this.#deps.assignment.snapshot(this.#deps.environment.now());
    const { contact, account } = await this.#loader.parties(parsed.contactId, parsed.accountId);
    if (parsed.ownerId !== undefined && !snapshot.users.has(parsed.ownerId))
      throw validationError("deal", [
        { path: ["ownerId"], message: `unknown user "${parsed.ownerId}"`, code: "unknown_user" },
      ]);
    const now = toIsoInstant(snapshot.scope.at);
    const { pipelineId: _p, stageId: _s, ...fields } = parsed;
    const base = {
      ...fields,
      id: parsed.id ?? this.#deps.environment.newId(),
      products: parsed.products ?? [],
      ...(parsed.accountId === undefined && account !== null ? { accountId: account.id } : {}),
      state: "open" as const,
      createdAt: now,
      updatedAt: now,
      stageEnteredAt: now,
    };
    const pipelines = await this.#deps.pipelines.list();
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
      routing = this.#deps.pipelines.route(
        preview,
        await this.#deps.pipelines.routing(),
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
      this.#loader.context(snapshot, pipeline, { contact, account }, []),
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
    const [written] = await storage.write([
      ...transition.operations(0),
      ...this.#journalOf(transition),
    ]);
    const deal = revised<Deal>(transition.record(), written);
    this.#deps.events.emit("deal.created", { deal, routing });
    this.#emit(transition);
    return deal;
  }

  /**
   * Updates a deal's fields, then advances it while its goals hold.
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED` (including a currency other than the
   * pipeline's), `REVISION_CONFLICT`
   */
  async update(id: string, patch: DealPatch, options: DealWriteOptions = {}): Promise<Deal> {
    const parsed = parseDealPatch(patch);
    return this.#change(
      id,
      options,
      async (transition, _deal, pipeline) => {
        if (parsed.currency !== undefined && parsed.currency !== pipeline.currency)
          throw validationError("deal update", [
            {
              path: ["currency"],
              message: `pipeline "${pipeline.id}" values deals in ${pipeline.currency}, not ${parsed.currency}`,
              code: "currency_mismatch",
            },
          ]);
        patchDeal(transition.deal, parsed);
        transition.deal.updatedAt = transition.at;
        await transition.cascade();
        return undefined;
      },
      parsed.contactId !== undefined || parsed.accountId !== undefined
        ? { contactId: parsed.contactId, accountId: parsed.accountId }
        : undefined,
    );
  }

  /**
   * Moves a deal to a stage of its pipeline, forward or back (a won or lost deal is reopened by a
   * move to an open stage). A stage whose entry requirements are unmet is refused with the missing
   * fields; a lost stage needs `lostReason`.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` for a stage of another pipeline,
   * `REVISION_CONFLICT`
   */
  async move(id: string, stageId: string, options: MoveOptions = {}): Promise<MoveResult> {
    let refused: MoveResult | undefined;
    let advanced: string[] = [];
    const deal = await this.#change(id, options, async (transition, current, pipeline) => {
      const stage = pipeline.stages.find((s) => s.id === stageId);
      if (stage === undefined) {
        throw new CrmkitError(
          "INVALID_TRANSITION",
          `Stage "${stageId}" is not a stage of pipeline "${pipeline.id}", where deal "${id}" is.`,
          { details: { id, path: ["stageId"] } },
        );
      }
      if (stage.id === current.stageId) return "unchanged";
      const missing = transition.missingFor(stage);
      if (stage.kind === "lost" && (options.lostReason ?? "").trim() === "")
        missing.push({ field: "lostReason", label: "Lost reason" });
      if (missing.length > 0) {
        refused = { ok: false, stageId, missing };
        return "unchanged";
      }
      transition.leave("manual", options.by);
      await transition.enter(stage, "manual", options.by, current.stageId);
      if (stage.kind === "lost") transition.deal.lostReason = options.lostReason!.trim();
      advanced = await transition.cascade();
      return undefined;
    });
    return refused ?? { ok: true, deal, advancedThrough: advanced };
  }

  /** Moves a deal to its pipeline's (first) won stage. @throws as {@link DealService.move} */
  async win(id: string, options: DealWriteOptions = {}): Promise<MoveResult> {
    const pipeline = await this.#deps.pipelines.require((await this.require(id)).pipelineId);
    return this.move(id, pipeline.stages.find((stage) => stage.kind === "won")!.id, options);
  }

  /** Moves a deal to its pipeline's (first) lost stage, with the reason. @throws as {@link DealService.move} */
  async lose(id: string, reason: string, options: DealWriteOptions = {}): Promise<MoveResult> {
    const pipeline = await this.#deps.pipelines.require((await this.require(id)).pipelineId);
    return this.move(id, pipeline.stages.find((stage) => stage.kind === "lost")!.id, {
      ...options,
      lostReason: reason,
    });
  }

  /**
   * Assigns a deal again: by the assignment rules, or to a target (a user, a pool…). The decision
   * is recorded like any other.
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED` for a target naming nobody, `REVISION_CONFLICT`
   */
  async assign(
    id: string,
    target?: AssignmentTarget,
    options: DealWriteOptions = {},
  ): Promise<AssignmentDecision> {
    let decision: AssignmentDecision | undefined;
    await this.#change(id, options, async (transition, _deal, _pipeline, snapshot) => {
      if (target !== undefined) {
        const issues = this.#deps.assignment.checkTarget(target, snapshot, ["target"]);
        if (issues.length > 0) throw validationError("assignment target", issues);
      }
      await transition.assign(
        target === undefined ? { rules: true } : { target, label: "assigned by hand" },
        "manual",
      );
      for (const pending of transition.events)
        if (pending.type === "deal.assigned") decision = { ...pending.event.decision, revision: 1 };
      return undefined;
    });
    return decision!;
  }

  /**
   * Re-checks a deal's goal (after a change crmkit cannot see, or a clock-dependent goal) and
   * advances it while goals hold. Returns the stages passed through.
   * @throws CrmkitError `NOT_FOUND`
   */
  async reevaluate(id: string): Promise<string[]> {
    let passed: string[] = [];
    await this.#change(id, {}, async (transition) => {
      passed = await transition.cascade();
      return passed.length === 0 ? "unchanged" : undefined;
    });
    return passed;
  }

  /** Re-checks the open deals of a contact or account after it changed. @internal */
  async reevaluateFor(index: "contactId" | "accountId", ids: readonly string[]): Promise<void> {
    for (const partyId of ids) {
      const page = await pipelineTables.deals.query(this.#deps.storage, {
        index,
        where: { eq: partyId },
      });
      for (const deal of page.records) if (deal.state === "open") await this.reevaluate(deal.id);
    }
  }

  /**
   * Whether a deal matches a condition of the query language, read as stage goals read it (the
   * deal with its contact, account and activities). A query that does not compile is `false`.
   * @throws CrmkitError `NOT_FOUND`
   */
  async matches(id: string, query: SegmentQuery): Promise<boolean> {
    const deal = await this.require(id);
    const pipeline = await this.#deps.pipelines.require(deal.pipelineId);
    const snapshot = await this.#deps.assignment.snapshot(this.#deps.environment.now());
    const transition = await this.#loader.transition(deal, pipeline, snapshot);
    const compiled = compileCondition(query, "deal", snapshot.scope);
    return compiled.ok && compiled.condition.test(transition.view());
  }

  /**
   * What the deal's current stage goal still lacks, in words a UI can show; and, when the goal
   * holds but the deal cannot advance, the next stage's missing entry fields.
   * @throws CrmkitError `NOT_FOUND`
   */
  async whatIsMissing(id: string): Promise<GoalStatus> {
    const deal = await this.require(id);
    const pipeline = await this.#deps.pipelines.require(deal.pipelineId);
    const snapshot = await this.#deps.assignment.snapshot(this.#deps.environment.now());
    const transition = await this.#loader.transition(deal, pipeline, snapshot);
    const stage = transition.stage();
    const base = { dealId: id, stageId: stage.id, hasGoal: stage.goal !== undefined };
    if (stage.goal === undefined || deal.state !== "open")
      return { ...base, met: false, missing: [], blockedBy: [] };
    const compiled = compileCondition(stage.goal, "deal", snapshot.scope);
    if (!compiled.ok) return { ...base, met: false, missing: [], blockedBy: [] };
    const explanation = compiled.condition.explain(transition.view());
    const next = transition.nextStage();
    return {
      ...base,
      met: explanation.matched,
      missing: unmetParts(stage.goal, explanation, snapshot.scope.taxonomy),
      blockedBy: explanation.matched && next !== undefined ? transition.missingFor(next) : [],
    };
  }

  /**
   * The open deals rotting at an instant: idle (no update, counted from stage entry or the last
   * update, never from creation) for more days than their stage allows.
   */
  async rotten(
    options: { readonly pipelineId?: string; readonly at?: number } = {},
  ): Promise<RottenDeal[]> {
    const at = options.at ?? this.#deps.environment.now();
    const out: RottenDeal[] = [];
    const pipelines = (await this.#deps.pipelines.list()).filter(
      (p) => options.pipelineId === undefined || p.id === options.pipelineId,
    );
    for (const pipeline of pipelines) {
      for (const stage of pipeline.stages) {
        if (stage.rottingDays === undefined || stage.kind !== "open") continue;
        for await (const batch of pipelineTables.deals.scan(this.#deps.storage, {
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

  /** Reads what a change needs, applies it, writes it in one batch, emits its events; retries races. */
  async #change(
    id: string,
    options: DealWriteOptions,
    apply: (
      transition: Transition,
      deal: Deal,
      pipeline: Pipeline,
      snapshot: AssignmentSnapshot,
    ) => Promise<"unchanged" | undefined>,
    parties?: { contactId?: string | null | undefined; accountId?: string | null | undefined },
  ): Promise<Deal> {
    for (let attempt = 1; ; attempt++) {
      try {
        const deal = await this.require(id);
        if (options.expectedRevision !== undefined && deal.revision !== options.expectedRevision) {
          throw new CrmkitError(
            "REVISION_CONFLICT",
            `Deal "${id}" is at revision ${deal.revision}, not ${options.expectedRevision}; nothing was written.`,
            {
              details: {
                collection: pipelineTables.deals.name,
                id,
                expectedRevision: options.expectedRevision,
              },
            },
          );
        }
        const pipeline = await this.#deps.pipelines.require(deal.pipelineId);
        const snapshot = await this.#deps.assignment.snapshot(this.#deps.environment.now());
        // A patch naming another contact or account is checked, and the goal sees the new ones.
        const contactId =
          parties?.contactId === undefined ? deal.contactId : (parties.contactId ?? undefined);
        const accountId =
          parties?.accountId === undefined ? deal.accountId : (parties.accountId ?? undefined);
        const transition = await this.#loader.transition(
          deal,
          pipeline,
          snapshot,
          parties === undefined ? undefined : await this.#loader.parties(contactId, accountId),
        );
        const outcome = await apply(transition, deal, pipeline, snapshot);
        if (outcome === "unchanged") return deal;
        const [written] = await this.#deps.storage.write([
          ...transition.operations(deal.revision),
          ...this.#journalOf(transition),
        ]);
        this.#emit(transition);
        return revised<Deal>(transition.record(), written);
      } catch (error) {
        if (
          options.expectedRevision !== undefined &&
          CrmkitError.is(error, "REVISION_CONFLICT") &&
          error.details.collection === pipelineTables.deals.name
        )
          throw error;
        if (!this.#retryable(error, attempt)) throw error;
      }
    }
  }

  /** Whether a failed attempt lost a race (on the deal or assignment state) and may run again. */
  #retryable(error: unknown, attempt: number): boolean {
    return CrmkitError.is(error, "REVISION_CONFLICT") && attempt < maxAttempts;
  }

  #journalOf(transition: Transition) {
    const journal = this.#deps.journal ?? noJournal;
    return transition.events.flatMap((pending) => journal(pending.type, pending.event));
  }

  #emit(transition: Transition): void {
    for (const pending of transition.events) this.#emitOne(pending);
  }

  #emitOne<K extends keyof TransitionEvents>(pending: PendingOf<K>): void {
    const bus: Pick<EventBus<TransitionEvents>, "emit"> = this.#deps.events;
    bus.emit(pending.type, pending.event);
  }
}

/** The fields of a deal patch that `null` clears. */
type Clearable = "contactId" | "accountId" | "value" | "source" | "territory" | "expectedCloseDate";

/** Applies a parsed patch to a deal: a value sets its field, `null` clears it. */
function patchDeal(deal: DealDraft, patch: ReturnType<typeof parseDealPatch>): void {
  const set = <K extends Clearable>(key: K, value: DealDraft[K] | null | undefined) => {
    if (value === null) delete deal[key];
    else if (value !== undefined) deal[key] = value;
  };
  set("contactId", patch.contactId);
  set("accountId", patch.accountId);
  set("value", patch.value);
  set("source", patch.source);
  set("territory", patch.territory);
  set("expectedCloseDate", patch.expectedCloseDate);
  if (patch.title !== undefined) deal.title = patch.title;
  if (patch.currency !== undefined) deal.currency = patch.currency;
  if (patch.products !== undefined) deal.products = patch.products;
}

/** Parses a deal patch at the boundary. */
function parseDealPatch(patch: DealPatch) {
  return parseInput(dealPatchSchema, patch, "deal update");
}

/** Parses a new deal at the boundary. */
function parseDealInput(input: DealInput) {
  return parseInput(dealInputSchema, input, "deal");
}
