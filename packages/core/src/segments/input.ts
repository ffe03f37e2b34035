import { segmentQuerySchema } from "../query/index.js";
import { z } from "../zod.js";

/** The input of a saved segment. @internal */
export const savedInputSchema = z.strictObject({
  id: z.string().min(1).max(128).optional(),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2_000).optional(),
  target: z.enum(["contact", "account"]).default("contact"),
  query: segmentQuerySchema,
});
