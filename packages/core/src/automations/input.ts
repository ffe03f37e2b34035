// Validation of automations: triggers, conditions and steps (branches nest).
import { z } from "zod";
import { segmentQuerySchema } from "../segments/query.js";
import type { AutomationInput, Step } from "./types.js";

const id = z.string().min(1).max(128);
const duration = z.strictObject({
  amount: z.number().int().min(0).max(100_000),
  unit: z.enum(["minutes", "hours", "days"]),
});
const assignee = z.union([
  z.literal("owner"),
  z.strictObject({ userId: id }),
  z.strictObject({ poolId: id }),
]);
const condition = z.union([
  z.strictObject({ contact: segmentQuerySchema }),
  z.strictObject({ deal: segmentQuerySchema }),
  z.strictObject({ rebooked: z.literal(true) }),
]);
const template = z.strictObject({
  subject: z.string().min(1).max(500),
  text: z.string().min(1).max(50_000),
  html: z.string().max(200_000).optional(),
});
const trigger = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.enum(["activity.done", "activity.missed"]),
    activityTypes: z.array(id).min(1).optional(),
  }),
  z.strictObject({ type: z.literal("deal.stageEntered"), stageId: id, pipelineId: id.optional() }),
  z.strictObject({
    type: z.literal("score.thresholdCrossed"),
    group: id.optional(),
    direction: z.enum(["up", "down"]).optional(),
  }),
  z.strictObject({ type: z.enum(["segment.entered", "segment.left"]), segmentId: id }),
  z.strictObject({ type: z.enum(["tag.added", "tag.removed"]), tagId: id }),
  z.strictObject({
    type: z.literal("date"),
    field: z.string().min(1).max(200),
    offsetDays: z.number().int().min(-3_650).max(3_650),
  }),
]);

const step: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("createActivity"),
      type: id,
      title: z.string().min(1).max(200),
      assignee: assignee.optional(),
      dueIn: duration.optional(),
    }),
    z.strictObject({ kind: z.literal("sendEmail"), template, strict: z.boolean().optional() }),
    z.strictObject({ kind: z.literal("wait"), duration }),
    z.strictObject({
      kind: z.literal("waitUntil"),
      condition,
      timeout: duration,
      onTimeout: z.enum(["continue", "stop"]).optional(),
    }),
    z.strictObject({
      kind: z.literal("branch"),
      if: condition,
      steps: z.array(step).max(50),
      otherwise: z.array(step).max(50).optional(),
    }),
    z.strictObject({
      kind: z.literal("assign"),
      to: z.union([z.strictObject({ userId: id }), z.strictObject({ poolId: id })]),
    }),
    z.strictObject({ kind: z.literal("setStatus"), status: id }),
    z.strictObject({ kind: z.enum(["addTags", "removeTags"]), tags: z.array(id).min(1).max(50) }),
    z.strictObject({ kind: z.enum(["subscribe", "unsubscribe"]), listId: id }),
    z.strictObject({
      kind: z.literal("notify"),
      message: z.string().min(1).max(2_000),
      to: assignee.optional(),
    }),
    z.strictObject({
      kind: z.literal("proposeSlots"),
      count: z.number().int().min(1).max(10).optional(),
      durationMinutes: z.number().int().min(5).max(480).optional(),
      noticeHours: z.number().int().min(0).max(720).optional(),
      withinDays: z.number().int().min(1).max(60).optional(),
      onePerDay: z.boolean().optional(),
    }),
  ]),
) as z.ZodType<Step>;

/** An automation as given. @internal */
export const automationInputSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "use lower-case letters, digits and -"),
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().optional(),
  trigger,
  conditions: condition.optional(),
  steps: z.array(step).min(1).max(100),
  stopWhen: condition.optional(),
}) as unknown as z.ZodType<AutomationInput>;
