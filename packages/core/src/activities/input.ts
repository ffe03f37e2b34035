// Validation of what the activity service takes: bookings, changes, agenda ranges, slot queries.

import { toIsoInstant } from "../environment.js";
import { validationError } from "../errors.js";
import { z } from "../zod.js";

/** A minute, in ms. @internal */
export const minute = 60_000;
const id = z.string().min(1).max(128);
const instant = z.iso.datetime({ offset: true });
const participants = z
  .array(id)
  .max(50)
  .refine((ids) => new Set(ids).size === ids.length, "each participant once");
/** @internal */
export const activityInput = z.strictObject({
  id: id.optional(),
  type: id,
  title: z.string().trim().min(1).max(200).optional(),
  status: z.enum(["planned", "done"]).optional(),
  ownerId: id.optional(),
  participantIds: participants.optional(),
  dealId: id.optional(),
  contactId: id.optional(),
  accountId: id.optional(),
  startAt: instant.optional(),
  endAt: instant.optional(),
  dueAt: instant.optional(),
  doneAt: instant.optional(),
  outcome: z.string().max(10_000).optional(),
  allowOverlap: z.boolean().optional(),
  recurrenceId: id.optional(),
  occurrence: z.number().int().min(0).optional(),
});
/** @internal */
export const activityPatch = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  ownerId: id.optional(),
  participantIds: participants.optional(),
  startAt: instant.optional(),
  endAt: instant.optional(),
  dueAt: instant.optional(),
  outcome: z.string().max(10_000).optional(),
  allowOverlap: z.boolean().optional(),
});
const moment = z.union([instant, z.number().int()]);
/** @internal */
export const freeSlotQuery = z
  .strictObject({
    userIds: z.array(id).min(1).max(500).optional(),
    poolId: id.optional(),
    durationMinutes: z.number().int().min(1).max(1_440),
    from: moment,
    to: moment,
    bufferMinutes: z.number().int().min(0).max(1_440).optional(),
    stepMinutes: z.number().int().min(1).max(1_440).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .superRefine((query, ctx) => {
    if ((query.userIds === undefined) === (query.poolId === undefined))
      ctx.addIssue({ code: "custom", path: ["userIds"], message: "give userIds or a poolId" });
    const span = toEpoch(query.to) - toEpoch(query.from);
    if (!(span > 0))
      ctx.addIssue({ code: "custom", path: ["to"], message: "to must be after from" });
    if (span > 93 * 86_400_000)
      ctx.addIssue({ code: "custom", path: ["to"], message: "search 93 days at most" });
  });
/** @internal */
export const agendaRange = z.union([
  z.strictObject({ day: z.iso.date() }),
  z.strictObject({ week: z.iso.date() }),
  z
    .strictObject({ from: moment, to: moment })
    .refine((r) => toEpoch(r.to) > toEpoch(r.from), {
      path: ["to"],
      message: "to must be after from",
    })
    .refine((r) => toEpoch(r.to) - toEpoch(r.from) <= 93 * 86_400_000, {
      path: ["to"],
      message: "93 days at most",
    }),
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
