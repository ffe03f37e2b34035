import { z } from "zod";
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, validationError } from "../errors.js";
import { collections } from "../records/schema.js";
import type { StorageAdapter } from "../storage/types.js";
import { parseInput } from "../validation.js";

/** Where an activity is in its life. */
export type ActivityStatus = "planned" | "done" | "missed" | "cancelled";

/** A call, meeting, e-mail or visit, logged against a deal, contact or account. */
export interface Activity {
  /** The activity id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The action type ("call", "meeting", "demo"…). */
  readonly type: string;
  /** Planned, done, missed or cancelled. */
  readonly status: ActivityStatus;
  /** The rep doing it. */
  readonly ownerId?: string;
  /** The deal. */
  readonly dealId?: string;
  /** The contact. */
  readonly contactId?: string;
  /** The account. */
  readonly accountId?: string;
  /** When it starts (or started). */
  readonly startAt?: string;
  /** When it was done. */
  readonly doneAt?: string;
  /** The outcome note. */
  readonly outcome?: string;
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** A new activity. */
export interface ActivityInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The action type. */
  readonly type: string;
  /** Planned or already done. @defaultValue "planned" */
  readonly status?: "planned" | "done";
  /** The rep doing it. */
  readonly ownerId?: string;
  /** The deal. */
  readonly dealId?: string;
  /** The contact. */
  readonly contactId?: string;
  /** The account. */
  readonly accountId?: string;
  /** When it starts. */
  readonly startAt?: string;
  /** When it was done (for `done`). @defaultValue now */
  readonly doneAt?: string;
  /** The outcome note. */
  readonly outcome?: string;
}

const id = z.string().min(1).max(128);
const activityInput = z.strictObject({
  id: id.optional(),
  type: id,
  status: z.enum(["planned", "done"]).optional(),
  ownerId: id.optional(),
  dealId: id.optional(),
  contactId: id.optional(),
  accountId: id.optional(),
  startAt: z.iso.datetime({ offset: true }).optional(),
  doneAt: z.iso.datetime({ offset: true }).optional(),
  outcome: z.string().max(10_000).optional(),
});

/** What the activity service is built on. @internal */
export interface ActivityDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  /** Called after an activity of a deal is done, so the deal's goal is checked again. */
  readonly onDone: (dealId: string) => Promise<void>;
}

/**
 * Activities logged against deals, contacts and accounts. This is the part stage goals read ("a
 * meeting done since entering the stage"); agendas, free/busy and recurrences build on it.
 */
export class ActivityService {
  readonly #deps: ActivityDeps;

  /** @internal */
  constructor(deps: ActivityDeps) {
    this.#deps = deps;
  }

  /** Reads an activity, or `null`. */
  async get(id: string): Promise<Activity | null> {
    return (await this.#deps.storage.get(collections.activities, id)) as Activity | null;
  }

  /** Lists a deal's activities, oldest first. */
  async forDeal(dealId: string): Promise<Activity[]> {
    const page = await this.#deps.storage.query({
      collection: collections.activities,
      index: "dealId",
      where: { eq: dealId },
    });
    return (page.records as unknown as Activity[]).sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
  }

  /**
   * Logs an activity; one logged as done counts towards its deal's goal at once.
   * @throws CrmkitError `VALIDATION_FAILED` (bad field, unknown deal, contact or owner)
   */
  async create(input: ActivityInput): Promise<Activity> {
    const parsed = parseInput(activityInput, input, "activity");
    const storage = this.#deps.storage;
    const checks = [
      ["dealId", collections.deals],
      ["contactId", collections.contacts],
      ["accountId", collections.accounts],
      ["ownerId", collections.users],
    ] as const;
    for (const [field, collection] of checks) {
      const ref = parsed[field];
      if (ref !== undefined && (await storage.get(collection, ref)) === null)
        throw validationError("activity", [
          { path: [field], message: `unknown ${field.slice(0, -2)} "${ref}"`, code: "unknown_ref" },
        ]);
    }
    const now = toIsoInstant(this.#deps.environment.now());
    const status = parsed.status ?? "planned";
    const record = {
      ...parsed,
      id: parsed.id ?? this.#deps.environment.newId(),
      status,
      ...(status === "done"
        ? { doneAt: parsed.doneAt === undefined ? now : toIsoInstant(Date.parse(parsed.doneAt)) }
        : {}),
      createdAt: now,
      updatedAt: now,
    };
    const [outcome] = await storage.write([
      { type: "put", collection: collections.activities, record, expectedRevision: 0 },
    ]);
    if (status === "done" && record.dealId !== undefined) await this.#deps.onDone(record.dealId);
    return { ...record, revision: outcome!.revision } as Activity;
  }

  /**
   * Marks a planned activity done, with an optional outcome note; its deal's goal is checked again.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when it is not planned
   */
  async complete(id: string, options: { readonly outcome?: string } = {}): Promise<Activity> {
    const activity = await this.get(id);
    if (activity === null)
      throw new CrmkitError("NOT_FOUND", `There is no activity "${id}".`, { details: { id } });
    if (activity.status !== "planned")
      throw new CrmkitError("INVALID_TRANSITION", `Activity "${id}" is ${activity.status}.`, {
        details: { id },
      });
    const now = toIsoInstant(this.#deps.environment.now());
    const { revision, ...rest } = activity;
    const record = {
      ...rest,
      status: "done" as const,
      doneAt: now,
      updatedAt: now,
      ...(options.outcome === undefined ? {} : { outcome: options.outcome }),
    };
    const [outcome] = await this.#deps.storage.write([
      { type: "put", collection: collections.activities, record, expectedRevision: revision },
    ]);
    if (record.dealId !== undefined) await this.#deps.onDone(record.dealId);
    return { ...record, revision: outcome!.revision } as Activity;
  }
}
