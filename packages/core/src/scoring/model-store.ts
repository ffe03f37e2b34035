import { type ValidationIssue, validationError } from "../errors.js";
import { type ConditionScope, compileCondition } from "../query/index.js";
import { collections, Held, revisionAfter } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { parseInput } from "../validation.js";
import { type CompiledModel, compileModel, globalGroup } from "./derive.js";
import { scoringModelSchema } from "./input.js";
import { scoringTables } from "./tables.js";
import type { ScoringModel, ScoringModelInput, StoredScoringModel } from "./types.js";

const modelId = "scoring";
const emptyModel: ScoringModel = { groups: [], rules: [], thresholds: [] };

/** The scoring model in storage, validated on the way in and compiled once per revision. */
export class ScoringModelStore {
  readonly #storage: StorageAdapter;
  readonly #fitScope: () => Promise<ConditionScope>;
  #compiled: { revision: number; model: CompiledModel } | undefined;
  /** The compiled model, held between writes to `meta` (where the model is stored). */
  readonly #held: Held<CompiledModel>;

  constructor(storage: StorageAdapter, fitScope: () => Promise<ConditionScope>) {
    this.#storage = storage;
    this.#fitScope = fitScope;
    this.#held = new Held(storage, [collections.meta], () => this.#load());
  }

  /** The stored model (empty, at revision 0, until one is set). */
  async read(): Promise<StoredScoringModel> {
    const record = await scoringTables.model.get(this.#storage, modelId);
    if (record === null) return { ...emptyModel, revision: 0 };
    const { id: _id, ...model } = record;
    return model;
  }

  /** The stored model, compiled (again only when its revision changed). */
  compiled(): Promise<CompiledModel> {
    return this.#held.get();
  }

  async #load(): Promise<CompiledModel> {
    const stored = await this.read();
    if (this.#compiled?.revision !== stored.revision || stored.revision === 0)
      this.#compiled = { revision: stored.revision, model: compileModel(stored, stored.revision) };
    return this.#compiled.model;
  }

  /** See {@link ScoringService.setModel}. */
  async write(
    input: ScoringModelInput & { readonly revision?: number },
    expectedRevision: number | undefined,
  ): Promise<StoredScoringModel> {
    const { revision, ...fields } = input;
    const model: ScoringModel = parseInput(scoringModelSchema, fields, "scoring model");
    const issues = await this.#problems(model);
    if (issues.length > 0) throw validationError("scoring model", issues);
    const current = await scoringTables.model.get(this.#storage, modelId);
    const [outcome] = await this.#storage.write([
      scoringTables.model.put(
        { id: modelId, ...model },
        expectedRevision ?? revision ?? current?.revision ?? 0,
      ),
    ]);
    return { ...model, revision: revisionAfter(outcome) };
  }

  /** What is wrong with a model beyond its shape: unknown groups, duplicates, bad references. */
  async #problems(model: ScoringModel): Promise<ValidationIssue[]> {
    const issues: ValidationIssue[] = [];
    const groups = new Set([globalGroup, ...model.groups.map((group) => group.id)]);
    const seen = new Set<string>();
    const duplicate = (path: (string | number)[], what: string) =>
      issues.push({ path, message: `duplicate ${what}`, code: "duplicate" });
    model.groups.forEach((group, index) => {
      if (seen.has(`group ${group.id}`)) duplicate(["groups", index, "id"], `group "${group.id}"`);
      seen.add(`group ${group.id}`);
    });
    const scope = await this.#fitScope();
    model.rules.forEach((rule, index) => {
      if (seen.has(`rule ${rule.id}`)) duplicate(["rules", index, "id"], `rule id "${rule.id}"`);
      seen.add(`rule ${rule.id}`);
      if (!groups.has(rule.group ?? globalGroup))
        issues.push({
          path: ["rules", index, "group"],
          message: `unknown group "${rule.group}"`,
          code: "unknown_group",
        });
      const when = rule.when;
      if (when.type === "fit") {
        const compiled = compileCondition(when.when, "contact", scope, [
          "rules",
          index,
          "when",
          "when",
        ]);
        if (!compiled.ok) issues.push(...compiled.issues);
      }
      if (when.type === "page" && when.returnWithin !== undefined && when.returnAfter !== undefined)
        issues.push({
          path: ["rules", index, "when", "returnAfter"],
          message: "use returnWithin or returnAfter, not both",
          code: "conflict",
        });
    });
    for (const [index, threshold] of model.thresholds.entries()) {
      if (!groups.has(threshold.group))
        issues.push({
          path: ["thresholds", index, "group"],
          message: `unknown group "${threshold.group}"`,
          code: "unknown_group",
        });
      if (seen.has(`threshold ${threshold.group}`))
        duplicate(["thresholds", index, "group"], `threshold of group "${threshold.group}"`);
      seen.add(`threshold ${threshold.group}`);
      const pipelineId = threshold.handoff === false ? undefined : threshold.handoff?.pipelineId;
      // Scoring knows no pipelines (it hands off through a port): an existence check by id.
      if (
        pipelineId !== undefined &&
        (await this.#storage.get(collections.pipelines, pipelineId)) === null
      )
        issues.push({
          path: ["thresholds", index, "handoff", "pipelineId"],
          message: `unknown pipeline "${pipelineId}"`,
          code: "unknown_pipeline",
        });
    }
    return issues;
  }
}
