import type { Environment } from "../environment.js";
import { CrmkitError, type ValidationIssue, validationError } from "../errors.js";
import { compileCondition } from "../query/index.js";
import { collections, readAll, revisionAfter, tables } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { parseInput } from "../validation.js";
import { type PoolInput, poolInputSchema } from "./input.js";
import { assignmentTables } from "./tables.js";
import type { AssignmentRules, AssignmentSnapshot, AssignmentTarget, Pool } from "./types.js";

/** What the pool service is built on. @internal */
export interface PoolServiceDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  /** Users, pools and definitions at an instant, to check a pool's members and fallback. */
  readonly snapshot: (at: number) => Promise<AssignmentSnapshot>;
  /** The assignment rules, to refuse removing a pool they name. */
  readonly rules: () => Promise<AssignmentRules>;
}

/** Assignment pools: who leads are spread among, and how (`crm.assignment.pools`). */
export class PoolService {
  readonly #deps: PoolServiceDeps;

  /** @internal */
  constructor(deps: PoolServiceDeps) {
    this.#deps = deps;
  }

  /** Lists the pools. */
  async list(): Promise<Pool[]> {
    return assignmentTables.pools.all(this.#deps.storage);
  }

  /** Reads a pool, or `null`. */
  async get(id: string): Promise<Pool | null> {
    return assignmentTables.pools.get(this.#deps.storage, id);
  }

  /**
   * Creates a pool.
   * @throws CrmkitError `VALIDATION_FAILED` (unknown team, user or fallback pool; invalid user query),
   * `UNIQUE_VIOLATION` for a taken id
   */
  async create(input: PoolInput): Promise<Pool> {
    const parsed = await this.#checkPool(input, undefined);
    const record = { ...parsed, id: parsed.id ?? this.#deps.environment.newId() };
    const [outcome] = await this.#deps.storage.write([assignmentTables.pools.put(record, 0)]);
    return { ...record, revision: revisionAfter(outcome) };
  }

  /**
   * Replaces a pool's definition (its rotation state is kept).
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED`, `REVISION_CONFLICT`
   */
  async update(id: string, input: Omit<PoolInput, "id">): Promise<Pool> {
    const current = await this.get(id);
    if (current === null)
      throw new CrmkitError("NOT_FOUND", `There is no pool "${id}".`, { details: { id } });
    const parsed = await this.#checkPool({ ...input, id }, id);
    const record = { ...parsed, id };
    const [outcome] = await this.#deps.storage.write([
      assignmentTables.pools.put(record, current.revision),
    ]);
    return { ...record, revision: revisionAfter(outcome) };
  }

  /**
   * Removes a pool.
   * @throws CrmkitError `IN_USE` while a rule, another pool's fallback or a pipeline stage names it
   */
  async remove(id: string): Promise<void> {
    const rules = await this.#deps.rules();
    const usedByRules =
      rules.rules.filter((rule) => rule.target.kind === "pool" && rule.target.poolId === id)
        .length + (rules.fallbackPoolId === id ? 1 : 0);
    const usedByPools = (await this.list()).filter((pool) => pool.fallbackPoolId === id).length;
    let usedByStages = 0;
    for (const pipeline of await readAll(this.#deps.storage, collections.pipelines)) {
      for (const stage of pipeline.stages as { assignOnEntry?: AssignmentTarget }[]) {
        if (stage.assignOnEntry?.kind === "pool" && stage.assignOnEntry.poolId === id)
          usedByStages++;
      }
    }
    const count = usedByRules + usedByPools + usedByStages;
    if (count > 0) {
      throw new CrmkitError(
        "IN_USE",
        `Pool "${id}" is named by ${usedByRules} rule(s), ${usedByPools} pool(s) and ${usedByStages} stage(s).`,
        {
          details: {
            id,
            count,
            usedBy: { rules: usedByRules, pools: usedByPools, stages: usedByStages },
          },
        },
      );
    }
    await this.#deps.storage.write([
      assignmentTables.pools.remove(id),
      assignmentTables.rotations.remove(`pool:${id}`),
    ]);
  }

  async #checkPool(input: PoolInput, self: string | undefined): Promise<PoolInput> {
    const parsed: PoolInput = parseInput(poolInputSchema, input, "pool");
    const snapshot = await this.#deps.snapshot(this.#deps.environment.now());
    const issues: ValidationIssue[] = [];
    const members = parsed.members;
    if (
      "teamId" in members &&
      (await tables.teams.get(this.#deps.storage, members.teamId)) === null
    )
      issues.push({
        path: ["members", "teamId"],
        message: `unknown team "${members.teamId}"`,
        code: "unknown_team",
      });
    if ("userIds" in members) {
      for (const [index, userId] of members.userIds.entries())
        if (!snapshot.users.has(userId))
          issues.push({
            path: ["members", "userIds", index],
            message: `unknown user "${userId}"`,
            code: "unknown_user",
          });
    }
    if ("query" in members) {
      const compiled = compileCondition(members.query, "user", snapshot.scope, [
        "members",
        "query",
      ]);
      if (!compiled.ok) issues.push(...compiled.issues);
    }
    // A fallback chain must end: follow it and refuse a loop back to this pool.
    let fallback = parsed.fallbackPoolId;
    const seen = new Set<string>(self === undefined ? [] : [self]);
    while (fallback !== undefined) {
      const next = snapshot.pools.get(fallback);
      if (next === undefined) {
        issues.push({
          path: ["fallbackPoolId"],
          message: `unknown pool "${fallback}"`,
          code: "unknown_pool",
        });
        break;
      }
      if (seen.has(fallback)) {
        issues.push({
          path: ["fallbackPoolId"],
          message: "the fallback chain loops",
          code: "fallback_cycle",
        });
        break;
      }
      seen.add(fallback);
      fallback = next.fallbackPoolId;
    }
    if (issues.length > 0) throw validationError("pool", issues);
    return parsed;
  }
}
