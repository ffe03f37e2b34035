import type { AssignmentTarget } from "../assignment/index.js";
import { assignmentTargetSchema } from "../assignment/index.js";
import { type SegmentQuery, segmentQuerySchema } from "../query/index.js";
import { z } from "../zod.js";
import type { ListHook, StageKind, TaskTemplate } from "./types.js";

const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "use letters, digits, _ . : and -");
const text = (max: number) => z.string().trim().min(1).max(max);
const fieldName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/, "use a dotted path of field names");

const taskTemplate = z.strictObject({
  id,
  title: text(200),
  actionType: id,
  due: z.strictObject({
    amount: z.number().int().min(0).max(3650),
    unit: z.enum(["days", "hours"]),
    skipWeekends: z.boolean().optional(),
  }),
  assignee: z
    .discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("owner") }),
      z.strictObject({ kind: z.literal("user"), userId: id }),
      z.strictObject({ kind: z.literal("team"), teamId: id }),
    ])
    .optional(),
});

const listHook = z.strictObject({
  listId: text(200),
  unsubscribe: z.union([z.enum(["onExit", "never"]), z.strictObject({ atStage: id })]).optional(),
});

const stage = z.strictObject({
  id,
  name: text(200),
  kind: z.enum(["open", "won", "lost"]).default("open"),
  guidance: z.string().trim().max(10_000).optional(),
  probability: z.number().min(0).max(100).optional(),
  rottingDays: z.number().int().min(1).max(3650).optional(),
  goal: segmentQuerySchema.optional(),
  entryRequirements: z.array(fieldName).max(100).optional(),
  tasks: z.array(taskTemplate).max(100).optional(),
  lists: z.array(listHook).max(20).optional(),
  assignOnEntry: assignmentTargetSchema.optional(),
});

/** @internal */
export const pipelineInputSchema = z.strictObject({
  id: id.optional(),
  name: text(200),
  position: z.number().int().min(0).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "use an ISO 4217 code such as EUR")
    .optional(),
  stages: z.array(stage).min(2).max(100),
});

/** A stage as given to {@link PipelineInput}. */
export interface StageInput {
  /** The stage id, unique within the pipeline. */
  readonly id: string;
  /** The stage's name. */
  readonly name: string;
  /** A step of the process or a terminal outcome. @defaultValue "open" */
  readonly kind?: StageKind;
  /** The manager's words on what is expected. */
  readonly guidance?: string;
  /** Win probability 0–100. @defaultValue 100 for won, 0 for lost, required for open stages */
  readonly probability?: number;
  /** Days without an update before a deal here is rotting. */
  readonly rottingDays?: number;
  /** The stage's goal (open stages only): when it holds, the deal advances by itself. */
  readonly goal?: SegmentQuery;
  /** Deal-view fields that must be filled to enter the stage (`value`, `contact.phone`…). */
  readonly entryRequirements?: readonly string[];
  /** Tasks created on entry. */
  readonly tasks?: readonly TaskTemplate[];
  /** E-mail lists the contact joins on entry. */
  readonly lists?: readonly ListHook[];
  /** Hands the deal to someone else on entry. */
  readonly assignOnEntry?: AssignmentTarget;
}

/** A new pipeline (or, with `update`, its replacement). */
export interface PipelineInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The pipeline's name. */
  readonly name: string;
  /** Its place among pipelines (the first is the default). @defaultValue after the last one */
  readonly position?: number;
  /** The ISO 4217 currency of its deals. @defaultValue the workspace currency */
  readonly currency?: string;
  /** The stages in order: open stages, then at least one won and one lost stage. */
  readonly stages: readonly StageInput[];
}

/** A routing rule: deals matching `when` enter `pipelineId`. */
export interface RoutingRule {
  /** The rule id. */
  readonly id: string;
  /** A name for people. */
  readonly name?: string;
  /** The condition over the new deal, its contact and account. */
  readonly when: SegmentQuery;
  /** The pipeline such deals enter. */
  readonly pipelineId: string;
}

/** @internal */
export const routingRulesSchema = z
  .array(
    z.strictObject({
      id,
      name: text(200).optional(),
      when: segmentQuerySchema,
      pipelineId: id,
    }),
  )
  .max(1_000);
