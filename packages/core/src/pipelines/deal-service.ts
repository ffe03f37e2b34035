// Length: the deal verbs with their TSDoc, each a few lines over one read-apply-write loop;
// creation, queries, loading and transitions are apart.
import type {
  AssignmentDecision,
  AssignmentSnapshot,
  AssignmentTarget,
} from "../assignment/index.js";
import { BackgroundLoop } from "../background.js";
import { CrmkitError, validationError } from "../errors.js";
import type { EventBus } from "../events/index.js";
import { noJournal } from "../events/index.js";
import type { RecordPage, SegmentQuery } from "../query/index.js";
import { compileCondition } from "../query/index.js";
import { revised } from "../records/index.js";
import { parseDealInput, planNewDeal } from "./deal-create.js";
import { type DealInput, type DealPatch, parseDealPatch, patchDeal } from "./deal-input.js";
import { DealLoader } from "./deal-loader.js";
import { goalStatus, listDeals, rottenDeals } from "./deal-queries.js";
import type {
  DealDeps,
  DealFilter,
  DealWriteOptions,
  GoalStatus,
  MoveOptions,
  MoveResult,
  RottenDeal,
} from "./deal-types.js";
import {
  type DealApply,
  type DrainQueueOptions,
  drainQueue,
  type QueueDrainReport,
} from "./queue.js";
import { pipelineTables } from "./tables.js";
import type { PendingOf, Transition, TransitionEvents } from "./transition.js";
import type { Deal, StageStay } from "./types.js";

// Each round of a race lets one writer through, so n concurrent writers need at most n attempts.
const maxAttempts = 64;

/**
 * Deals: creation (routing, assignment, entry into the first stage), updates, moves, goals that
 * advance deals by themselves, stage history, rotting, and hand-offs.
 */
export class DealService {
  readonly #deps: DealDeps;
  readonly #loader: DealLoader;
  readonly #drains = new BackgroundLoop(() => this.drainQueue());

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
  list(filter: DealFilter = {}): Promise<RecordPage<Deal>> {
    return listDeals(this.#deps, filter);
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
        const { transition, routing } = await planNewDeal(
          this.#deps,
          this.#loader,
          parsed,
          options.by,
        );
        const [written] = await this.#deps.storage.write([
          ...transition.operations(0),
          ...this.#journalOf(transition),
        ]);
        const deal = revised<Deal>(transition.record(), written);
        this.#deps.events.emit("deal.created", { deal, routing });
        this.#emit(transition);
        return deal;
      } catch (error) {
        if (!this.#retryable(error, attempt)) throw error;
      }
    }
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
   * Offers the deals waiting in the unassigned queue again, in arrival order: each goes to whoever
   * the rules (or its stage's hand-off) pick now, and its decision says why ("waited in the
   * unassigned queue since 2026-05-18 02:14; assigned at 09:00 when Anna Roux's working day
   * started"). A deal that has waited past the rules' `queueDeadline` goes to the deadline's pool,
   * regardless of working hours and capacity. Only deals somebody takes are written, each in one
   * revision-checked batch: processes draining at once assign a deal once.
   *
   * It runs by itself when reps may have become available: at every `crm.automations.runDue`
   * (working hours starting, absences ending, capacity periods turning), and — on a store that
   * reports its writes — right after the rules, pools, users or absences change
   * ({@link DealService.settle} waits for those).
   */
  drainQueue(options: DrainQueueOptions = {}): Promise<QueueDrainReport> {
    return drainQueue(this.#deps, (id, apply) => this.#change(id, {}, apply), options);
  }

  /** Asks for a drain soon (a change of rules, pools, users or absences); coalesces requests. @internal */
  requestDrain(): void {
    this.#drains.request();
  }

  /**
   * Waits until the queue drains started by changes have finished; returns how many failed (a
   * failed drain leaves the queue as it was — the next one takes it up).
   */
  async settle(): Promise<number> {
    return (await this.#drains.idle()).length;
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
    const { transition, snapshot } = await this.#inspect(id);
    const compiled = compileCondition(query, "deal", snapshot.scope);
    return compiled.ok && compiled.condition.test(transition.view());
  }

  /**
   * What the deal's current stage goal still lacks, in words a UI can show; and, when the goal
   * holds but the deal cannot advance, the next stage's missing entry fields.
   * @throws CrmkitError `NOT_FOUND`
   */
  async whatIsMissing(id: string): Promise<GoalStatus> {
    const { transition, snapshot } = await this.#inspect(id);
    return goalStatus(transition, snapshot.scope);
  }

  /** A deal's transition as of now, to ask it questions without changing it. */
  async #inspect(id: string): Promise<{ transition: Transition; snapshot: AssignmentSnapshot }> {
    const deal = await this.require(id);
    const pipeline = await this.#deps.pipelines.require(deal.pipelineId);
    const snapshot = await this.#deps.assignment.snapshot(this.#deps.environment.now());
    return { transition: await this.#loader.transition(deal, pipeline, snapshot), snapshot };
  }

  /**
   * The open deals rotting at an instant: idle (no update, counted from stage entry or the last
   * update, never from creation) for more days than their stage allows.
   */
  rotten(
    options: { readonly pipelineId?: string; readonly at?: number } = {},
  ): Promise<RottenDeal[]> {
    return rottenDeals(this.#deps, options);
  }

  /** Reads what a change needs, applies it, writes it in one batch, emits its events; retries races. */
  async #change(
    id: string,
    options: DealWriteOptions,
    apply: DealApply,
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
