import { isPrototypeName, prototypeNameMessage } from "../own.js";
import { segmentQuerySchema } from "../query/index.js";
import { z } from "../zod.js";
import { durationPattern } from "./durations.js";
import type { Duration } from "./types.js";

const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "use letters, digits, _ . : and -");
const groupId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ and -")
  .refine((id) => !isPrototypeName(id), prototypeNameMessage);
/** An event property's name: never a name `Object.prototype` has, so reads stay own. */
export const propertyName = z
  .string()
  .min(1)
  .max(50)
  .refine((name) => !isPrototypeName(name), prototypeNameMessage);
const duration = z
  .string()
  .regex(durationPattern, 'use a whole number and a unit: "30m", "12h", "7d", "2w"')
  .transform((text) => text as Duration);
const pattern = z.string().trim().min(1).max(2_000);
const primitive = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

const decay = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("halfLife"), halfLife: duration }),
  z.strictObject({
    kind: z.literal("linear"),
    percent: z.number().gt(0).max(100),
    every: duration,
  }),
]);

const trigger = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("page"),
    url: pattern,
    first: z.boolean().optional(),
    minVisits: z.number().int().min(1).max(100_000).optional(),
    returnWithin: duration.optional(),
    returnAfter: duration.optional(),
  }),
  z.strictObject({
    type: z.literal("engagement"),
    url: pattern,
    minSeconds: z.number().int().min(1).max(10_000_000),
  }),
  z.strictObject({
    type: z.literal("event"),
    name: z.string().trim().min(1).max(50),
    props: z.record(propertyName, z.union([primitive, z.array(primitive).max(100)])).optional(),
    url: pattern.optional(),
  }),
  z.strictObject({ type: z.literal("fit"), when: segmentQuerySchema }),
]);

const rule = z
  .strictObject({
    id,
    name: z.string().trim().min(1).max(200).optional(),
    group: groupId.optional(),
    points: z
      .number()
      .int("use whole points")
      .min(-1_000_000)
      .max(1_000_000)
      .refine((points) => points !== 0, "a rule of 0 points scores nothing"),
    when: trigger,
    repeat: z.enum(["once", "day", "week", "always"]).optional(),
    decay: z.union([decay, z.literal("none")]).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.when.type !== "fit") return;
    if (value.repeat !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["repeat"],
        message: "a fit rule scores once; it has no repeat policy",
      });
    if (value.decay !== undefined && value.decay !== "none")
      ctx.addIssue({
        code: "custom",
        path: ["decay"],
        message: "fit points describe the contact now; they do not decay",
      });
  });

const threshold = z
  .strictObject({
    group: groupId,
    qualifyAt: z.number().min(-1_000_000_000).max(1_000_000_000),
    unqualifyBelow: z.number().min(-1_000_000_000).max(1_000_000_000).optional(),
    handoff: z
      .union([
        z.literal(false),
        z.strictObject({
          pipelineId: id.optional(),
          source: z.string().trim().min(1).max(200).optional(),
        }),
      ])
      .optional(),
    nurtureListId: z.string().trim().min(1).max(200).optional(),
  })
  .refine(
    (value) => value.unqualifyBelow === undefined || value.unqualifyBelow <= value.qualifyAt,
    {
      path: ["unqualifyBelow"],
      message: "the unqualify line must not be above the qualify line",
    },
  );

/** @internal */
export const scoringModelSchema = z.strictObject({
  groups: z
    .array(
      z.strictObject({
        id: groupId,
        name: z.string().trim().min(1).max(200).optional(),
        cap: z.number().min(0).max(1_000_000_000).optional(),
        decay: decay.optional(),
      }),
    )
    .max(100)
    .default([]),
  rules: z.array(rule).max(2_000).default([]),
  thresholds: z.array(threshold).max(100).default([]),
});

/** @internal */
export const hitInputSchema = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ and -"),
    siteId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ and -")
      .optional(),
    visitorId: z.string().min(1).max(128).optional(),
    contactId: z.string().min(1).max(128).optional(),
    type: z.enum(["pageview", "engagement", "event"]),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2_000)
      .optional(),
    referrer: z.string().max(2_000).optional(),
    name: z.string().trim().min(1).max(50).optional(),
    props: z.record(propertyName, primitive).optional(),
    seconds: z.number().min(0).max(86_400).optional(),
    at: z.union([z.iso.datetime({ offset: true }), z.number().int().min(0).max(8.64e15)]),
    attribution: z
      .strictObject({
        utm: z.record(z.string().max(50), z.string().max(500)).optional(),
        clickIds: z.record(z.string().max(50), z.string().max(500)).optional(),
        referrerHost: z.string().max(255).optional(),
      })
      .optional(),
  })
  .superRefine((hit, ctx) => {
    if (hit.type === "event" && hit.name === undefined)
      ctx.addIssue({ code: "custom", path: ["name"], message: "an event needs a name" });
    if (hit.type !== "event" && hit.url === undefined)
      ctx.addIssue({ code: "custom", path: ["url"], message: `a ${hit.type} needs a URL` });
    if (hit.type === "engagement" && hit.seconds === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["seconds"],
        message: "an engagement hit needs seconds",
      });
    if (hit.contactId === undefined && hit.visitorId === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["visitorId"],
        message: "a hit needs a visitor or a contact",
      });
  });

/** The hits of one call: 1 to 1,000. @internal */
export const hitsSchema = z.array(hitInputSchema).min(1).max(1_000);

/**
 * The key of the scoring service's method that accepts hits already validated against
 * {@link hitInputSchema}: only the collector, inside the package, holds it. @internal
 */
export const acceptValidated: unique symbol = Symbol("crmkit.scoring.acceptValidated");
