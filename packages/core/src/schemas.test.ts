// Each record shape is written twice — the zod schema that checks it at the boundary, and the
// TypeScript type the API documents — so these type tests tie the two: a field added, renamed,
// made optional or given another type on one side only fails `pnpm typecheck`. A value is
// compared as `parseInput` hands it over (`Defined`: no `undefined` fields) and deeply read-only.
import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod/mini";
import type { actionTypeInput } from "./activities/action-types.js";
import type {
  ActionTypeInput,
  ActivityInput,
  ActivityPatch,
  RecurrenceInput,
} from "./activities/index.js";
import type { activityInput, activityPatch } from "./activities/input.js";
import type { recurrenceInput } from "./activities/recurrences.js";
import type { AssignmentRules, PoolInput } from "./assignment/index.js";
import type { assignmentRulesSchema, poolInputSchema } from "./assignment/input.js";
import type { AutomationInput, Step } from "./automations/index.js";
import type { automationInputSchema } from "./automations/input.js";
import type { CompensationPlan } from "./compensation/index.js";
import type { compensationPlanSchema } from "./compensation/plan.js";
import type { absenceInput } from "./directory/absences.js";
import type { AbsenceInput, TeamInput, UserInput } from "./directory/index.js";
import type { teamInput, userInput } from "./directory/inputs.js";
import type { MetricRef, ObjectiveInput } from "./objectives/index.js";
import type { metricRefSchema } from "./objectives/metrics.js";
import type { objectiveInputSchema } from "./objectives/service.js";
import type { AccountInput, AccountPatch, ContactInput, ContactPatch } from "./parties/index.js";
import type {
  accountInputSchema,
  accountPatchSchema,
  contactInputSchema,
  contactPatchSchema,
} from "./parties/party-input.js";
import type { dealFilterSchema, dealInputSchema, dealPatchSchema } from "./pipelines/deal-input.js";
import type {
  DealFilter,
  DealInput,
  DealPatch,
  PipelineInput,
  RoutingRule,
} from "./pipelines/index.js";
import type { pipelineInputSchema, routingRulesSchema } from "./pipelines/input.js";
import type { SegmentQuery } from "./query/index.js";
import type { HitInput, ScoringModel, ScoringModelInput } from "./scoring/index.js";
import type { hitInputSchema, scoringModelSchema } from "./scoring/input.js";
import type { SavedSegmentInput } from "./segments/index.js";
import type { savedInputSchema } from "./segments/input.js";
import type {
  CustomFieldInput,
  StatusInput,
  TagCategoryInput,
  TagInput,
} from "./taxonomy/index.js";
import type { categoryInput, fieldInput, statusInput, tagInput } from "./taxonomy/inputs.js";

type Leaf = string | number | boolean | bigint | symbol | null | ((...args: never[]) => unknown);

/**
 * A shape as compared here: deeply read-only (`readonly` is a promise of the API, not a difference
 * of shape) and without `undefined` fields (as `parseInput` hands values over: `Defined`). The two
 * recursive shapes — the condition language and automation steps — are left whole: their schemas
 * are declared with their types where they are defined (`z.ZodMiniType<SegmentQuery, SegmentQuery>`,
 * `z.ZodMiniType<Step, Step>`), and TypeScript cannot compare two unrollings of a recursive union.
 */
type Shape<T> = T extends SegmentQuery
  ? SegmentQuery
  : T extends Step
    ? Step
    : T extends Leaf
      ? T
      : { readonly [K in keyof T]: Shape<Exclude<T[K], undefined>> };

/** Every field path of a shape (`.stages[].goal`): a field on one side only is a drift. */
type Paths<T, At extends string = ""> = T extends SegmentQuery | Step | Leaf
  ? never
  : T extends readonly (infer Item)[]
    ? Paths<Item, `${At}[]`>
    : {
        [K in keyof T & string]-?: `${At}.${K}` | Paths<Exclude<T[K], undefined>, `${At}.${K}`>;
      }[keyof T & string];

/** Whether two types accept exactly the same values. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The schema accepts every value the documented input type allows (it may accept more: a duration
 * is any string to the schema, checked by pattern, and a template literal to the type), and the two
 * name the same fields.
 */
type Accepts<Schema extends z.ZodMiniType, T> = [Shape<T>] extends [Shape<z.input<Schema>>]
  ? Same<Paths<T>, Paths<z.input<Schema>>>
  : false;

/** What parsing hands over is exactly the type the code then works with. */
type Yields<Schema extends z.ZodMiniType, T> =
  Same<Shape<z.output<Schema>>, Shape<T>> extends true
    ? Same<Paths<T>, Paths<z.output<Schema>>>
    : false;

describe("schemas and types", () => {
  it("accept what the documented inputs say", () => {
    expectTypeOf<Accepts<typeof contactInputSchema, ContactInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof accountInputSchema, AccountInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof contactPatchSchema, ContactPatch>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof accountPatchSchema, AccountPatch>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof dealInputSchema, DealInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof dealPatchSchema, DealPatch>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof dealFilterSchema, DealFilter>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof pipelineInputSchema, PipelineInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof routingRulesSchema, RoutingRule[]>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof savedInputSchema, SavedSegmentInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof assignmentRulesSchema, AssignmentRules>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof poolInputSchema, PoolInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof objectiveInputSchema, ObjectiveInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof metricRefSchema, MetricRef>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof activityInput, ActivityInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof activityPatch, ActivityPatch>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof actionTypeInput, ActionTypeInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof recurrenceInput, RecurrenceInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof compensationPlanSchema, CompensationPlan>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof scoringModelSchema, ScoringModelInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof hitInputSchema, HitInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof userInput, UserInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof teamInput, TeamInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof absenceInput, AbsenceInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof statusInput, StatusInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof categoryInput, TagCategoryInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof tagInput, TagInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof fieldInput, CustomFieldInput>>().toEqualTypeOf<true>();
    expectTypeOf<Accepts<typeof automationInputSchema, AutomationInput>>().toEqualTypeOf<true>();
  });

  it("yield the shapes the code stores", () => {
    expectTypeOf<Yields<typeof metricRefSchema, MetricRef>>().toEqualTypeOf<true>();
    expectTypeOf<Yields<typeof compensationPlanSchema, CompensationPlan>>().toEqualTypeOf<true>();
    expectTypeOf<Yields<typeof scoringModelSchema, ScoringModel>>().toEqualTypeOf<true>();
    expectTypeOf<Yields<typeof assignmentRulesSchema, AssignmentRules>>().toEqualTypeOf<true>();
    expectTypeOf<Yields<typeof routingRulesSchema, RoutingRule[]>>().toEqualTypeOf<true>();
    expectTypeOf<Yields<typeof automationInputSchema, AutomationInput>>().toEqualTypeOf<true>();
  });
});
