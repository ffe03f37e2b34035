import { isPrototypeName, prototypeNameMessage } from "../own.js";
import { segmentQuerySchema } from "../query/index.js";
import * as z from "../zod.js";
import { durationPattern } from "./durations.js";
import type { Duration } from "./types.js";

const id = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(128),
    z.regex(/^[A-Za-z0-9_.:-]+$/, "use letters, digits, _ . : and -"),
  );
const groupId = z.string().check(
  z.minLength(1),
  z.maxLength(64),
  z.regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ and -"),
  z.refine((id) => !isPrototypeName(id), prototypeNameMessage),
);
/** An event property's name: never a name `Object.prototype` has, so reads stay own. */
export const propertyName = z.string().check(
  z.minLength(1),
  z.maxLength(50),
  z.refine((name) => !isPrototypeName(name), prototypeNameMessage),
);
const duration = z.pipe(
  z
    .string()
    .check(z.regex(durationPattern, 'use a whole number and a unit: "30m", "12h", "7d", "2w"')),
  z.transform((text) => text as Duration),
);
const pattern = z.string().check(z.trim(), z.minLength(1), z.maxLength(2_000));
const primitive = z.union([z.string().check(z.maxLength(500)), z.number(), z.boolean(), z.null()]);

const decay = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("halfLife"), halfLife: duration }),
  z.strictObject({
    kind: z.literal("linear"),
    percent: z.number().check(z.gt(0), z.lte(100)),
    every: duration,
  }),
]);

const trigger = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("page"),
    url: pattern,
    first: z.optional(z.boolean()),
    minVisits: z.optional(z.number().check(z.int(), z.gte(1), z.lte(100_000))),
    returnWithin: z.optional(duration),
    returnAfter: z.optional(duration),
  }),
  z.strictObject({
    type: z.literal("engagement"),
    url: pattern,
    minSeconds: z.number().check(z.int(), z.gte(1), z.lte(10_000_000)),
  }),
  z.strictObject({
    type: z.literal("event"),
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(50)),
    props: z.optional(
      z.record(propertyName, z.union([primitive, z.array(primitive).check(z.maxLength(100))])),
    ),
    url: z.optional(pattern),
  }),
  z.strictObject({ type: z.literal("fit"), when: segmentQuerySchema }),
]);

const rule = z
  .strictObject({
    id,
    name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
    group: z.optional(groupId),
    points: z.number().check(
      z.int("use whole points"),
      z.gte(-1_000_000),
      z.lte(1_000_000),
      z.refine((points) => points !== 0, "a rule of 0 points scores nothing"),
    ),
    when: trigger,
    repeat: z.optional(z.enum(["once", "day", "week", "always"])),
    decay: z.optional(z.union([decay, z.literal("none")])),
  })
  .check(
    z.superRefine((value, ctx) => {
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
    }),
  );

const threshold = z
  .strictObject({
    group: groupId,
    qualifyAt: z.number().check(z.gte(-1_000_000_000), z.lte(1_000_000_000)),
    unqualifyBelow: z.optional(z.number().check(z.gte(-1_000_000_000), z.lte(1_000_000_000))),
    handoff: z.optional(
      z.union([
        z.literal(false),
        z.strictObject({
          pipelineId: z.optional(id),
          source: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
        }),
      ]),
    ),
    nurtureListId: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  })
  .check(
    z.refine(
      (value) => value.unqualifyBelow === undefined || value.unqualifyBelow <= value.qualifyAt,
      {
        path: ["unqualifyBelow"],
        message: "the unqualify line must not be above the qualify line",
      },
    ),
  );

/** @internal */
export const scoringModelSchema = z.strictObject({
  groups: z._default(
    z
      .array(
        z.strictObject({
          id: groupId,
          name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
          cap: z.optional(z.number().check(z.gte(0), z.lte(1_000_000_000))),
          decay: z.optional(decay),
        }),
      )
      .check(z.maxLength(100)),
    [],
  ),
  rules: z._default(z.array(rule).check(z.maxLength(2_000)), []),
  thresholds: z._default(z.array(threshold).check(z.maxLength(100)), []),
});

/** @internal */
export const hitInputSchema = z
  .strictObject({
    id: z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(64),
        z.regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ and -"),
      ),
    siteId: z.optional(
      z
        .string()
        .check(
          z.minLength(1),
          z.maxLength(64),
          z.regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ and -"),
        ),
    ),
    visitorId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    contactId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    type: z.enum(["pageview", "engagement", "event"]),
    url: z.optional(z.url({ protocol: /^https?$/ }).check(z.maxLength(2_000))),
    referrer: z.optional(z.string().check(z.maxLength(2_000))),
    name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(50))),
    props: z.optional(z.record(propertyName, primitive)),
    seconds: z.optional(z.number().check(z.gte(0), z.lte(86_400))),
    at: z.union([
      z.iso.datetime({ offset: true }),
      z.number().check(z.int(), z.gte(0), z.lte(8.64e15)),
    ]),
    attribution: z.optional(
      z.strictObject({
        utm: z.optional(
          z.record(z.string().check(z.maxLength(50)), z.string().check(z.maxLength(500))),
        ),
        clickIds: z.optional(
          z.record(z.string().check(z.maxLength(50)), z.string().check(z.maxLength(500))),
        ),
        referrerHost: z.optional(z.string().check(z.maxLength(255))),
      }),
    ),
  })
  .check(
    z.superRefine((hit, ctx) => {
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
    }),
  );

/** The hits of one call: 1 to 1,000. @internal */
export const hitsSchema = z.array(hitInputSchema).check(z.minLength(1), z.maxLength(1_000));

/**
 * The key of the scoring service's method that accepts hits already validated against
 * {@link hitInputSchema}: only the collector, inside the package, holds it. @internal
 */
export const acceptValidated: unique symbol = Symbol("crmkit.scoring.acceptValidated");
