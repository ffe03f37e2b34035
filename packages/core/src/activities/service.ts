// Length: one service over one invariant — a rep's slots never overlap — so booking, moving,
// completing and cancelling share the claim logic kept here; recurrences, agenda and action types
// are apart.
import type { AssignmentService } from "../assignment/index.js";
import { defaultWorkingHours } from "../directory/index.js";
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, type ValidationIssue, validationError } from "../errors.js";
import type { EventBus } from "../events/index.js";
import { type EventJournal, noJournal } from "../events/index.js";
import type { ChangeHook, User } from "../records/index.js";
import {
  asStored,
  collections,
  missingReferences,
  revisionAfter,
  tables,
} from "../records/index.js";
import type { StorageAdapter, WriteOperation } from "../storage/index.js";
import { parseInput } from "../validation.js";
import type { ActionTypeService } from "./action-types.js";
import { activitiesOf, agendaKeys, rangeIn, spanOf, takesTime } from "./agenda.js";
import { findFreeSlots } from "./free-busy.js";
import {
  activityInput,
  activityPatch,
  agendaRange,
  freeSlotQuery,
  minute,
  note,
  timingOf,
  toEpoch,
} from "./input.js";
import { activityTables } from "./tables.js";
import type {
  Activity,
  ActivityEvents,
  ActivityInput,
  ActivityPatch,
  AgendaEntry,
  AgendaRange,
  FreeSlot,
  FreeSlotQuery,
} from "./types.js";

/** What the activity service is built on. */
export interface ActivityDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly events: Pick<EventBus<ActivityEvents>, "emit">;
  readonly actionTypes: ActionTypeService;
  readonly assignment: Pick<AssignmentService, "poolMembers">;
  /** Where committed activity changes go (a deal's goal is checked again when one is done). @internal */
  readonly hook: ChangeHook;
  /** Records `activity.done` / `activity.missed` in the batch that causes them. @defaultValue none @internal */
  readonly journal?: EventJournal;
}

/**
 * Activities and agendas: booking calls, meetings and visits in reps' agendas (with overlap
 * detection), logging what was done or missed, reading agendas by day, week or range, and finding
 * free slots inside working hours. Stage goals read activities too ("a meeting done since
 * entering the stage").
 */
export class ActivityService {
  readonly #deps: ActivityDeps;

  /** @internal */
  constructor(deps: ActivityDeps) {
    this.#deps = deps;
  }

  /** Reads an activity, or `null`. */
  async get(id: string): Promise<Activity | null> {
    return activityTables.activities.get(this.#deps.storage, id);
  }

  /** Lists a deal's activities, oldest first. */
  async forDeal(dealId: string): Promise<Activity[]> {
    return this.#oldestFirst("dealId", dealId);
  }

  /** Lists a contact's activities, oldest first. */
  async forContact(contactId: string): Promise<Activity[]> {
    return this.#oldestFirst("contactId", contactId);
  }

  async #oldestFirst(index: "dealId" | "contactId", id: string): Promise<Activity[]> {
    const records = await activityTables.activities.all(this.#deps.storage, {
      index,
      where: { eq: id },
    });
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Books (or logs) an activity. A timed one lasts its type's default duration unless `endAt` is
   * given; a planned one that overlaps the owner's or a participant's planned time is refused
   * unless `allowOverlap`. One logged as done counts towards its deal's goal at once.
   * @throws CrmkitError `VALIDATION_FAILED` (bad field, unknown type, deal, contact, account, owner
   * or participant; an end before the start), `SLOT_TAKEN` (overlap)
   */
  async create(input: ActivityInput): Promise<Activity> {
    const parsed = parseInput(activityInput, input, "activity");
    const type = await this.#deps.actionTypes.require(parsed.type);
    await this.#checkRefs(parsed);
    const now = toIsoInstant(this.#deps.environment.now());
    const status = parsed.status ?? "planned";
    const { allowOverlap, ...fields } = parsed;
    const timing = timingOf(fields.startAt, fields.endAt, type.defaultDurationMinutes);
    const base = {
      ...fields,
      ...timing,
      id: parsed.id ?? this.#deps.environment.newId(),
      status,
      ...(status === "done"
        ? { doneAt: parsed.doneAt === undefined ? now : toIsoInstant(Date.parse(parsed.doneAt)) }
        : {}),
      createdAt: now,
      updatedAt: now,
    };
    const record = { ...base, agenda: agendaKeys(base) };
    const [outcome] = await this.#booking(
      record,
      status === "planned" && allowOverlap !== true,
      now,
      (claims) =>
        this.#deps.storage.write([
          activityTables.activities.put(record, 0),
          ...claims,
          ...this.#journal(status === "done" ? "activity.done" : "activity.created", record, now),
        ]),
    );
    const activity: Activity = { ...record, revision: revisionAfter(outcome) };
    if (status === "done") await this.#afterDone(null, activity, now);
    else this.#deps.events.emit("activity.created", { activity, at: now });
    return activity;
  }

  /**
   * Moves a planned activity or changes its people or notes; moving only the start keeps its
   * duration. The new slot is checked for overlaps like a booking.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` (not planned), `VALIDATION_FAILED`,
   * `SLOT_TAKEN`, `REVISION_CONFLICT` (changed meanwhile)
   */
  async update(id: string, patch: ActivityPatch): Promise<Activity> {
    const parsed = parseInput(activityPatch, patch, "activity");
    const current = await this.#planned(id);
    await this.#checkRefs(parsed);
    const { allowOverlap, ...fields } = parsed;
    const span = spanOf(current);
    let timing = {};
    if (fields.startAt !== undefined && fields.endAt === undefined && span !== undefined) {
      const start = Date.parse(fields.startAt);
      timing = { startAt: toIsoInstant(start), endAt: toIsoInstant(start + span.end - span.start) };
    } else if (fields.startAt !== undefined || fields.endAt !== undefined) {
      const type = await this.#deps.actionTypes.require(current.type);
      timing = timingOf(
        fields.startAt ?? current.startAt,
        fields.endAt ?? current.endAt,
        type.defaultDurationMinutes,
      );
    }
    const now = toIsoInstant(this.#deps.environment.now());
    const { revision, agenda: _keys, ...rest } = current;
    const base = { ...rest, ...fields, ...timing, updatedAt: now };
    const record = { ...base, agenda: agendaKeys(base) };
    return this.#booking(record, allowOverlap !== true, now, (claims) =>
      this.#write(record, revision, "activity.updated", now, claims),
    );
  }

  /**
   * Marks a planned activity done, with an optional outcome note; its deal's goal is checked again.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when it is not planned
   */
  async complete(id: string, options: { readonly outcome?: string } = {}): Promise<Activity> {
    const current = await this.#planned(id);
    const now = toIsoInstant(this.#deps.environment.now());
    const { revision, ...rest } = current;
    const record = {
      ...rest,
      status: "done" as const,
      doneAt: now,
      updatedAt: now,
      ...note(options),
    };
    const [outcome] = await this.#deps.storage.write([
      { type: "put", collection: collections.activities, record, expectedRevision: revision },
      ...this.#journal("activity.done", record, now),
    ]);
    const activity = { ...record, revision: outcome!.revision } as Activity;
    await this.#afterDone(current, activity, now);
    return activity;
  }

  /**
   * Marks a planned appointment missed (the prospect did not come): `activity.missed` is emitted,
   * which recovery automations listen to.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when it is not planned
   */
  async markMissed(id: string, options: { readonly outcome?: string } = {}): Promise<Activity> {
    const current = await this.#planned(id);
    const now = toIsoInstant(this.#deps.environment.now());
    const { revision, ...rest } = current;
    const record = {
      ...rest,
      status: "missed" as const,
      missedAt: now,
      updatedAt: now,
      ...note(options),
    };
    return this.#write(record, revision, "activity.missed", now);
  }

  /**
   * Cancels a planned activity: its slot is free again.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when it is not planned
   */
  async cancel(id: string, options: { readonly outcome?: string } = {}): Promise<Activity> {
    const current = await this.#planned(id);
    const now = toIsoInstant(this.#deps.environment.now());
    const { revision, agenda: _keys, ...rest } = current;
    const record = {
      ...rest,
      status: "cancelled" as const,
      cancelledAt: now,
      updatedAt: now,
      agenda: [],
      ...note(options),
    };
    return this.#write(record, revision, "activity.cancelled", now);
  }

  /**
   * The agendas of one or several reps (a colleague's, to book for them): by day or ISO week of
   * each rep's timezone, or between two instants. Timed activities overlapping the range and tasks
   * due in it, with their type's name and colour, in time order; cancelled ones are left out.
   * @throws CrmkitError `VALIDATION_FAILED` (bad range, unknown rep)
   */
  async agenda(userIds: string | readonly string[], range: AgendaRange): Promise<AgendaEntry[]> {
    const parsedRange = parseInput(agendaRange, range, "agenda range") as AgendaRange;
    const users = await this.#users(typeof userIds === "string" ? [userIds] : userIds, ["userIds"]);
    const types = new Map((await this.#deps.actionTypes.list()).map((t) => [t.id, t]));
    const entries: AgendaEntry[] = [];
    for (const user of users) {
      const { start, end } = rangeIn(parsedRange, user.timezone);
      for (const activity of await activitiesOf(this.#deps.storage, user.id, start, end)) {
        const type = types.get(activity.type);
        entries.push({
          userId: user.id,
          role: activity.ownerId === user.id ? "owner" : "participant",
          activity,
          typeName: type?.name ?? activity.type,
          colour: type?.colour ?? "#6b7280",
        });
      }
    }
    const when = (entry: AgendaEntry) => entry.activity.startAt ?? entry.activity.dueAt ?? "";
    return entries.sort(
      (a, b) =>
        when(a).localeCompare(when(b)) ||
        a.userId.localeCompare(b.userId) ||
        a.activity.id.localeCompare(b.activity.id),
    );
  }

  /**
   * Free slots of a given length for reps (or any member of a pool), earliest first: inside each
   * rep's working days and hours in their timezone (daylight-saving days included), outside days
   * away, never overlapping planned or done activities widened by the buffer. Slots start on
   * multiples of `stepMinutes` of the rep's wall clock. What it returns is only intervals.
   * @throws CrmkitError `VALIDATION_FAILED` (bad query, unknown rep), `NOT_FOUND` (unknown pool)
   */
  async freeSlots(query: FreeSlotQuery): Promise<FreeSlot[]> {
    const parsed = parseInput(freeSlotQuery, query, "free-slot query");
    const from = toEpoch(parsed.from);
    const to = toEpoch(parsed.to);
    const bufferMs = (parsed.bufferMinutes ?? 0) * minute;
    let users: User[];
    if (parsed.poolId !== undefined) {
      const members = await this.#deps.assignment.poolMembers(parsed.poolId);
      users = (await this.#users(members, ["poolId"])).filter((user) => user.active);
    } else users = await this.#users(parsed.userIds!, ["userIds"]);
    const calendars = [];
    for (const user of users) {
      const absences = await tables.absences.all(this.#deps.storage, {
        index: "userId",
        where: { eq: user.id },
      });
      const activities = await activitiesOf(
        this.#deps.storage,
        user.id,
        from - bufferMs,
        to + bufferMs,
      );
      calendars.push({
        userId: user.id,
        timezone: user.timezone,
        hours: user.workingHours ?? defaultWorkingHours,
        absences,
        busy: activities.filter(takesTime).map((activity) => spanOf(activity)!),
      });
    }
    return findFreeSlots(calendars, {
      from,
      to,
      durationMs: parsed.durationMinutes * minute,
      bufferMs,
      stepMinutes: parsed.stepMinutes ?? 15,
      limit: parsed.limit ?? 100,
    }).map((slot) => ({
      userId: slot.userId,
      start: toIsoInstant(slot.start),
      end: toIsoInstant(slot.end),
    }));
  }

  async #planned(id: string): Promise<Activity> {
    const activity = await this.get(id);
    if (activity === null)
      throw new CrmkitError("NOT_FOUND", `There is no activity "${id}".`, { details: { id } });
    if (activity.status !== "planned")
      throw new CrmkitError("INVALID_TRANSITION", `Activity "${id}" is ${activity.status}.`, {
        details: { id, status: activity.status },
      });
    return activity;
  }

  async #write(
    record: Omit<Activity, "revision">,
    revision: number,
    event: "activity.updated" | "activity.missed" | "activity.cancelled",
    at: string,
    claims: readonly WriteOperation[] = [],
  ): Promise<Activity> {
    const [outcome] = await this.#deps.storage.write([
      activityTables.activities.put(record, revision),
      ...claims,
      ...(event === "activity.updated" ? [] : this.#journal(event, record, at)),
    ]);
    const activity = { ...record, revision: outcome!.revision } as Activity;
    this.#deps.events.emit(event, { activity, at });
    return activity;
  }

  /**
   * The journal record of an event about `record`, for the batch that writes it (automations
   * start runs on some, and a recovery ends or resumes on a booking or its cancellation).
   */
  #journal(type: Exclude<keyof ActivityEvents, "activity.updated">, record: object, at: string) {
    return (this.#deps.journal ?? noJournal)(type, { activity: record, at });
  }

  async #afterDone(before: Activity | null, activity: Activity, at: string): Promise<void> {
    await this.#deps.hook.committed({
      collection: collections.activities,
      changes: [{ before: before === null ? null : asStored(before), after: asStored(activity) }],
      at: Date.parse(at),
    });
    this.#deps.events.emit("activity.done", { activity, at });
  }

  async #users(ids: readonly string[], path: readonly (string | number)[]): Promise<User[]> {
    const users = await tables.users.getMany(this.#deps.storage, ids);
    const issues: ValidationIssue[] = [];
    users.forEach((user, index) => {
      if (user === null)
        issues.push({
          path: [...path, index],
          message: `unknown user "${ids[index]}"`,
          code: "unknown_ref",
        });
    });
    if (issues.length > 0) throw validationError("query", issues);
    return users.filter((user) => user !== null);
  }

  async #checkRefs(fields: {
    readonly dealId?: string | undefined;
    readonly contactId?: string | undefined;
    readonly accountId?: string | undefined;
    readonly ownerId?: string | undefined;
    readonly participantIds?: readonly string[] | undefined;
  }): Promise<void> {
    const storage = this.#deps.storage;
    const [unknown] = await missingReferences(storage, [
      [["dealId"], fields.dealId, collections.deals, "deal"],
      [["contactId"], fields.contactId, collections.contacts, "contact"],
      [["accountId"], fields.accountId, collections.accounts, "account"],
      [["ownerId"], fields.ownerId, collections.users, "owner"],
    ]);
    if (unknown !== undefined) throw validationError("activity", [unknown]);
    const ids = fields.participantIds ?? [];
    const found = await storage.getMany(collections.users, ids);
    const missing = found.indexOf(null);
    if (missing >= 0)
      throw validationError("activity", [
        {
          path: ["participantIds", missing],
          message: `unknown user "${ids[missing]}"`,
          code: "unknown_ref",
        },
      ]);
    if (fields.ownerId !== undefined && ids.includes(fields.ownerId))
      throw validationError("activity", [
        {
          path: ["participantIds", ids.indexOf(fields.ownerId)],
          message: "the owner is not a participant",
          code: "invalid",
        },
      ]);
  }

  /**
   * Books time without a race: the claims of every rep-day the activity spans are read before the
   * overlap check and rewritten, revision-checked, in the booking's own batch. A booking another
   * process made on one of those days in between changes a claim's revision, so this write fails
   * whole and the check runs again on fresh data: two processes cannot both take one slot.
   * @throws CrmkitError `REVISION_CONFLICT` after 100 lost rounds (a store that keeps refusing)
   */
  async #booking<T>(
    activity: Omit<Activity, "revision">,
    check: boolean,
    at: string,
    write: (claims: WriteOperation[]) => Promise<T>,
  ): Promise<T> {
    const keys =
      activity.status === "planned" && spanOf(activity) !== undefined
        ? (activity.agenda ?? [])
        : [];
    for (let attempt = 1; ; attempt++) {
      const claims = await activityTables.agendaClaims.getMany(this.#deps.storage, keys);
      if (check) await this.#refuseOverlap(activity);
      try {
        return await write(
          keys.map((id, i) =>
            activityTables.agendaClaims.put({ id, at }, claims[i]?.revision ?? 0),
          ),
        );
      } catch (error) {
        const raced =
          CrmkitError.is(error, "REVISION_CONFLICT") &&
          error.details.collection === collections.agendaClaims;
        // Each round of a race lets at least one booking through, so this ends; the bound only
        // guards against a store that keeps refusing.
        if (!raced || attempt >= 100) throw error;
      }
    }
  }

  async #refuseOverlap(activity: Omit<Activity, "revision">): Promise<void> {
    const span = spanOf(activity);
    if (span === undefined) return;
    const users = [
      ...(activity.ownerId === undefined ? [] : [activity.ownerId]),
      ...(activity.participantIds ?? []),
    ];
    const conflicts = [];
    for (const userId of users)
      for (const other of await activitiesOf(this.#deps.storage, userId, span.start, span.end))
        if (other.id !== activity.id && other.status === "planned" && spanOf(other) !== undefined)
          conflicts.push({
            userId,
            activityId: other.id,
            start: other.startAt!,
            end: other.endAt!,
          });
    if (conflicts.length > 0)
      throw new CrmkitError(
        "SLOT_TAKEN",
        `The slot overlaps ${conflicts.length} planned ${conflicts.length === 1 ? "activity" : "activities"} (first: "${conflicts[0]!.activityId}" of ${conflicts[0]!.userId}).`,
        { details: { conflicts } },
      );
  }
}
