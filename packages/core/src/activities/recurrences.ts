// Length: recurring series — expansion, booking in free slots, and segment-wide series — over one
// occurrence model.
// Recurring actions: a template repeated every N days, weeks or months — for one contact or
// account (until a date, or a number of times), or for every member of a segment ("a visit to
// every Gold customer every 4 months"), each occurrence booked in the owner's first free slot.

import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, validationError } from "../errors.js";
import type { EventBus } from "../events/index.js";
import type { User } from "../records/index.js";
import { collections, missingReferences, revisionAfter, tables } from "../records/index.js";
import type { SegmentEvents, SegmentService } from "../segments/index.js";
import type { StorageAdapter, StoredRecord } from "../storage/index.js";
import { addToWallClock, formatWallDate, fromWallClock, toWallClock } from "../time/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import type { ActivityService } from "./service.js";
import { activityTables } from "./tables.js";
import type { Activity, ActivityEvents, Recurrence, RecurrenceInput } from "./types.js";

const id = z.string().check(z.minLength(1), z.maxLength(128));
/** @internal */
export const recurrenceInput = z
  .strictObject({
    id: z
      .string()
      .check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "use lower-case letters, digits and -")),
    template: z.strictObject({
      type: id,
      title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
      durationMinutes: z.optional(z.number().check(z.int(), z.gte(5), z.lte(1_440))),
    }),
    every: z.strictObject({
      amount: z.number().check(z.int(), z.gte(1), z.lte(365)),
      unit: z.enum(["days", "weeks", "months"]),
    }),
    ownerId: z.optional(id),
    contactId: z.optional(id),
    accountId: z.optional(id),
    start: z.optional(z.iso.datetime({ offset: true })),
    until: z.optional(z.iso.date()),
    count: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1_000))),
    segmentId: z.optional(id),
    horizonDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(366))),
  })
  .check(
    z.superRefine((input, ctx) => {
      if ((input.segmentId === undefined) === (input.ownerId === undefined))
        ctx.addIssue({
          code: "custom",
          path: ["ownerId"],
          message: "give an owner (one record) or a segment (its members)",
        });
    }),
  );

/** What recurrences are built on. */
export interface RecurrenceDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly activities: ActivityService;
  readonly segments: Pick<SegmentService, "members" | "get" | "isMember">;
  readonly bus: Pick<EventBus<SegmentEvents & ActivityEvents>, "on">;
}

const day = 86_400_000;
const unitOf = { days: "day", weeks: "week", months: "month" } as const;

/**
 * Recurring actions. A one-record recurrence books its occurrences `horizonDays` ahead (again at
 * each {@link RecurrenceService.materialize}); a segment-driven one keeps one planned occurrence
 * per member: the next is booked when the last is done or missed, members entering the segment
 * get their first, and members leaving it have their future occurrences cancelled. Each occurrence
 * takes the owner's first free slot at or after its due time (working hours, no overlap), so it
 * blocks that slot in the agenda. Occurrence ids derive from the recurrence, the record and the
 * occurrence's number: booking twice books once.
 */
export class RecurrenceService {
  readonly #deps: RecurrenceDeps;
  readonly #pending = new Set<Promise<unknown>>();

  /** @internal */
  constructor(deps: RecurrenceDeps) {
    this.#deps = deps;
    deps.bus.on("segment.entered", (event) =>
      this.#track(this.#forSegment(event.segmentId, (r) => this.#ensureNext(r, event.recordId))),
    );
    deps.bus.on("segment.left", (event) =>
      this.#track(this.#forSegment(event.segmentId, (r) => this.#cancelFuture(r, event.recordId))),
    );
    for (const type of ["activity.done", "activity.missed"] as const)
      deps.bus.on(type, ({ activity }) => {
        const recurrenceId = (activity as Activity & { recurrenceId?: string }).recurrenceId;
        if (recurrenceId !== undefined) this.#track(this.#afterOccurrence(recurrenceId, activity));
      });
  }

  /** Every recurrence. */
  async list(): Promise<Recurrence[]> {
    return activityTables.recurrences.all(this.#deps.storage);
  }

  /** One recurrence, or `null`. */
  async get(id: string): Promise<Recurrence | null> {
    return activityTables.recurrences.get(this.#deps.storage, id);
  }

  /**
   * Creates a recurrence and books its first occurrences.
   * @throws CrmkitError `VALIDATION_FAILED` (bad field, unknown type, rep, record or segment),
   * `UNIQUE_VIOLATION` (the id exists)
   */
  async create(input: RecurrenceInput): Promise<Recurrence> {
    const parsed = parseInput(recurrenceInput, input, "recurrence");
    const storage = this.#deps.storage;
    const [unknown] = await missingReferences(storage, [
      [["ownerId"], parsed.ownerId, collections.users, "owner"],
      [["contactId"], parsed.contactId, collections.contacts, "contact"],
      [["accountId"], parsed.accountId, collections.accounts, "account"],
      [["segmentId"], parsed.segmentId, collections.segments, "segment"],
      [["template", "type"], parsed.template.type, collections.actionTypes, "action type"],
    ]);
    if (unknown !== undefined) throw validationError("recurrence", [unknown]);
    const now = this.#deps.environment.now();
    const record = {
      ...parsed,
      start: parsed.start ?? toIsoInstant(now),
      createdAt: toIsoInstant(now),
    };
    try {
      const [outcome] = await storage.write([activityTables.recurrences.put(record, 0)]);
      const recurrence: Recurrence = { ...record, revision: revisionAfter(outcome) };
      await this.#materializeOne(recurrence, now);
      return recurrence;
    } catch (error) {
      if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
      throw new CrmkitError("UNIQUE_VIOLATION", `Recurrence "${parsed.id}" exists.`, {
        details: { path: ["id"], id: parsed.id },
      });
    }
  }

  /** Removes a recurrence and cancels its future occurrences. */
  async remove(id: string): Promise<void> {
    const recurrence = await this.get(id);
    if (recurrence === null)
      throw new CrmkitError("NOT_FOUND", `There is no recurrence "${id}".`, { details: { id } });
    await this.#cancelFuture(recurrence);
    await this.#deps.storage.write([activityTables.recurrences.remove(id, recurrence.revision)]);
  }

  /** The occurrences of a recurrence (optionally of one record), in time order. */
  async occurrences(id: string, recordId?: string): Promise<Activity[]> {
    // A record's occurrences are read through its own index, not by scanning the recurrence's.
    const selections =
      recordId === undefined
        ? [{ index: "recurrenceId", where: { eq: id } }]
        : ["contactId", "accountId"].map((index) => ({ index, where: { eq: recordId } }));
    const found: Activity[] = [];
    for (const selection of selections)
      found.push(...(await activityTables.activities.all(this.#deps.storage, selection)));
    return found
      .filter((a) => a.recurrenceId === id)
      .sort((a, b) => (a.startAt ?? a.dueAt ?? "").localeCompare(b.startAt ?? b.dueAt ?? ""));
  }

  /**
   * Books what is due: one-record recurrences up to their horizon, and a next occurrence for any
   * segment member without one (after a restart, or for members the events missed). Call it from
   * the same timer as `runDue`. Returns how many occurrences were booked.
   */
  async materialize(options: { readonly now?: number } = {}): Promise<number> {
    await this.settle();
    const now = options.now ?? this.#deps.environment.now();
    let booked = 0;
    for (const recurrence of await this.list())
      booked += await this.#materializeOne(recurrence, now);
    return booked;
  }

  /** Waits until what recent events asked for (bookings, cancellations) is done. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => undefined);
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  async #forSegment(segmentId: string, each: (r: Recurrence) => Promise<unknown>): Promise<void> {
    for (const recurrence of await this.list())
      if (recurrence.segmentId === segmentId) await each(recurrence);
  }

  async #materializeOne(recurrence: Recurrence, now: number): Promise<number> {
    if (recurrence.segmentId === undefined) return this.#materializePlain(recurrence, now);
    let booked = 0;
    let cursor: string | null = null;
    do {
      const page = await this.#deps.segments.members(recurrence.segmentId, { limit: 500, cursor });
      for (const record of page.records) booked += await this.#ensureNext(recurrence, record, now);
      cursor = page.cursor;
    } while (cursor !== null);
    return booked;
  }

  async #materializePlain(recurrence: Recurrence, now: number): Promise<number> {
    const owner = (await this.#deps.storage.get(
      collections.users,
      recurrence.ownerId!,
    )) as User | null;
    if (owner === null) return 0;
    const subjectId = recurrence.contactId ?? recurrence.accountId ?? recurrence.ownerId!;
    const start = toWallClock(Date.parse(recurrence.start!), owner.timezone);
    const horizon = now + (recurrence.horizonDays ?? 60) * day;
    let booked = 0;
    for (let n = 0; n < (recurrence.count ?? 1_000); n++) {
      const wall = addToWallClock(
        start,
        n * recurrence.every.amount,
        unitOf[recurrence.every.unit],
      );
      const at = fromWallClock(wall, owner.timezone);
      if (at > horizon) break;
      const date = formatWallDate(wall);
      if (recurrence.until !== undefined && date > recurrence.until) break;
      if (at + day < now) continue; // long past: not booked afterwards
      booked += await this.#book(recurrence, owner, subjectId, n, at);
    }
    return booked;
  }

  /** Books a member's next occurrence unless one is planned (the member, or its id). */
  async #ensureNext(
    recurrence: Recurrence,
    member: StoredRecord | string,
    now = this.#deps.environment.now(),
  ): Promise<number> {
    const record = typeof member === "string" ? await this.#member(recurrence, member) : member;
    if (record === null || typeof record.ownerId !== "string") return 0;
    const recordId = record.id;
    const owner = await tables.users.get(this.#deps.storage, record.ownerId);
    if (owner === null) return 0;
    const past = await this.occurrences(recurrence.id, recordId);
    if (past.some((a) => a.status === "planned")) return 0;
    const last = past.filter((a) => a.status !== "cancelled").at(-1);
    const n = past.length;
    if (recurrence.count !== undefined && n >= recurrence.count) return 0;
    const due =
      last?.startAt === undefined
        ? now + day
        : Math.max(
            now,
            fromWallClock(
              addToWallClock(
                toWallClock(Date.parse(last.startAt), owner.timezone),
                recurrence.every.amount,
                unitOf[recurrence.every.unit],
              ),
              owner.timezone,
            ),
          );
    return this.#book(recurrence, owner, recordId, n, due);
  }

  async #member(recurrence: Recurrence, recordId: string): Promise<StoredRecord | null> {
    const segment = await this.#deps.segments.get(recurrence.segmentId!);
    if (segment === null) return null;
    return this.#deps.storage.get(
      segment.target === "contact" ? collections.contacts : collections.accounts,
      recordId,
    );
  }

  /** Books occurrence `n` in the owner's first free slot at or after `due` (within 30 days). */
  async #book(
    recurrence: Recurrence,
    owner: User,
    subjectId: string,
    n: number,
    due: number,
  ): Promise<number> {
    const type = await activityTables.actionTypes.get(this.#deps.storage, recurrence.template.type);
    const minutes = recurrence.template.durationMinutes ?? type?.defaultDurationMinutes ?? 60;
    const [slot] = await this.#deps.activities.freeSlots({
      userIds: [owner.id],
      durationMinutes: minutes,
      stepMinutes: 15,
      from: due,
      to: due + 30 * day,
      limit: 1,
    });
    if (slot === undefined) return 0;
    const segment =
      recurrence.segmentId === undefined
        ? null
        : await this.#deps.segments.get(recurrence.segmentId);
    const onAccount =
      segment === null ? recurrence.accountId !== undefined : segment.target === "account";
    const recordId = segment === null ? (recurrence.contactId ?? recurrence.accountId) : subjectId;
    try {
      await this.#deps.activities.create({
        id: `${recurrence.id}--${subjectId}--${n}`,
        type: recurrence.template.type,
        title: recurrence.template.title,
        ownerId: owner.id,
        ...(recordId === undefined
          ? {}
          : onAccount
            ? { accountId: recordId }
            : { contactId: recordId }),
        startAt: slot.start,
        endAt: slot.end,
        recurrenceId: recurrence.id,
        occurrence: n,
      });
      return 1;
    } catch (error) {
      // Booked already (a repeated event, two processes): once is enough.
      if (CrmkitError.is(error, "REVISION_CONFLICT")) return 0;
      throw error;
    }
  }

  async #afterOccurrence(recurrenceId: string, activity: Activity): Promise<void> {
    const recurrence = await this.get(recurrenceId);
    if (recurrence === null || recurrence.segmentId === undefined) return;
    const recordId = activity.contactId ?? activity.accountId;
    if (recordId === undefined) return;
    // Still a member? A member who left gets no next occurrence.
    if (await this.#deps.segments.isMember(recurrence.segmentId, recordId))
      await this.#ensureNext(recurrence, recordId);
  }

  async #cancelFuture(recurrence: Recurrence, recordId?: string): Promise<void> {
    const now = this.#deps.environment.now();
    for (const occurrence of await this.occurrences(recurrence.id, recordId))
      if (
        occurrence.status === "planned" &&
        Date.parse(occurrence.startAt ?? occurrence.dueAt ?? "") > now
      )
        await this.#deps.activities.cancel(occurrence.id, {
          outcome: recordId === undefined ? "Recurrence removed" : "Left the segment",
        });
  }
}
