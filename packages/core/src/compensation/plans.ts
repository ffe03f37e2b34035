import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { collections, table } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { parsePlan } from "./plan.js";
import type { CompensationPlan } from "./types.js";

/** One saved version of a plan. */
interface PlanVersion {
  /** `<plan id>@<version>`. */
  readonly id: string;
  readonly planId: string;
  readonly version: number;
  readonly plan: CompensationPlan;
  readonly savedAt: string;
}

/** The plan versions' collection. */
const versionTable = table<PlanVersion>(collections.compensationPlans);

/** A saved plan version. */
export interface SavedPlan {
  /** The plan. */
  readonly plan: CompensationPlan;
  /** When this version was saved. */
  readonly savedAt: string;
}

/** Variable-pay plans in storage, every version kept; a saved version never changes (`crm.compensation.plans`). */
export class PlanService {
  readonly #deps: { readonly storage: StorageAdapter; readonly environment: Environment };

  /** @internal */
  constructor(deps: { readonly storage: StorageAdapter; readonly environment: Environment }) {
    this.#deps = deps;
  }

  /**
   * Saves a plan version (a new plan is its version 1). Saving the same version again with the same content does nothing; with
   * other content it is refused — publish a new version instead.
   *
   * @throws CrmkitError `VALIDATION_FAILED` for a plan with errors, or a changed saved version
   */
  async create(input: CompensationPlan): Promise<SavedPlan> {
    const { plan } = parsePlan(input);
    const id = `${plan.id}@${plan.version}`;
    const existing = await versionTable.get(this.#deps.storage, id);
    if (existing !== null) {
      if (JSON.stringify(existing.plan) === JSON.stringify(plan))
        return { plan, savedAt: existing.savedAt };
      throw new CrmkitError(
        "VALIDATION_FAILED",
        `Version ${plan.version} of plan "${plan.id}" is already saved with other content: save version ${plan.version + 1}.`,
        { details: { path: ["version"] } },
      );
    }
    const savedAt = toIsoInstant(this.#deps.environment.now());
    await this.#deps.storage.write([
      versionTable.put({ id, planId: plan.id, version: plan.version, plan, savedAt }, 0),
    ]);
    return { plan, savedAt };
  }

  /** Reads a plan: one version, or the latest. */
  async get(planId: string, version?: number): Promise<SavedPlan | null> {
    const versions = await this.versions(planId);
    const found =
      version === undefined
        ? versions[versions.length - 1]
        : versions.find((v) => v.plan.version === version);
    return found ?? null;
  }

  /** Every saved version of a plan, oldest first. */
  async versions(planId: string): Promise<SavedPlan[]> {
    const page = await versionTable.query(this.#deps.storage, {
      index: "planId",
      where: { eq: planId },
    });
    return page.records
      .map((record) => ({ plan: record.plan, savedAt: record.savedAt }))
      .sort((a, b) => a.plan.version - b.plan.version);
  }
}
