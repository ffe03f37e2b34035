// Validation of automations: triggers, conditions and steps (branches nest).

import { validationError } from "../errors.js";
import { segmentQuerySchema } from "../query/index.js";
import { collections } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import * as z from "../zod.js";
import type { AutomationInput, Step } from "./types.js";

const id = z.string().check(z.minLength(1), z.maxLength(128));
const duration = z.strictObject({
  amount: z.number().check(z.int(), z.gte(0), z.lte(100_000)),
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
  z.strictObject({
    rebooked: z.literal(true),
    activityTypes: z.optional(z.array(id).check(z.minLength(1), z.maxLength(100))),
  }),
  z.strictObject({ qualified: id }),
]);
const template = z.strictObject({
  subject: z.string().check(z.minLength(1), z.maxLength(500)),
  text: z.string().check(z.minLength(1), z.maxLength(50_000)),
  html: z.optional(z.string().check(z.maxLength(200_000))),
});
const trigger = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.enum(["activity.done", "activity.missed"]),
    activityTypes: z.optional(z.array(id).check(z.minLength(1))),
  }),
  z.strictObject({ type: z.literal("deal.stageEntered"), stageId: id, pipelineId: z.optional(id) }),
  z.strictObject({
    type: z.literal("score.thresholdCrossed"),
    group: z.optional(id),
    direction: z.optional(z.enum(["up", "down"])),
  }),
  z.strictObject({ type: z.literal("score.nurture"), group: z.optional(id) }),
  z.strictObject({ type: z.enum(["segment.entered", "segment.left"]), segmentId: id }),
  z.strictObject({ type: z.enum(["tag.added", "tag.removed"]), tagId: id }),
  z.strictObject({
    type: z.literal("date"),
    field: z.string().check(z.minLength(1), z.maxLength(200)),
    offsetDays: z.number().check(z.int(), z.gte(-3_650), z.lte(3_650)),
  }),
]);

// A recursive schema needs its type spelled out. zod types `.optional()` as `T | undefined` where
// `Step` says `field?: T`; `parseInput` drops `undefined` fields, so the parsed value is a `Step`
// (the schema type test proves the shapes match): that is what this assertion states.
const step: z.ZodMiniType<Step, Step> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("createTask"),
      title: z.string().check(z.minLength(1), z.maxLength(200)),
      actionType: z.optional(id),
      notes: z.optional(z.string().check(z.maxLength(10_000))),
      assignee: z.optional(assignee),
      dueIn: z.optional(duration),
    }),
    z.strictObject({
      kind: z.literal("createActivity"),
      type: id,
      title: z.string().check(z.minLength(1), z.maxLength(200)),
      assignee: z.optional(assignee),
      dueIn: z.optional(duration),
    }),
    z.strictObject({ kind: z.literal("sendEmail"), template, strict: z.optional(z.boolean()) }),
    z.strictObject({ kind: z.literal("wait"), duration }),
    z.strictObject({
      kind: z.literal("waitUntil"),
      condition,
      timeout: duration,
      onTimeout: z.optional(z.enum(["continue", "stop"])),
    }),
    z.strictObject({
      kind: z.literal("branch"),
      if: condition,
      steps: z.array(step).check(z.maxLength(50)),
      otherwise: z.optional(z.array(step).check(z.maxLength(50))),
    }),
    z.strictObject({
      kind: z.literal("assign"),
      to: z.union([z.strictObject({ userId: id }), z.strictObject({ poolId: id })]),
    }),
    z.strictObject({ kind: z.literal("setStatus"), status: id }),
    z.strictObject({
      kind: z.enum(["addTags", "removeTags"]),
      tags: z.array(id).check(z.minLength(1), z.maxLength(50)),
    }),
    z.strictObject({ kind: z.enum(["subscribe", "unsubscribe"]), listId: id }),
    z.strictObject({
      kind: z.literal("notify"),
      message: z.string().check(z.minLength(1), z.maxLength(2_000)),
      to: z.optional(assignee),
    }),
    z.strictObject({
      kind: z.literal("proposeSlots"),
      count: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10))),
      durationMinutes: z.optional(z.number().check(z.int(), z.gte(5), z.lte(480))),
      noticeHours: z.optional(z.number().check(z.int(), z.gte(0), z.lte(720))),
      withinDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(60))),
      onePerDay: z.optional(z.boolean()),
    }),
  ]),
) as z.ZodMiniType<Step, Step>;

/** An automation as given. @internal */
export const automationInputSchema = z.strictObject({
  id: z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "use lower-case letters, digits and -")),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  enabled: z.optional(z.boolean()),
  trigger,
  conditions: z.optional(condition),
  steps: z.array(step).check(z.minLength(1), z.maxLength(100)),
  stopWhen: z.optional(condition),
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
      const actionType =
        step.kind === "createActivity"
          ? ["type", step.type]
          : step.kind === "createTask" && step.actionType !== undefined
            ? ["actionType", step.actionType]
            : null;
      if (
        actionType !== null &&
        (await storage.get(collections.actionTypes, actionType[1]!)) === null
      )
        issues.push({
          path: [...at, actionType[0]!],
          message: `unknown action type "${actionType[1]}"`,
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
