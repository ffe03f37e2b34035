// Validation of automations: triggers, conditions and steps (branches nest).

import { validationError } from "../errors.js";
import { segmentQuerySchema } from "../query/index.js";
import { collections } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { z } from "../zod.js";
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
  z.strictObject({ qualified: id }),
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
  z.strictObject({ type: z.literal("score.nurture"), group: id.optional() }),
  z.strictObject({ type: z.enum(["segment.entered", "segment.left"]), segmentId: id }),
  z.strictObject({ type: z.enum(["tag.added", "tag.removed"]), tagId: id }),
  z.strictObject({
    type: z.literal("date"),
    field: z.string().min(1).max(200),
    offsetDays: z.number().int().min(-3_650).max(3_650),
  }),
]);

// A recursive schema needs its type spelled out. zod types `.optional()` as `T | undefined` where
// `Step` says `field?: T`; `parseInput` drops `undefined` fields, so the parsed value is a `Step`
// (the schema type test proves the shapes match): that is what this assertion states.
const step: z.ZodType<Step, Step> = z.lazy(() =>
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
) as z.ZodType<Step, Step>;

/** An automation as given. @internal */
export const automationInputSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "use lower-case letters, digits and -"),
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().optional(),
  trigger,
  conditions: condition.optional(),
  steps: z.array(step).min(1).max(100),
  stopWhen: condition.optional(),
});

/** Checks what an automation names (action types, statuses, tags, segments). @internal */
export async function checkReferences(
  storage: StorageAdapter,
  input: AutomationInput,
): Promise<void> {
  const issues: { path: (string | number)[]; message: string; code: string }[] = [];
  const trigger = input.trigger;
  if (
    (trigger.type === "segment.entered" || trigger.type === "segment.left") &&
    (await storage.get(collections.segments, trigger.segmentId)) === null
  )
    issues.push({
      path: ["trigger", "segmentId"],
      message: `unknown segment "${trigger.segmentId}"`,
      code: "unknown_ref",
    });
  if (
    (trigger.type === "tag.added" || trigger.type === "tag.removed") &&
    (await storage.get(collections.tags, trigger.tagId)) === null
  )
    issues.push({
      path: ["trigger", "tagId"],
      message: `unknown tag "${trigger.tagId}"`,
      code: "unknown_ref",
    });
  const walk = async (steps: AutomationInput["steps"], path: (string | number)[]) => {
    for (const [index, step] of steps.entries()) {
      const at = [...path, index];
      if (
        step.kind === "createActivity" &&
        (await storage.get(collections.actionTypes, step.type)) === null
      )
        issues.push({
          path: [...at, "type"],
          message: `unknown action type "${step.type}"`,
          code: "unknown_ref",
        });
      if (
        step.kind === "setStatus" &&
        (await storage.get(collections.statuses, step.status)) === null
      )
        issues.push({
          path: [...at, "status"],
          message: `unknown status "${step.status}"`,
          code: "unknown_ref",
        });
      if (step.kind === "addTags" || step.kind === "removeTags")
        for (const [i, tag] of step.tags.entries())
          if ((await storage.get(collections.tags, tag)) === null)
            issues.push({
              path: [...at, "tags", i],
              message: `unknown tag "${tag}"`,
              code: "unknown_ref",
            });
      if (step.kind === "branch") {
        await walk(step.steps, [...at, "steps"]);
        if (step.otherwise !== undefined) await walk(step.otherwise, [...at, "otherwise"]);
      }
    }
  };
  await walk(input.steps, ["steps"]);
  if (issues.length > 0) throw validationError("automation", issues);
}
