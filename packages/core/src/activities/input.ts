// Validation of what the activity service takes: bookings, changes, agenda ranges, slot queries.

import { toIsoInstant } from "../environment.js";
import { validationError } from "../errors.js";
import * as z from "../zod.js";

/** A minute, in ms. @internal */
export const minute = 60_000;
const id = z.string().check(z.minLength(1), z.maxLength(128));
const instant = z.iso.datetime({ offset: true });
const participants = z.array(id).check(
  z.maxLength(50),
  z.refine((ids) => new Set(ids).size === ids.length, "each participant once"),
);
/** @internal */
export const activityInput = z.strictObject({
  id: z.optional(id),
  type: id,
  title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  status: z.optional(z.enum(["planned", "done"])),
  ownerId: z.optional(id),
  participantIds: z.optional(participants),
  dealId: z.optional(id),
  contactId: z.optional(id),
  accountId: z.optional(id),
  startAt: z.optional(instant),
  endAt: z.optional(instant),
  dueAt: z.optional(instant),
  doneAt: z.optional(instant),
  outcome: z.optional(z.string().check(z.maxLength(10_000))),
  allowOverlap: z.optional(z.boolean()),
  recurrenceId: z.optional(id),
  occurrence: z.optional(z.number().check(z.int(), z.gte(0))),
});
/** @internal */
export const activityPatch = z.strictObject({
  title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  ownerId: z.optional(id),
  participantIds: z.optional(participants),
  startAt: z.optional(instant),
  endAt: z.optional(instant),
  dueAt: z.optional(instant),
  outcome: z.optional(z.string().check(z.maxLength(10_000))),
  allowOverlap: z.optional(z.boolean()),
});
const moment = z.union([instant, z.number().check(z.int())]);
/** @internal */
export const freeSlotQuery = z
  .strictObject({
    userIds: z.optional(z.array(id).check(z.minLength(1), z.maxLength(500))),
    poolId: z.optional(id),
    durationMinutes: z.number().check(z.int(), z.gte(1), z.lte(1_440)),
    from: moment,
    to: moment,
    bufferMinutes: z.optional(z.number().check(z.int(), z.gte(0), z.lte(1_440))),
    stepMinutes: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1_440))),
    limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10_000))),
  })
  .check(
    z.superRefine((query, ctx) => {
      if ((query.userIds === undefined) === (query.poolId === undefined))
        ctx.addIssue({ code: "custom", path: ["userIds"], message: "give userIds or a poolId" });
      const span = toEpoch(query.to) - toEpoch(query.from);
      if (!(span > 0))
        ctx.addIssue({ code: "custom", path: ["to"], message: "to must be after from" });
      if (span > 93 * 86_400_000)
        ctx.addIssue({ code: "custom", path: ["to"], message: "search 93 days at most" });
    }),
  );
/** @internal */
export const agendaRange = z.union([
  z.strictObject({ day: z.iso.date() }),
  z.strictObject({ week: z.iso.date() }),
  z.strictObject({ from: moment, to: moment }).check(
    z.refine((r) => toEpoch(r.to) > toEpoch(r.from), {
      path: ["to"],
      message: "to must be after from",
    }),
    z.refine((r) => toEpoch(r.to) - toEpoch(r.from) <= 93 * 86_400_000, {
      path: ["to"],
      message: "93 days at most",
    }),
  ),
]);

/** An instant given as ISO text or epoch ms, in ms. @internal */
export function toEpoch(value: string | number): number {
  return typeof value === "number" ? value : Date.parse(value);
}

/** The outcome note of an option bag, when given. @internal */
export function note(options: { readonly outcome?: string }): { outcome?: string } {
  return options.outcome === undefined ? {} : { outcome: options.outcome };
}

/** Normalised start and end: the end defaults to the type's duration; it must follow the start. */
/** @internal */
export function timingOf(
  startAt: string | undefined,
  endAt: string | undefined,
  defaultMinutes: number,
): { startAt?: string; endAt?: string } {
  if (startAt === undefined) {
    if (endAt !== undefined)
      throw validationError("activity", [
        { path: ["startAt"], message: "an end needs a start", code: "invalid" },
      ]);
    return {};
  }
  const start = Date.parse(startAt);
  const end = endAt === undefined ? start + defaultMinutes * minute : Date.parse(endAt);
  if (!(end > start))
    throw validationError("activity", [
      { path: ["endAt"], message: "the end must follow the start", code: "invalid" },
    ]);
  if (end - start > 31 * 86_400_000)
    throw validationError("activity", [
      { path: ["endAt"], message: "an activity lasts 31 days at most", code: "invalid" },
    ]);
  return { startAt: toIsoInstant(start), endAt: toIsoInstant(end) };
}
