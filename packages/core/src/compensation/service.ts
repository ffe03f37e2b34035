import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { Actuals, MetricRef, ObjectiveService } from "../objectives/index.js";
import { collections } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { parsePlan } from "./plan.js";
import { type SimulateOptions, simulate } from "./simulate.js";
import type { CompensationPlan, SimulationResult } from "./types.js";

/** A saved plan version. */
export interface SavedPlan {
  /** The plan. */
  readonly plan: CompensationPlan;
  /** When this version was saved. */
  readonly savedAt: string;
}

/** What {@link CompensationService} needs. */
export interface CompensationServiceDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** The clock. */
  readonly environment: Environment;
  /** Objectives: targets and measured actuals. */
  readonly objectives: ObjectiveService;
}

/** The metrics a plan reads: its criteria's and its collective component's. */
export function planMetrics(plan: CompensationPlan): MetricRef[] {
  const metrics = [...plan.criteria.map((c) => c.metric)];
  if (plan.collective !== undefined) metrics.push(plan.collective.metric);
  return metrics;
}

/**
 * Variable-pay plans in storage (every version kept, a saved version never changes) and their
 * replay on the figures crmkit holds. The engine itself is pure: see {@link simulate},
 * `comparePlans` (`@crmkit/core/compensation`) and `whatIf`, which also take a supplied dataset.
 */
export class CompensationService {
  readonly #deps: CompensationServiceDeps;

  /** @internal */
  constructor(deps: CompensationServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Saves a plan version. Saving the same version again with the same content does nothing; with
   * other content it is refused — publish a new version instead.
   *
   * @throws CrmkitError `VALIDATION_FAILED` for a plan with errors, or a changed saved version
   */
  async savePlan(input: CompensationPlan): Promise<SavedPlan> {
    const { plan } = parsePlan(input);
    const id = `${plan.id}@${plan.version}`;
    const existing = await this.#deps.storage.get(collections.compensationPlans, id);
    if (existing !== null) {
      if (JSON.stringify(existing.plan) === JSON.stringify(plan))
        return { plan, savedAt: existing.savedAt as string };
      throw new CrmkitError(
        "VALIDATION_FAILED",
        `Version ${plan.version} of plan "${plan.id}" is already saved with other content: save version ${plan.version + 1}.`,
        { details: { path: ["version"] } },
      );
    }
    const savedAt = toIsoInstant(this.#deps.environment.now());
    await this.#deps.storage.write([
      {
        type: "put",
        collection: collections.compensationPlans,
        record: { id, planId: plan.id, version: plan.version, plan: plan as never, savedAt },
        expectedRevision: 0,
      },
    ]);
    return { plan, savedAt };
  }

  /** Reads a plan: one version, or the latest. */
  async getPlan(planId: string, version?: number): Promise<SavedPlan | null> {
    const versions = await this.versions(planId);
    const found =
      version === undefined
        ? versions[versions.length - 1]
        : versions.find((v) => v.plan.version === version);
    return found ?? null;
  }

  /** Every saved version of a plan, oldest first. */
  async versions(planId: string): Promise<SavedPlan[]> {
    const page = await this.#deps.storage.query({
      collection: collections.compensationPlans,
      index: "planId",
      where: { eq: planId },
    });
    return page.records
      .map((record) => ({
        plan: record.plan as unknown as CompensationPlan,
        savedAt: record.savedAt as string,
      }))
      .sort((a, b) => a.plan.version - b.plan.version);
  }

  /**
   * Measures the figures a plan needs for a period from storage, with targets from objectives.
   * Reps measured: the plan's reps (and every active rep when the plan has default terms).
   */
  async actuals(
    plan: CompensationPlan,
    period: string,
    options: {
      readonly proposalStages?: readonly string[];
      /** Measure these metrics instead of the plan's. */
      readonly metrics?: readonly MetricRef[];
    } = {},
  ): Promise<Actuals> {
    const actuals = await this.#deps.objectives.actuals({
      period,
      metrics: options.metrics ?? planMetrics(plan),
      ...(plan.defaultTerms === undefined ? { userIds: plan.reps.map((rep) => rep.repId) } : {}),
      ...(options.proposalStages === undefined ? {} : { proposalStages: options.proposalStages }),
    });
    return { ...actuals, currency: plan.currency };
  }

  /**
   * Measures from storage and simulates (see {@link simulate}); with `options.current`, the figures
   * both plans need are measured once.
   */
  async simulate(
    plan: CompensationPlan,
    period: string,
    options: SimulateOptions = {},
  ): Promise<SimulationResult> {
    const metrics = planMetrics(plan);
    if (options.current !== undefined) metrics.push(...planMetrics(options.current));
    const actuals = await this.actuals(plan, period, { metrics });
    return simulate(plan, actuals, period, options);
  }
}
