import type { StorageSchema } from "../storage/index.js";
import { defineStorageSchema } from "../storage/index.js";
import type { PartyKind } from "./types.js";

/** The names of the collections crmkit's domain keeps in storage. */
export const collections = {
  /** People. */
  contacts: "contacts",
  /** Companies. */
  accounts: "accounts",
  /** Users (reps). */
  users: "users",
  /** Teams. */
  teams: "teams",
  /** Status definitions. */
  statuses: "statuses",
  /** Tag categories. */
  tagCategories: "tag_categories",
  /** Tags. */
  tags: "tags",
  /** Custom field definitions. */
  customFields: "custom_fields",
  /** Saved segments. */
  segments: "segments",
  /** Workspace bookkeeping, routing and assignment rules. */
  meta: "meta",
  /** Pipelines with their stages. */
  pipelines: "pipelines",
  /** Deals (leads and opportunities). */
  deals: "deals",
  /** Stage history: one record per stay of a deal in a stage. */
  dealStages: "deal_stages",
  /** Tasks created by stages. */
  tasks: "tasks",
  /** Activities (calls, meetings…) in reps' agendas, logged against deals and contacts. */
  activities: "activities",
  /** Action types: the names, colours and default durations of activities. */
  actionTypes: "action_types",
  /** Recurring actions: templates repeated for a record or a segment's members. */
  recurrences: "recurrences",
  /** Automations: triggers, conditions and steps. */
  automations: "automations",
  /** Runs of automations, one per trigger and subject, durable. */
  automationRuns: "automation_runs",
  /** Assignment pools. */
  pools: "pools",
  /** Users' absences. */
  absences: "absences",
  /** Round-robin cursors and capacity counters, updated with revision checks. */
  assignmentState: "assignment_state",
  /** The audit of assignment decisions. */
  assignmentDecisions: "assignment_decisions",
  /** Calls to external services waiting to be delivered (e-mail list hooks). */
  outbox: "outbox",
  /** Objectives per rep or team, metric and period. */
  objectives: "objectives",
  /** Variable-pay plans, every version kept. */
  compensationPlans: "compensation_plans",
  /** Forecasts frozen at an instant, to measure their accuracy. */
  forecastSnapshots: "forecast_snapshots",
  /** Stored web hits (page visits, engagement, events), the source of every score. */
  hits: "hits",
  /** Anonymous visitors linked to a contact by a signed identification. */
  visitors: "visitors",
  /** The append-only scoring ledger. */
  scoreEntries: "score_entries",
  /** Per contact: cached scores and threshold states. */
  scoreCards: "score_cards",
  /** Hand-offs to sales, with the history attached to their deal. */
  scoreHandoffs: "score_handoffs",
  /** Hits accepted and not scored yet, in hit order: what the scoring drain works through. */
  scoreQueue: "score_queue",
  /**
   * Events that start automations, written in the batch of the change that caused them and
   * removed once their runs exist: a process dying in between loses no start.
   */
  eventJournal: "event_journal",
  /**
   * One record per rep and UTC day of booked time, rewritten (revision-checked) with every booking
   * on that day, so two processes cannot both book the same slot.
   */
  agendaClaims: "agenda_claims",
  /** Consents given and withdrawn by contacts, for tracking and e-mail: the record of consent. */
  consents: "consents",
} as const;

/** The storage collection of a record kind. */
export function collectionOf(kind: PartyKind): string {
  return kind === "contact" ? collections.contacts : collections.accounts;
}

const partyIndexes = [
  { name: "status", path: "status" },
  { name: "tags", path: "tags", multiEntry: true },
  { name: "ownerId", path: "ownerId" },
  { name: "territory", path: "territory" },
  { name: "country", path: "country" },
  { name: "externalId", path: "externalId", unique: true },
  { name: "createdAt", path: "createdAt" },
  { name: "updatedAt", path: "updatedAt" },
] as const;

/**
 * The storage schema crmkit's domain needs: open your storage adapter with it (or with a schema
 * that contains it) before calling {@link createCrm}.
 *
 * @example
 * ```ts
 * const storage = await openMemoryStorage({ schema: crmStorageSchema });
 * const crm = await createCrm({ storage });
 * ```
 * @group Front door
 */
export const crmStorageSchema: StorageSchema = defineStorageSchema({
  version: 10,
  collections: [
    {
      name: collections.contacts,
      indexes: [
        ...partyIndexes,
        { name: "email", path: "email", unique: true },
        { name: "accountId", path: "accountId" },
      ],
    },
    {
      name: collections.accounts,
      indexes: [...partyIndexes, { name: "domain", path: "domain" }],
    },
    {
      name: collections.users,
      indexes: [
        { name: "teamId", path: "teamId" },
        { name: "email", path: "email", unique: true },
      ],
    },
    { name: collections.teams },
    { name: collections.statuses },
    { name: collections.tagCategories },
    { name: collections.tags, indexes: [{ name: "categoryId", path: "categoryId" }] },
    { name: collections.customFields, indexes: [{ name: "target", path: "target" }] },
    { name: collections.segments, indexes: [{ name: "target", path: "target" }] },
    { name: collections.meta },
    { name: collections.pipelines },
    {
      name: collections.deals,
      indexes: [
        { name: "pipelineId", path: "pipelineId" },
        { name: "stageId", path: "stageId" },
        { name: "ownerId", path: "ownerId" },
        // Set only while the deal is open: counts a rep's open deals without a compound index.
        { name: "openOwnerId", path: "openOwnerId" },
        { name: "contactId", path: "contactId" },
        { name: "accountId", path: "accountId" },
        { name: "state", path: "state" },
        { name: "queue", path: "queue" },
        { name: "createdAt", path: "createdAt" },
      ],
    },
    {
      name: collections.dealStages,
      indexes: [
        { name: "dealId", path: "dealId" },
        { name: "stageId", path: "stageId" },
        { name: "enteredAt", path: "enteredAt" },
      ],
    },
    {
      name: collections.tasks,
      indexes: [
        { name: "dealId", path: "dealId" },
        { name: "assigneeId", path: "assigneeId" },
        // Set only while the task is open, like deals' openOwnerId.
        { name: "openAssigneeId", path: "openAssigneeId" },
        { name: "openTeamId", path: "openTeamId" },
        { name: "contactId", path: "contactId" },
        { name: "status", path: "status" },
      ],
    },
    {
      name: collections.activities,
      indexes: [
        { name: "dealId", path: "dealId" },
        { name: "contactId", path: "contactId" },
        { name: "ownerId", path: "ownerId" },
        { name: "accountId", path: "accountId" },
        { name: "recurrenceId", path: "recurrenceId" },
        // `<user>|<UTC day>` for each rep and day a timed activity spans (due day for tasks).
        { name: "agenda", path: "agenda", multiEntry: true },
      ],
    },
    { name: collections.actionTypes },
    { name: collections.recurrences },
    { name: collections.automations },
    {
      name: collections.automationRuns,
      indexes: [
        // Set only while a run is active or waiting: when its next step is due (or its lease ends).
        { name: "due", path: "due" },
        { name: "automationId", path: "automationId" },
        { name: "contactId", path: "contactId" },
      ],
    },
    { name: collections.eventJournal, indexes: [{ name: "at", path: "at" }] },
    { name: collections.agendaClaims },
    { name: collections.pools },
    { name: collections.absences, indexes: [{ name: "userId", path: "userId" }] },
    { name: collections.assignmentState },
    {
      name: collections.assignmentDecisions,
      indexes: [
        { name: "dealId", path: "dealId" },
        { name: "at", path: "at" },
      ],
    },
    {
      name: collections.outbox,
      indexes: [
        { name: "status", path: "status" },
        { name: "dueAt", path: "dueAt" },
        { name: "key", path: "key" },
        { name: "contactId", path: "contactId" },
      ],
    },
    { name: collections.consents, indexes: [{ name: "contactId", path: "contactId" }] },
    { name: collections.objectives, indexes: [{ name: "subjectId", path: "subjectId" }] },
    { name: collections.compensationPlans, indexes: [{ name: "planId", path: "planId" }] },
    { name: collections.forecastSnapshots, indexes: [{ name: "period", path: "period" }] },
    {
      name: collections.hits,
      indexes: [
        { name: "contactId", path: "contactId" },
        { name: "visitorKey", path: "visitorKey" },
        { name: "at", path: "at" },
      ],
    },
    { name: collections.visitors, indexes: [{ name: "contactId", path: "contactId" }] },
    { name: collections.scoreEntries, indexes: [{ name: "contactId", path: "contactId" }] },
    { name: collections.scoreCards },
    { name: collections.scoreQueue },
    {
      name: collections.scoreHandoffs,
      indexes: [
        { name: "dealId", path: "dealId" },
        { name: "contactId", path: "contactId" },
      ],
    },
  ],
});
