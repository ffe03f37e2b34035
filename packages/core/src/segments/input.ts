import { segmentQuerySchema } from "../query/index.js";
import * as z from "../zod.js";

/** The input of a saved segment. @internal */
export const savedInputSchema = z.strictObject({
  id: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  description: z.optional(z.string().check(z.maxLength(2_000))),
  target: z._default(z.enum(["contact", "account"]), "contact"),
  query: segmentQuerySchema,
});
