import type { AssignmentTarget } from "../assignment/index.js";
import { assignmentTargetSchema } from "../assignment/index.js";
import { type SegmentQuery, segmentQuerySchema } from "../query/index.js";
import * as z from "../zod.js";
import type { ListHook, StageKind, TaskTemplate } from "./types.js";

const id = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(128),
    z.regex(/^[A-Za-z0-9_.:-]+$/, "use letters, digits, _ . : and -"),
  );
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const fieldName = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(200),
    z.regex(/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/, "use a dotted path of field names"),
  );

const taskTemplate = z.strictObject({
  id,
  title: text(200),
  actionType: id,
  due: z.strictObject({
    amount: z.number().check(z.int(), z.gte(0), z.lte(3650)),
    unit: z.enum(["days", "hours"]),
    skipWeekends: z.optional(z.boolean()),
  }),
  assignee: z.optional(
    z.discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("owner") }),
      z.strictObject({ kind: z.literal("user"), userId: id }),
      z.strictObject({ kind: z.literal("team"), teamId: id }),
    ]),
  ),
});

const listHook = z.strictObject({
  listId: text(200),
  unsubscribe: z.optional(z.union([z.enum(["onExit", "never"]), z.strictObject({ atStage: id })])),
});

const stage = z.strictObject({
  id,
  name: text(200),
  kind: z._default(z.enum(["open", "won", "lost"]), "open"),
  guidance: z.optional(z.string().check(z.trim(), z.maxLength(10_000))),
  probability: z.optional(z.number().check(z.gte(0), z.lte(100))),
  rottingDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(3650))),
  goal: z.optional(segmentQuerySchema),
  entryRequirements: z.optional(z.array(fieldName).check(z.maxLength(100))),
  tasks: z.optional(z.array(taskTemplate).check(z.maxLength(100))),
  lists: z.optional(z.array(listHook).check(z.maxLength(20))),
  assignOnEntry: z.optional(assignmentTargetSchema),
});

/** @internal */
export const pipelineInputSchema = z.strictObject({
  id: z.optional(id),
  name: text(200),
  position: z.optional(z.number().check(z.int(), z.gte(0))),
  currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/, "use an ISO 4217 code such as EUR"))),
  stages: z.array(stage).check(z.minLength(2), z.maxLength(100)),
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
      name: z.optional(text(200)),
      when: segmentQuerySchema,
      pipelineId: id,
    }),
  )
  .check(z.maxLength(1_000));
