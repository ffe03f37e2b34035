// Length: the composition root: it wires every service and the change hook in the order they
// react; nothing else lives here.
import type { ActivityEvents } from "./activities/index.js";
import {
  ActionTypeService,
  ActivityService,
  defaultActionTypeWrites,
  RecurrenceService,
} from "./activities/index.js";
import { AssignmentService } from "./assignment/index.js";
import type { AutomationEvents, TagsChangedEvent } from "./automations/index.js";
import { AutomationService, journalOperations } from "./automations/index.js";
import { CompensationService } from "./compensation/index.js";
import { TeamRepository, UserRepository } from "./directory/index.js";
import { OutboxService } from "./email-lists/index.js";
import { createEnvironment, type Environment, toIsoInstant } from "./environment.js";
import { CrmkitError } from "./errors.js";
import { createEventBus, type EventBus } from "./events/index.js";
import type { ObjectiveEvents } from "./objectives/index.js";
import { ObjectiveService } from "./objectives/index.js";
import {
  type AccountInput,
  type AccountPatch,
  accountInputSchema,
  accountPatchSchema,
  type ContactInput,
  type ContactPatch,
  contactInputSchema,
  contactPatchSchema,
  PartyRepository,
} from "./parties/index.js";
import {
  DealService,
  type PipelineEvents,
  PipelineService,
  TaskService,
} from "./pipelines/index.js";
import { PrivacyService } from "./privacy/index.js";
import { tagEvents, wireReactions } from "./reactions.js";
import type { Account, Contact } from "./records/index.js";
import { ChangeHook, collections, crmStorageSchema, type RecordChange } from "./records/index.js";
import { ReportService } from "./reports/index.js";
import type { ScoringEvents } from "./scoring/index.js";
import { ScoringService } from "./scoring/index.js";
import { type SegmentEvents, SegmentService } from "./segments/index.js";
import type { StorageAdapter, StorageSchema, WriteOperation } from "./storage/index.js";
import { sameIndexDefinition } from "./storage/index.js";
import {
  CustomFieldService,
  defaultStatuses,
  StatusService,
  TagService,
} from "./taxonomy/index.js";
import { isValidTimezone } from "./time/index.js";

/** Every event crmkit emits, by type. Later capabilities add theirs. */
export interface CrmEvents
  extends SegmentEvents,
    PipelineEvents,
    ScoringEvents,
    ActivityEvents,
    AutomationEvents,
    ObjectiveEvents {
  /** Tags were added to or removed from a contact or account. */
  "tags.changed": TagsChangedEvent;
}

/**
 * Options of {@link createCrm}.
 *
 * @group Front door
 */
export interface CrmOptions {
  /** A store opened with {@link crmStorageSchema} (or a schema containing it). */
  readonly storage: StorageAdapter;
  /**
   * Clock, ids and randomness.
   * @default createEnvironment()
   */
  readonly environment?: Environment;
  /**
   * The workspace's IANA timezone: relative dates ("this quarter") and calendar dates in queries
   * are read in it unless a clause names its own.
   * @default "UTC"
   */
  readonly timezone?: string;
  /**
   * The status of a new contact or account that names none.
   * @default "prospect"
   */
  readonly defaultStatus?: string;
  /**
   * The ISO 4217 currency of new pipelines (money is kept in its minor units).
   * @default "EUR"
   */
  readonly currency?: string;
  /**
   * The event bus to emit on, if the host wants to share one.
   * @default a new bus
   */
  readonly events?: EventBus<CrmEvents>;
}

/**
 * A crmkit workspace: repositories, definitions, segments and events over one store.
 *
 * @group Front door
 */
export interface Crm {
  /** People. */
  readonly contacts: PartyRepository<Contact, ContactInput, ContactPatch>;
  /** Companies. */
  readonly accounts: PartyRepository<Account, AccountInput, AccountPatch>;
  /** Users (reps, managers). */
  readonly users: UserRepository;
  /** Teams of users. */
  readonly teams: TeamRepository;
  /** Statuses (customer, prospect…, and the workspace's own). */
  readonly statuses: StatusService;
  /** Tag categories and tags. */
  readonly tags: TagService;
  /** Custom field definitions. */
  readonly customFields: CustomFieldService;
  /** Dynamic segments. */
  readonly segments: SegmentService;
  /** Pipelines, their stages, and the routing rules of new deals. */
  readonly pipelines: PipelineService;
  /** Deals: creation, moves, goals, history, rotting, hand-offs. */
  readonly deals: DealService;
  /** Tasks — stage, automation and hand-made — and each rep's to-do list. */
  readonly tasks: TaskService;
  /** Activities and agendas: booking, logging, agendas, free slots. */
  readonly activities: ActivityService;
  /** Action types (task, call, meeting, demo…): names, colours, default durations. */
  readonly actionTypes: ActionTypeService;
  /** Automations and their durable runs. */
  readonly automations: AutomationService;
  /** Recurring actions, for one record or a segment's members. */
  readonly recurrences: RecurrenceService;
  /** Assignment rules, pools and the decision audit. */
  readonly assignment: AssignmentService;
  /** Objectives, seasonality, progress and alerts, actuals, intensity and coverage. */
  readonly objectives: ObjectiveService;
  /** Variable-pay plans (versioned) replayed on stored figures. */
  readonly compensation: CompensationService;
  /** Indicators: funnels, win rates, the pipeline, frozen forecasts and their accuracy. */
  readonly reports: ReportService;
  /** The durable outbox of e-mail list calls. */
  readonly outbox: OutboxService;
  /** Privacy: a person's erasure, export, and record of consent. */
  readonly privacy: PrivacyService;
  /** Lead scoring: the model, hits, the ledger, explanations and hand-offs. */
  readonly scoring: ScoringService;
  /** Where segment, deal, task and scoring events are emitted. */
  readonly events: EventBus<CrmEvents>;
  /** The environment in use. */
  readonly environment: Environment;
}

/** Says plainly what is wrong with the options (a storage promise not awaited, say). */
function checkOptions(options: CrmOptions): void {
  const fail = (path: string[], message: string) =>
    new CrmkitError("VALIDATION_FAILED", message, { details: { path } });
  if (typeof options !== "object" || options === null)
    throw fail([], "createCrm takes an options object: createCrm({ storage }).");
  const storage: unknown = options.storage;
  if (typeof storage !== "object" || storage === null)
    throw fail(["storage"], "createCrm needs a storage adapter: createCrm({ storage }).");
  if (typeof (storage as { then?: unknown }).then === "function")
    throw fail(
      ["storage"],
      "The storage is a promise: await the adapter first (`storage: await openMemoryStorage({ schema })`).",
    );
  const adapter = storage as Partial<StorageAdapter>;
  const missing = ["get", "getMany", "query", "count", "scan", "write", "close"].filter(
    (method) => typeof (adapter as Record<string, unknown>)[method] !== "function",
  );
  if (missing.length > 0 || typeof adapter.schema !== "object" || adapter.schema === null)
    throw fail(
      ["storage"],
      `The storage is not a storage adapter (it lacks ${missing.length > 0 ? missing.join(", ") : "a schema"}).`,
    );
  const environment: unknown = options.environment;
  if (
    environment !== undefined &&
    ["now", "newId", "random"].some(
      (method) => typeof (environment as Record<string, unknown> | null)?.[method] !== "function",
    )
  )
    throw fail(["environment"], "The environment needs now(), newId() and random().");
}

function checkSchema(storage: StorageAdapter): void {
  const needs: StorageSchema = crmStorageSchema;
  for (const needed of needs.collections) {
    const present = storage.schema.collections.find(
      (collection) => collection.name === needed.name,
    );
    const missing = (needed.indexes ?? []).filter(
      (index) => !(present?.indexes ?? []).some((other) => sameIndexDefinition(index, other)),
    );
    if (present === undefined || missing.length > 0) {
      throw new CrmkitError(
        "SCHEMA_MISMATCH",
        `The store lacks ${present === undefined ? `collection "${needed.name}"` : `index "${missing[0]!.name}" of "${needed.name}"`}; open it with crmStorageSchema.`,
        { details: { collection: needed.name, adapter: storage.name } },
      );
    }
  }
}

/**
 * Opens a crmkit workspace over a store: checks the store's schema and, the first time, creates the
 * default statuses.
 *
 * @throws CrmkitError `SCHEMA_MISMATCH` when the store was not opened with {@link crmStorageSchema},
 * `VALIDATION_FAILED` for an unknown timezone, or options that are not what they should be (a
 * storage promise not awaited, an object that is not a storage adapter)
 * @example
 * ```ts
 * const storage = await openMemoryStorage({ schema: crmStorageSchema });
 * const crm = await createCrm({ storage, timezone: "Europe/Paris" });
 * const ada = await crm.contacts.create({ firstName: "Ada", email: "ada@example.com", country: "FR" });
 * ```
 * @group Front door
 */
export async function createCrm(options: CrmOptions): Promise<Crm> {
  checkOptions(options);
  const storage = options.storage;
  checkSchema(storage);
  const timezone = options.timezone ?? "UTC";
  if (!isValidTimezone(timezone)) {
    throw new CrmkitError("VALIDATION_FAILED", `Unknown timezone "${timezone}".`, {
      details: { path: ["timezone"] },
    });
  }
  const environment = options.environment ?? createEnvironment();
  const events = options.events ?? createEventBus<CrmEvents>();
  // Events that start automations are recorded in the batch of the change that causes them.
  const journal = journalOperations;
  const segments = new SegmentService({ storage, environment, events, timezone, journal });
  const currency = options.currency ?? "EUR";
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new CrmkitError(
      "VALIDATION_FAILED",
      `Invalid currency "${currency}": use an ISO 4217 code.`,
      {
        details: { path: ["currency"] },
      },
    );
  }
  const assignment = new AssignmentService({ storage, environment, timezone });
  const pipelines = new PipelineService({ storage, environment, currency, assignment });
  const deals = new DealService({
    storage,
    environment,
    timezone,
    pipelines,
    assignment,
    events,
    journal,
  });
  // Committed changes reach the domains that react to them through this hook, in the order
  // reactions.ts gives.
  const hook = new ChangeHook();
  const scoring = new ScoringService({
    storage,
    environment,
    timezone,
    events,
    leads: deals,
    journal,
    hook,
  });
  wireReactions(hook, { segments, deals, scoring, events });
  const deps = {
    storage,
    environment,
    hook,
    timezone,
    defaultStatus: options.defaultStatus ?? "prospect",
    scoreGroups: () => scoring.managedGroups(),
    journal: (kind: "contact" | "account", changes: readonly RecordChange[], at: string) =>
      tagEvents(kind, changes, at).flatMap((event) => journal("tags.changed", event)),
  };
  await seedDefaults(storage, environment);
  const actionTypes = new ActionTypeService({ storage, environment });
  const contacts = new PartyRepository<Contact, ContactInput, ContactPatch>(deps, {
    kind: "contact",
    collection: collections.contacts,
    createSchema: contactInputSchema,
    patchSchema: contactPatchSchema,
    upsertKeys: ["email", "externalId"],
  });
  const activities = new ActivityService({
    storage,
    environment,
    events,
    actionTypes,
    assignment,
    hook,
    journal,
  });
  const tasks = new TaskService({
    storage,
    environment,
    timezone,
    events,
    // Completing a task logs the activity it asked for: goals and automations see it.
    logActivity: (input) => activities.create(input),
  });
  const automations = new AutomationService({
    storage,
    environment,
    timezone,
    events,
    bus: events,
    contacts,
    deals,
    activities,
    tasks,
    assignment,
    segments,
    // runDue's other due work: reps whose hours start or absence ends take the queued deals.
    dueWork: () => deals.drainQueue(),
  });
  drainOnAvailability(storage, deals);
  const recurrences = new RecurrenceService({
    storage,
    environment,
    activities,
    segments,
    bus: events,
  });
  const objectives = new ObjectiveService({ storage, environment, timezone, segments, events });
  return {
    contacts,
    accounts: new PartyRepository<Account, AccountInput, AccountPatch>(deps, {
      kind: "account",
      collection: collections.accounts,
      createSchema: accountInputSchema,
      patchSchema: accountPatchSchema,
      upsertKeys: ["externalId"],
    }),
    users: new UserRepository({ storage, environment }),
    teams: new TeamRepository({ storage, environment }),
    statuses: new StatusService({ storage, environment, hook }),
    tags: new TagService({ storage, environment, hook }),
    customFields: new CustomFieldService({ storage, environment, hook }),
    segments,
    pipelines,
    deals,
    tasks,
    activities,
    actionTypes,
    automations,
    recurrences,
    assignment,
    objectives,
    compensation: new CompensationService({ storage, environment, objectives }),
    reports: new ReportService({ storage, environment, timezone, objectives }),
    outbox: new OutboxService({ storage, environment }),
    privacy: new PrivacyService({ storage, environment }),
    scoring,
    events,
    environment,
  };
}

async function seedDefaults(storage: StorageAdapter, environment: Environment): Promise<void> {
  await seedOnce(storage, "action-types", defaultActionTypeWrites(toIsoInstant(environment.now())));
  if ((await storage.get(collections.meta, "workspace")) !== null) return;
  const now = toIsoInstant(environment.now());
  try {
    // One batch: the marker and the defaults appear together, or not at all (two tabs racing).
    await storage.write([
      {
        type: "put",
        collection: collections.meta,
        record: { id: "workspace", seededAt: now },
        expectedRevision: 0,
      },
      ...defaultStatuses.map((status) => ({
        type: "put" as const,
        collection: collections.statuses,
        record: { ...status, builtIn: true, createdAt: now, updatedAt: now },
      })),
    ]);
  } catch (error) {
    if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
  }
}

/**
 * Writes a set of defaults once per workspace, with a marker in the same batch: workspaces created
 * before a kind of default existed get it on their next opening, and two tabs racing write it once.
 */
async function seedOnce(
  storage: StorageAdapter,
  marker: string,
  writes: readonly WriteOperation[],
): Promise<void> {
  if ((await storage.get(collections.meta, `seeded:${marker}`)) !== null) return;
  try {
    await storage.write([
      {
        type: "put",
        collection: collections.meta,
        record: { id: `seeded:${marker}` },
        expectedRevision: 0,
      },
      ...writes,
    ]);
  } catch (error) {
    if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
  }
}

/**
 * Drains the unassigned queue right after a change that may make a rep available — rules, pools,
 * users, absences — on a store whose `watch` reports it (other processes' changes too, on a
 * shared store that notifies them); on any store, `runDue` does it too.
 */
function drainOnAvailability(storage: StorageAdapter, deals: DealService): void {
  storage.watch?.((batch) => {
    const relevant = batch.changes.some(
      ({ collection, id }) =>
        collection === collections.pools ||
        collection === collections.users ||
        collection === collections.absences ||
        (collection === collections.meta && id === "assignment"),
    );
    if (relevant) deals.requestDrain();
  });
}
