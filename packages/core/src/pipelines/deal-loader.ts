import { activityTables } from "../activities/index.js";
import type { AssignmentService, AssignmentSnapshot } from "../assignment/index.js";
import type { Environment } from "../environment.js";
import { validationError } from "../errors.js";
import type { ViewActivity } from "../query/index.js";
import { type Account, type Contact, tables } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { pipelineTables } from "./tables.js";
import { type DealDraft, Transition, type TransitionContext } from "./transition.js";
import type { Deal, Pipeline, StageStay } from "./types.js";

/** A deal's contact and account, as conditions read them. */
export interface DealParties {
  readonly contact: Contact | null;
  readonly account: Account | null;
}

/** What loading a deal needs. */
export interface DealLoaderDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly timezone: string;
  readonly assignment: AssignmentService;
}

/**
 * Reads what a deal operation works on — the deal's stage stay, open tasks, contact, account and
 * activities — into a {@link Transition}.
 */
export class DealLoader {
  readonly #deps: DealLoaderDeps;

  constructor(deps: DealLoaderDeps) {
    this.#deps = deps;
  }

  /** A deal's stage history, oldest stay first. */
  async history(dealId: string): Promise<StageStay[]> {
    const page = await pipelineTables.stays.query(this.#deps.storage, {
      index: "dealId",
      where: { eq: dealId },
    });
    return page.records.sort((a, b) => a.sequence - b.sequence);
  }

  /** Loads a transition of a stored deal (with the given parties, or its own). */
  async transition(
    deal: Deal,
    pipeline: Pipeline,
    snapshot: AssignmentSnapshot,
    parties?: DealParties,
  ): Promise<Transition> {
    const storage = this.#deps.storage;
    const [history, tasks, activities] = await Promise.all([
      this.history(deal.id),
      pipelineTables.tasks.query(storage, { index: "dealId", where: { eq: deal.id } }),
      activityTables.activities.query(storage, { index: "dealId", where: { eq: deal.id } }),
    ]);
    // A deal whose contact was removed since still loads (as without one); writes check ids.
    const { contact, account } = parties ?? (await this.load(deal.contactId, deal.accountId));
    const last = history[history.length - 1];
    const draft: DealDraft = { ...deal };
    return new Transition(
      this.context(snapshot, pipeline, { contact, account }, activities.records),
      draft,
      {
        stay: last !== undefined && last.leftAt === undefined ? last : undefined,
        openTasks: tasks.records.filter((task) => task.status === "open"),
        sequence: (last?.sequence ?? -1) + 1,
      },
    );
  }

  /** What a transition of a deal in `pipeline` works with. */
  context(
    snapshot: AssignmentSnapshot,
    pipeline: Pipeline,
    parties: DealParties,
    activities: readonly ViewActivity[],
  ): TransitionContext {
    return {
      environment: this.#deps.environment,
      assignment: this.#deps.assignment,
      snapshot,
      timezone: this.#deps.timezone,
      pipeline,
      ...parties,
      activities: activities.map((a) => ({
        type: a.type,
        status: a.status,
        ...(a.doneAt === undefined ? {} : { doneAt: a.doneAt }),
      })),
    };
  }

  /** Reads a deal's contact and account (the contact's account when none is named). */
  async load(contactId: string | undefined, accountId: string | undefined): Promise<DealParties> {
    const storage = this.#deps.storage;
    const contact = contactId === undefined ? null : await tables.contacts.get(storage, contactId);
    const effective = accountId ?? contact?.accountId;
    const account = effective === undefined ? null : await tables.accounts.get(storage, effective);
    return { contact, account };
  }

  /**
   * Reads the contact and account a write names.
   * @throws CrmkitError `VALIDATION_FAILED` for an id that does not exist
   */
  async parties(
    contactId: string | undefined,
    accountId: string | undefined,
  ): Promise<DealParties> {
    const parties = await this.load(contactId, accountId);
    if (contactId !== undefined && parties.contact === null)
      throw validationError("deal", [
        { path: ["contactId"], message: `unknown contact "${contactId}"`, code: "unknown_contact" },
      ]);
    if (accountId !== undefined && parties.account === null)
      throw validationError("deal", [
        { path: ["accountId"], message: `unknown account "${accountId}"`, code: "unknown_account" },
      ]);
    return parties;
  }
}
