// Length: pipeline definitions and routing with their checks; deals are apart.
import type { AssignmentService } from "../assignment/index.js";
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, type ValidationIssue, validationError } from "../errors.js";
import { type ConditionScope, compileCondition } from "../query/index.js";
import { collections, revised, tables } from "../records/index.js";
import type { StorageAdapter, StoredRecord } from "../storage/index.js";
import { parseInput } from "../validation.js";
import {
  type PipelineInput,
  pipelineInputSchema,
  type RoutingRule,
  routingRulesSchema,
} from "./input.js";
import { pipelineTables } from "./tables.js";
import type { Pipeline, Stage } from "./types.js";

/** What the pipeline service is built on. */
export interface PipelineDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
  /** The workspace currency: the default of new pipelines. */
  readonly currency: string;
  /** Checks assignment targets named by stages. */
  readonly assignment: AssignmentService;
}

/** Which pipeline a new deal enters, and why. */
export interface RoutingDecision {
  /** The pipeline. */
  readonly pipelineId: string;
  /** The rule that matched, or `undefined` for the default (first) pipeline. */
  readonly ruleId?: string;
  /** Rules skipped because they name a pipeline that no longer exists. */
  readonly skipped: readonly string[];
}

const routingId = "routing";

/**
 * Pipelines (ordered stages with goals, tasks, list hooks and hand-offs) and the routing rules that
 * choose the pipeline of a new deal.
 */
export class PipelineService {
  readonly #deps: PipelineDeps;

  /** @internal */
  constructor(deps: PipelineDeps) {
    this.#deps = deps;
  }

  /** Lists the pipelines in order; the first is the default. */
  async list(): Promise<Pipeline[]> {
    const pipelines = await pipelineTables.pipelines.all(this.#deps.storage);
    return pipelines.sort(
      (a, b) => a.position - b.position || a.createdAt.localeCompare(b.createdAt),
    );
  }

  /** Reads a pipeline, or `null`. */
  async get(id: string): Promise<Pipeline | null> {
    return pipelineTables.pipelines.get(this.#deps.storage, id);
  }

  /** Reads a pipeline. @throws CrmkitError `NOT_FOUND` */
  async require(id: string): Promise<Pipeline> {
    const pipeline = await this.get(id);
    if (pipeline === null)
      throw new CrmkitError("NOT_FOUND", `There is no pipeline "${id}".`, { details: { id } });
    return pipeline;
  }

  /**
   * Creates a pipeline.
   * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad stage field (an invalid goal, an
   * unknown requirement field, a task for an unknown user…), `UNIQUE_VIOLATION` for a taken id
   * @example
   * ```ts
   * await crm.pipelines.create({
   *   id: "new-business",
   *   name: "New business",
   *   stages: [
   *     { id: "lead", name: "New lead", probability: 10, goal: q.field("value").exists() },
   *     { id: "proposal", name: "Proposal", probability: 60, rottingDays: 14 },
   *     { id: "won", name: "Won", kind: "won" },
   *     { id: "lost", name: "Lost", kind: "lost" },
   *   ],
   * });
   * ```
   */
  async create(input: PipelineInput): Promise<Pipeline> {
    const existing = await this.list();
    const pipeline = await this.#check(input, undefined);
    const now = toIsoInstant(this.#deps.environment.now());
    const record = {
      ...pipeline,
      id: pipeline.id ?? this.#deps.environment.newId(),
      position:
        pipeline.position ?? existing.reduce((max, other) => Math.max(max, other.position + 1), 0),
      createdAt: now,
      updatedAt: now,
    };
    const [outcome] = await this.#deps.storage.write([pipelineTables.pipelines.put(record, 0)]);
    return revised<Pipeline>(record, outcome);
  }

  /**
   * Replaces a pipeline's name, position and stages. Deals keep their stage, so a stage that holds
   * deals cannot be removed, and the currency cannot change while the pipeline has deals.
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED`, `IN_USE` (a removed stage holds deals),
   * `REVISION_CONFLICT`
   */
  async update(
    id: string,
    input: Omit<PipelineInput, "id">,
    options: { readonly expectedRevision?: number } = {},
  ): Promise<Pipeline> {
    const current = await this.require(id);
    const pipeline = await this.#check({ ...input, id }, current);
    const removed = current.stages.filter(
      (stage) => !pipeline.stages.some((kept) => kept.id === stage.id),
    );
    for (const stage of removed) {
      const count = await this.#dealsIn(id, stage.id);
      if (count > 0) {
        throw new CrmkitError(
          "IN_USE",
          `Stage "${stage.id}" holds ${count} deal(s); move them before removing it.`,
          { details: { id: stage.id, count, usedBy: { deals: count } } },
        );
      }
    }
    const record = {
      ...pipeline,
      id,
      position: pipeline.position ?? current.position,
      createdAt: current.createdAt,
      updatedAt: toIsoInstant(this.#deps.environment.now()),
    };
    const [outcome] = await this.#deps.storage.write([
      pipelineTables.pipelines.put(record, options.expectedRevision ?? current.revision),
    ]);
    return revised<Pipeline>(record, outcome);
  }

  /**
   * Removes a pipeline.
   * @throws CrmkitError `IN_USE` while it holds deals or a routing rule names it
   */
  async remove(id: string): Promise<void> {
    const current = await this.require(id);
    const deals = await this.#deps.storage.count({
      collection: collections.deals,
      index: "pipelineId",
      where: { eq: id },
    });
    const rules = (await this.routing()).filter((rule) => rule.pipelineId === id).length;
    if (deals + rules > 0) {
      throw new CrmkitError(
        "IN_USE",
        `Pipeline "${id}" holds ${deals} deal(s) and is named by ${rules} routing rule(s).`,
        { details: { id, count: deals + rules, usedBy: { deals, rules } } },
      );
    }
    await this.#deps.storage.write([pipelineTables.pipelines.remove(id, current.revision)]);
  }

  /** The routing rules, in order. */
  async routing(): Promise<RoutingRule[]> {
    const record = await pipelineTables.routing.get(this.#deps.storage, routingId);
    return record === null ? [] : [...record.rules];
  }

  /**
   * Replaces the routing rules: the first rule whose condition matches a new deal (with its contact
   * and account) chooses its pipeline; the first pipeline takes the rest.
   * @throws CrmkitError `VALIDATION_FAILED` for an invalid condition or an unknown pipeline
   */
  async setRouting(rules: readonly RoutingRule[]): Promise<RoutingRule[]> {
    const parsed: RoutingRule[] = parseInput(routingRulesSchema, rules, "routing rules");
    const scope = (await this.#deps.assignment.snapshot(this.#deps.environment.now())).scope;
    const pipelines = new Set((await this.list()).map((pipeline) => pipeline.id));
    const issues: ValidationIssue[] = [];
    const seen = new Set<string>();
    for (const [index, rule] of parsed.entries()) {
      if (seen.has(rule.id))
        issues.push({
          path: [index, "id"],
          message: `duplicate rule id "${rule.id}"`,
          code: "duplicate",
        });
      seen.add(rule.id);
      const compiled = compileCondition(rule.when, "deal", scope, [index, "when"]);
      if (!compiled.ok) issues.push(...compiled.issues);
      if (!pipelines.has(rule.pipelineId))
        issues.push({
          path: [index, "pipelineId"],
          message: `unknown pipeline "${rule.pipelineId}"`,
          code: "unknown_pipeline",
        });
    }
    if (issues.length > 0) throw validationError("routing rules", issues);
    const current = await pipelineTables.routing.get(this.#deps.storage, routingId);
    await this.#deps.storage.write([
      pipelineTables.routing.put({ id: routingId, rules: parsed }, current?.revision ?? 0),
    ]);
    return parsed;
  }

  /**
   * Chooses the pipeline of a new deal given as its view (the deal with `contact` and `account`
   * embedded). @internal
   */
  route(
    view: StoredRecord,
    rules: readonly RoutingRule[],
    pipelines: readonly Pipeline[],
    scope: ConditionScope,
  ): RoutingDecision {
    const skipped: string[] = [];
    for (const rule of rules) {
      if (!pipelines.some((pipeline) => pipeline.id === rule.pipelineId)) {
        skipped.push(rule.id);
        continue;
      }
      const compiled = compileCondition(rule.when, "deal", scope);
      if (compiled.ok && compiled.condition.test(view))
        return { pipelineId: rule.pipelineId, ruleId: rule.id, skipped };
    }
    const first = pipelines[0];
    if (first === undefined)
      throw new CrmkitError("NOT_FOUND", "There is no pipeline yet: create one before deals.", {
        details: { collection: collections.pipelines },
      });
    return { pipelineId: first.id, skipped };
  }

  async #dealsIn(pipelineId: string, stageId: string): Promise<number> {
    let count = 0;
    for await (const batch of pipelineTables.deals.scan(this.#deps.storage, {
      index: "stageId",
      where: { eq: stageId },
    })) {
      for (const deal of batch) if (deal.pipelineId === pipelineId) count++;
    }
    return count;
  }

  /** Validates a pipeline's shape and its references; fills stage defaults. */
  async #check(input: PipelineInput, current: Pipeline | undefined) {
    const parsed = parseInput(pipelineInputSchema, input, "pipeline");
    const snapshot = await this.#deps.assignment.snapshot(this.#deps.environment.now());
    const issues: ValidationIssue[] = [];
    const problem = (path: (string | number)[], message: string, code = "invalid_pipeline") =>
      issues.push({ path, message, code });
    const ids = new Set<string>();
    let terminalSeen = false;
    const stages: Stage[] = parsed.stages.map((stage, index) => {
      const at = (...rest: (string | number)[]) => ["stages", index, ...rest];
      if (ids.has(stage.id)) problem(at("id"), `duplicate stage id "${stage.id}"`);
      ids.add(stage.id);
      if (stage.kind === "open") {
        if (terminalSeen) problem(at("kind"), "open stages come before the won and lost stages");
        if (stage.probability === undefined)
          problem(at("probability"), "an open stage needs a win probability (0–100)");
      } else {
        terminalSeen = true;
        const fixed = stage.kind === "won" ? 100 : 0;
        if (stage.probability !== undefined && stage.probability !== fixed)
          problem(at("probability"), `a ${stage.kind} stage has probability ${fixed}`);
        if (stage.goal !== undefined) problem(at("goal"), "only open stages have goals");
      }
      if (stage.goal !== undefined) {
        const compiled = compileCondition(stage.goal, "deal", snapshot.scope, at("goal"));
        if (!compiled.ok) issues.push(...compiled.issues);
      }
      for (const [position, field] of (stage.entryRequirements ?? []).entries()) {
        const probe = compileCondition({ op: "exists", field }, "deal", snapshot.scope);
        if (!probe.ok)
          problem(at("entryRequirements", position), `unknown field "${field}"`, "unknown_field");
      }
      for (const [position, task] of (stage.tasks ?? []).entries()) {
        const assignee = task.assignee;
        if (assignee?.kind === "user" && !snapshot.users.has(assignee.userId))
          problem(
            at("tasks", position, "assignee", "userId"),
            `unknown user "${assignee.userId}"`,
            "unknown_user",
          );
      }
      if (stage.assignOnEntry !== undefined)
        issues.push(
          ...this.#deps.assignment.checkTarget(stage.assignOnEntry, snapshot, at("assignOnEntry")),
        );
      return {
        ...stage,
        probability:
          stage.kind === "won" ? 100 : stage.kind === "lost" ? 0 : (stage.probability ?? 0),
      } satisfies Stage;
    });
    for (const [index, stage] of parsed.stages.entries()) {
      for (const [position, task] of (stage.tasks ?? []).entries()) {
        if (
          task.assignee?.kind === "team" &&
          (await tables.teams.get(this.#deps.storage, task.assignee.teamId)) === null
        )
          problem(
            ["stages", index, "tasks", position, "assignee", "teamId"],
            `unknown team "${task.assignee.teamId}"`,
            "unknown_team",
          );
      }
      for (const [position, hook] of (stage.lists ?? []).entries()) {
        const until = hook.unsubscribe;
        if (typeof until === "object" && !ids.has(until.atStage))
          problem(
            ["stages", index, "lists", position, "unsubscribe", "atStage"],
            `unknown stage "${until.atStage}"`,
          );
      }
    }
    if (!stages.some((stage) => stage.kind === "open"))
      problem(["stages"], "a pipeline needs an open stage");
    if (!stages.some((stage) => stage.kind === "won"))
      problem(["stages"], "a pipeline needs a won stage");
    if (!stages.some((stage) => stage.kind === "lost"))
      problem(["stages"], "a pipeline needs a lost stage");
    const currency = parsed.currency ?? current?.currency ?? this.#deps.currency;
    if (current !== undefined && currency !== current.currency) {
      const deals = await this.#deps.storage.count({
        collection: collections.deals,
        index: "pipelineId",
        where: { eq: current.id },
      });
      if (deals > 0)
        problem(
          ["currency"],
          `the pipeline holds ${deals} deal(s) valued in ${current.currency}`,
          "currency_in_use",
        );
    }
    if (issues.length > 0) throw validationError("pipeline", issues);
    return {
      name: parsed.name,
      ...(parsed.id === undefined ? {} : { id: parsed.id }),
      ...(parsed.position === undefined ? {} : { position: parsed.position }),
      currency,
      stages,
    };
  }
}
