// Length: the plan's schema and its review in words (errors, warnings, remarks), one list read top
// to bottom, curves included; a commission's own checks are in commission.ts.
import { CrmkitError } from "../errors.js";
import { metricInfo, metricRefSchema } from "../objectives/index.js";
import { safeParseInput } from "../validation.js";
import * as z from "../zod.js";
import { commissionProblems } from "./commission.js";
import { compileCurve, payoutPercent } from "./curve.js";
import type { CompensationPlan, PayoutCurve, PlanProblem, PlanValidation } from "./types.js";

const percent = z.number().check(z.nonnegative());
const curveSchema = z.strictObject({
  floor: z.optional(percent),
  tiers: z
    .array(z.strictObject({ from: percent, rate: z.number().check(z.nonnegative()) }))
    .check(z.minLength(1), z.maxLength(20)),
  steps: z.optional(
    z
      .array(z.strictObject({ at: percent, add: z.number().check(z.nonnegative()) }))
      .check(z.maxLength(20)),
  ),
  cap: z.optional(percent),
});
const money = z.number().check(z.int(), z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER));
const rate = z.number().check(z.nonnegative(), z.lte(100));
const target = z.discriminatedUnion("source", [
  z.strictObject({ source: z.literal("objective") }),
  z.strictObject({ source: z.literal("fixed"), value: z.number().check(z.nonnegative()) }),
]);
const commissionSchema = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  name: z.optional(z.string().check(z.maxLength(200))),
  metric: metricRefSchema,
  rate: z.optional(rate),
  tiers: z.optional(
    z
      .array(z.strictObject({ from: z.number().check(z.nonnegative()), rate }))
      .check(z.minLength(1), z.maxLength(20)),
  ),
  tierBasis: z.optional(z.enum(["attainment", "amount"])),
  tierMode: z.optional(z.enum(["marginal", "retroactive"])),
  target: z.optional(target),
  segmentRates: z.optional(
    z
      .array(
        z.strictObject({
          segmentId: z.string().check(z.minLength(1), z.maxLength(128)),
          rate,
          name: z.optional(z.string().check(z.maxLength(200))),
        }),
      )
      .check(z.minLength(1), z.maxLength(50)),
  ),
  cap: z.optional(money),
});
const factor = z.number().check(z.positive(), z.lte(100));
const termsShape = {
  onTargetPay: money,
  targetFactor: z.optional(factor),
  payFactor: z.optional(z.number().check(z.nonnegative(), z.lte(100))),
  note: z.optional(z.string().check(z.maxLength(500))),
};

/** The zod schema of a {@link CompensationPlan} (structure only; {@link validatePlan} adds meaning). @internal */
export const compensationPlanSchema = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  version: z.number().check(z.int(), z.gte(1)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, "use an ISO 4217 code")),
  criteria: z
    .array(
      z.strictObject({
        id: z.string().check(z.minLength(1), z.maxLength(64)),
        name: z.optional(z.string().check(z.maxLength(200))),
        metric: metricRefSchema,
        weight: z.number().check(z.positive(), z.lte(100)),
        target,
        curve: curveSchema,
      }),
    )
    .check(z.maxLength(12)),
  commissions: z.optional(z.array(commissionSchema).check(z.maxLength(12))),
  collective: z.optional(
    z.strictObject({
      metric: metricRefSchema,
      target: z.optional(z.number().check(z.positive())),
      gate: z.optional(percent),
      scale: z.optional(curveSchema),
    }),
  ),
  reps: z
    .array(z.strictObject({ repId: z.string().check(z.minLength(1)), ...termsShape }))
    .check(z.maxLength(100_000)),
  defaultTerms: z.optional(z.strictObject(termsShape)),
  budget: z.optional(money),
});

function curveProblems(curve: PayoutCurve, path: (string | number)[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const error = (code: string, at: (string | number)[], message: string) =>
    problems.push({ severity: "error", code, path: at, message });
  const warn = (code: string, at: (string | number)[], message: string) =>
    problems.push({ severity: "warning", code, path: at, message });
  for (let i = 1; i < curve.tiers.length; i++) {
    if (curve.tiers[i]!.from <= curve.tiers[i - 1]!.from) {
      error(
        "TIERS_NOT_ASCENDING",
        [...path, "tiers", i, "from"],
        `Tier ${i + 1} starts at ${curve.tiers[i]!.from} %, not after tier ${i} (${curve.tiers[i - 1]!.from} %): tiers must be in ascending order.`,
      );
    }
  }
  if (problems.length > 0) return problems;
  for (let i = 1; i < curve.tiers.length; i++) {
    const { from, rate } = curve.tiers[i]!;
    if (rate < curve.tiers[i - 1]!.rate && rate < 1) {
      warn(
        "DECELERATOR",
        [...path, "tiers", i, "rate"],
        `Above ${from} % each attainment point pays ×${rate}, less than a point: a decelerator — reps gain little by pushing further; check it is intended.`,
      );
    }
  }
  for (const [i, step] of (curve.steps ?? []).entries()) {
    warn(
      "STEP_THRESHOLD",
      [...path, "steps", i],
      `A step of ${step.add} points at ${step.at} %: reps just past a step stop pushing, and reps just below it are tempted to move deals between periods. Prefer a marginal tier.`,
    );
  }
  const compiled = compileCurve(curve);
  const floor = curve.floor ?? 0;
  const atFloor = payoutPercent(compiled, floor);
  if (floor > 0 && atFloor > 0) {
    warn(
      "FLOOR_CLIFF",
      [...path, "floor"],
      `At the ${floor} % floor the payout jumps from 0 to ${Number(atFloor.toFixed(2))} %: a cliff, with the same effects as a step.`,
    );
  }
  if (floor > 100) {
    warn(
      "FLOOR_ABOVE_TARGET",
      [...path, "floor"],
      `The floor (${floor} %) is above target: a rep exactly on target earns nothing.`,
    );
  }
  const atTarget = payoutPercent(compiled, 100);
  if (Math.abs(atTarget - 100) > 1e-9) {
    warn(
      "TARGET_NOT_100",
      path,
      `At 100 % attainment this curve pays ${Number(atTarget.toFixed(2))} % of the on-target amount, not 100 %: the announced on-target pay is not what target pays.`,
    );
  }
  const last = curve.tiers[curve.tiers.length - 1]!;
  if (curve.cap === undefined && last.rate > 0) {
    warn(
      "UNCAPPED",
      [...path, "cap"],
      "The curve has no cap: cost is unbounded for an exceptional year.",
    );
  }
  return problems;
}

/**
 * Checks a plan and says what is wrong in words: structure (with zod's paths), then meaning —
 * weights that do not sum to 100 %, tiers out of order, duplicate ids, a commission on something
 * that is not an amount; design risks as **warnings** — step thresholds, floor cliffs and
 * retroactive tiers, decelerators, curves that do not pay 100 % at target, uncapped curves, a gate
 * above 100 %; and advice a sound plan may ignore as **remarks** — fewer than 2 or more than 4
 * criteria, criteria that are all outputs or all inputs, a commission without a cap.
 *
 * @example
 * ```ts
 * const result = validatePlan(json);
 * if (!result.ok) for (const p of result.problems) console.log(p.severity, p.message);
 * ```
 */
export function validatePlan(input: unknown): PlanValidation {
  const parsed = safeParseInput(compensationPlanSchema, input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.issues.map((issue) => ({
        severity: "error",
        code: "INVALID_SHAPE",
        path: issue.path,
        message: `${issue.path.length > 0 ? issue.path.join(".") : "plan"}: ${issue.message}`,
      })),
    };
  }
  const plan = parsed.data;
  const problems: PlanProblem[] = [];
  const commissions = plan.commissions ?? [];
  if (plan.criteria.length === 0 && commissions.length === 0)
    problems.push({
      severity: "error",
      code: "NO_CRITERIA",
      path: ["criteria"],
      message: "The plan pays for nothing: give weighted criteria, commissions, or both.",
    });
  const weightSum = plan.criteria.reduce((sum, c) => sum + c.weight, 0);
  if (plan.criteria.length > 0 && Math.abs(weightSum - 100) > 1e-6) {
    problems.push({
      severity: "error",
      code: "WEIGHTS_NOT_100",
      path: ["criteria"],
      message: `The criteria's weights sum to ${Number(weightSum.toFixed(4))} %, not 100 %.`,
    });
  }
  const ids = new Set<string>();
  const named = [
    ...plan.criteria.map((c, i) => [c.id, ["criteria", i, "id"]] as const),
    ...commissions.map((c, i) => [c.id, ["commissions", i, "id"]] as const),
  ];
  for (const [id, path] of named) {
    if (ids.has(id)) {
      problems.push({
        severity: "error",
        code: "DUPLICATE_CRITERION",
        path: [...path],
        message: `Two criteria or commissions are called "${id}".`,
      });
    }
    ids.add(id);
  }
  for (const [i, criterion] of plan.criteria.entries())
    problems.push(...curveProblems(criterion.curve, ["criteria", i, "curve"]));
  for (const [i, commission] of commissions.entries())
    problems.push(...commissionProblems(commission, ["commissions", i]));
  const reps = new Set<string>();
  for (const [i, rep] of plan.reps.entries()) {
    if (reps.has(rep.repId)) {
      problems.push({
        severity: "error",
        code: "DUPLICATE_REP",
        path: ["reps", i, "repId"],
        message: `Rep "${rep.repId}" is listed twice.`,
      });
    }
    reps.add(rep.repId);
  }
  if (plan.reps.length === 0 && plan.defaultTerms === undefined) {
    problems.push({
      severity: "error",
      code: "NO_REPS",
      path: ["reps"],
      message: "The plan covers nobody: list reps or give default terms.",
    });
  }
  // Advice, not risk: a plan of one commission, or of outputs only, is ordinary.
  const paidFor = plan.criteria.length + commissions.length;
  if (paidFor > 0 && (paidFor < 2 || paidFor > 4)) {
    problems.push({
      severity: "remark",
      code: "CRITERIA_COUNT",
      path: ["criteria"],
      message:
        paidFor < 2
          ? "A single criterion pays for one thing only: 2 to 4 criteria balance results and the work behind them."
          : `${paidFor} criteria and commissions dilute each one's weight: reps cannot keep more than 4 in mind.`,
    });
  }
  const families = new Set([
    ...plan.criteria.map((c) => metricInfo(c.metric).family),
    ...commissions.map((c) => metricInfo(c.metric).family),
  ]);
  if (paidFor >= 2 && families.size === 1) {
    problems.push({
      severity: "remark",
      code: "ONE_FAMILY",
      path: ["criteria"],
      message: `Every criterion is an ${[...families][0]} metric: combining outputs (revenue, deals won) with inputs (meetings, proposals) the rep controls rewards the work as well as the luck.`,
    });
  }
  if (plan.collective !== undefined) {
    if ((plan.collective.gate ?? 0) > 100) {
      problems.push({
        severity: "warning",
        code: "GATE_ABOVE_TARGET",
        path: ["collective", "gate"],
        message: `The team gate (${plan.collective.gate} %) is above the team target: nobody is paid when the team is exactly on target.`,
      });
    }
    if (plan.collective.scale !== undefined)
      problems.push(
        ...curveProblems(plan.collective.scale, ["collective", "scale"]).filter(
          (p) => p.severity === "error" || p.code === "STEP_THRESHOLD",
        ),
      );
  }
  const errors = problems.filter((p) => p.severity === "error");
  const warnings = problems.filter((p) => p.severity === "warning");
  const remarks = problems.filter((p) => p.severity === "remark");
  return errors.length > 0
    ? { ok: false, problems: [...errors, ...warnings, ...remarks] }
    : { ok: true, plan, warnings, remarks };
}

/** A plan that passed {@link validatePlan}, with its design warnings and remarks. */
export interface ParsedPlan {
  /** The plan. */
  readonly plan: CompensationPlan;
  /** Design risks to review. */
  readonly warnings: readonly PlanProblem[];
  /** Advice a sound plan may ignore. */
  readonly remarks: readonly PlanProblem[];
}

/**
 * Validates a plan, throwing on errors.
 * @throws CrmkitError `VALIDATION_FAILED` with `details.problems` and the first error's path
 */
export function parsePlan(input: unknown): ParsedPlan {
  const result = validatePlan(input);
  if (result.ok) return { plan: result.plan, warnings: result.warnings, remarks: result.remarks };
  const first = result.problems[0]!;
  throw new CrmkitError("VALIDATION_FAILED", `Invalid plan: ${first.message}`, {
    details: { path: [...first.path], problems: result.problems },
  });
}
