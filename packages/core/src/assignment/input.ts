import { segmentQuerySchema } from "../query/index.js";
import { z } from "../zod.js";
import type { PoolCapacity, PoolMembers, PoolStrategy } from "./types.js";

const id = z.string().min(1).max(128);

/** @internal */
export const assignmentTargetSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("user"), userId: id }),
  z.strictObject({ kind: z.literal("pool"), poolId: id }),
  z.strictObject({ kind: z.literal("accountOwner") }),
  z.strictObject({ kind: z.literal("field"), field: z.string().min(1).max(200) }),
]);

/** @internal */
export const assignmentRulesSchema = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        id,
        name: z.string().trim().min(1).max(200).optional(),
        when: segmentQuerySchema.optional(),
        target: assignmentTargetSchema,
      }),
    )
    .max(1_000)
    .superRefine((rules, ctx) => {
      const seen = new Set<string>();
      for (const [index, rule] of rules.entries()) {
        if (seen.has(rule.id))
          ctx.addIssue({
            code: "custom",
            message: `duplicate rule id "${rule.id}"`,
            path: [index, "id"],
          });
        seen.add(rule.id);
      }
    }),
  fallbackPoolId: id.optional(),
});

/** @internal */
export const poolInputSchema = z.strictObject({
  id: id.optional(),
  name: z.string().trim().min(1).max(200),
  members: z.union([
    z.strictObject({ teamId: id }),
    z.strictObject({ userIds: z.array(id).min(1).max(10_000) }),
    z.strictObject({ query: segmentQuerySchema }),
  ]),
  strategy: z.enum(["roundRobin", "weightedRoundRobin", "leastLoaded"]),
  weights: z.record(id, z.number().int().min(1).max(1_000)).optional(),
  load: z.enum(["openDeals", "openTasks"]).optional(),
  capacity: z
    .strictObject({
      perDay: z.number().int().min(1).max(1_000_000).optional(),
      perWeek: z.number().int().min(1).max(1_000_000).optional(),
    })
    .optional(),
  respectWorkingHours: z.boolean().optional(),
  fallbackPoolId: id.optional(),
});

/** A new pool (or, with `update`, its replacement). */
export interface PoolInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The pool's name. */
  readonly name: string;
  /** Its members: a team, a list of users, or a query over users. */
  readonly members: PoolMembers;
  /** How deals are spread. */
  readonly strategy: PoolStrategy;
  /** Weights by user id for `weightedRoundRobin` (1–1000; missing members weigh 1). */
  readonly weights?: Readonly<Record<string, number>>;
  /** What `leastLoaded` counts. @defaultValue "openDeals" */
  readonly load?: "openDeals" | "openTasks";
  /** New deals per rep and period at most. */
  readonly capacity?: PoolCapacity;
  /** Whether reps outside their working hours are skipped. @defaultValue true */
  readonly respectWorkingHours?: boolean;
  /** The pool that takes over when nobody here is eligible. */
  readonly fallbackPoolId?: string;
}
