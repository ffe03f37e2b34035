import { propertyName } from "../scoring/index.js";
import * as z from "../zod.js";

const primitive = z.union([z.string().check(z.maxLength(500)), z.number(), z.boolean(), z.null()]);
const eventId = z
  .string()
  .check(
    z.minLength(8),
    z.maxLength(64),
    z.regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ and -"),
  );

/** One hit as the snippet sends it. */
export const wireHitSchema = z
  .strictObject({
    id: eventId,
    type: z.enum(["pageview", "engagement", "event", "identify"]),
    url: z.string().check(
      z.maxLength(2_000, "a URL has at most 2,000 characters"),
      z.refine(
        (text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol),
        "use an http(s) URL",
      ),
    ),
    referrer: z.optional(
      z.string().check(z.maxLength(2_000, "a referrer has at most 2,000 characters")),
    ),
    ts: z.number().check(z.int(), z.gte(0), z.lte(8.64e15)),
    name: z.optional(
      z.string().check(
        z.trim(),
        z.minLength(1),
        z.maxLength(50, "an event name has at most 50 characters"),
        z.refine(
          (name) => !name.startsWith("email."),
          "email.* events come from the server, not the page",
        ),
      ),
    ),
    props: z.optional(
      z
        .record(propertyName, primitive)
        .check(z.refine((props) => Object.keys(props).length <= 30, "at most 30 properties")),
    ),
    vid: z.optional(z.string().check(z.minLength(8), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/))),
    seconds: z.optional(z.number().check(z.gte(0), z.lte(86_400))),
    token: z.optional(z.string().check(z.minLength(1), z.maxLength(1_000))),
  })
  .check(
    z.superRefine((hit, ctx) => {
      if (hit.type === "event" && hit.name === undefined)
        ctx.addIssue({ code: "custom", path: ["name"], message: "an event needs a name" });
      if (hit.type === "engagement" && hit.seconds === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["seconds"],
          message: "an engagement hit needs seconds",
        });
      if (hit.type === "identify" && hit.token === undefined)
        ctx.addIssue({ code: "custom", path: ["token"], message: "identify needs a signed token" });
    }),
  );

/** A request body, as a batch (a single hit `{site, ...hit}` is read as a batch of one). @internal */
export const wireBodySchema = z.strictObject({
  site: z.string().check(z.minLength(1), z.maxLength(64)),
  hits: z.array(wireHitSchema).check(z.minLength(1), z.maxLength(25)),
});

/** Reads a single-hit body as a batch of one; the paths of its issues then start at `hits.0`. @internal */
export function asBatch(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body) || "hits" in body)
    return body;
  const { site, ...hit } = body as Record<string, unknown>;
  return { site, hits: [hit] };
}

/** A hit of the wire format. */
export type WireHit = z.output<typeof wireHitSchema>;
