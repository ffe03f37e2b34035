import { segmentQuerySchema } from "../query/index.js";
import * as z from "../zod.js";
import type { PoolCapacity, PoolMembers, PoolStrategy } from "./types.js";

const id = z.string().check(z.minLength(1), z.maxLength(128));

/** @internal */
export const assignmentTargetSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("user"), userId: id }),
  z.strictObject({ kind: z.literal("pool"), poolId: id }),
  z.strictObject({ kind: z.literal("accountOwner") }),
  z.strictObject({
    kind: z.literal("field"),
    field: z.string().check(z.minLength(1), z.maxLength(200)),
  }),
]);

/** @internal */
export const assignmentRulesSchema = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        id,
        name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
        when: z.optional(segmentQuerySchema),
        target: assignmentTargetSchema,
      }),
    )
    .check(
      z.maxLength(1_000),
      z.superRefine((rules, ctx) => {
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
    ),
  fallbackPoolId: z.optional(id),
  queueDeadline: z.optional(
    z.strictObject({
      afterHours: z.number().check(z.positive(), z.lte(24 * 366)),
      poolId: z.optional(id),
    }),
  ),
});

/** @internal */
export const poolInputSchema = z.strictObject({
  id: z.optional(id),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  members: z.union([
    z.strictObject({ teamId: id }),
    z.strictObject({ userIds: z.array(id).check(z.minLength(1), z.maxLength(10_000)) }),
    z.strictObject({ query: segmentQuerySchema }),
  ]),
  strategy: z.enum(["roundRobin", "weightedRoundRobin", "leastLoaded"]),
  weights: z.optional(z.record(id, z.number().check(z.int(), z.gte(1), z.lte(1_000)))),
  load: z.optional(z.enum(["openDeals", "openTasks"])),
  capacity: z.optional(
    z.strictObject({
      perDay: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1_000_000))),
      perWeek: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1_000_000))),
    }),
  ),
  respectWorkingHours: z.optional(z.boolean()),
  fallbackPoolId: z.optional(id),
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
