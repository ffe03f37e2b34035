// Length: the objectives verbs with their TSDoc (a third of the lines); measuring, periods and
// forecasts are apart.
import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { EventBus } from "../events/index.js";
import { collections, revised, table } from "../records/index.js";
import type { SegmentService } from "../segments/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import { measureIntensity } from "./intensity.js";
import {
  type Actuals,
  addCounters,
  collectCounters,
  emptyCounters,
  type MeasureRequest,
  type MetricCounters,
  measureActuals,
  readMetric,
} from "./measure.js";
import { type MetricRef, metricInfo, metricKey, metricRefSchema } from "./metrics.js";
import { type Period, parsePeriod, periodInstants, periodMonths } from "./period.js";
import { resolveTarget } from "./targets.js";
import type {
  IntensityLine,
  IntensityRequest,
  Objective,
  ObjectiveEvents,
  ObjectiveInput,
  ObjectiveProgress,
  ObjectiveSubject,
  ResolvedTarget,
} from "./types.js";

/** The objectives' collection. */
const objectiveTable = table<Objective>(collections.objectives);

const seasonalityLengths: Record<string, readonly number[]> = {
  year: [2, 4, 12],
  half: [2, 6],
  quarter: [3],
  month: [],
};

/** @internal */
export const objectiveInputSchema = z
  .strictObject({
    subject: z.strictObject({
      kind: z.enum(["user", "team"]),
      id: z.string().check(z.minLength(1)),
    }),
    metric: metricRefSchema,
    period: z.string(),
    target: z.number().check(z.nonnegative()),
    seasonality: z.optional(z.array(z.number().check(z.nonnegative()))),
  })
  .check(
    z.superRefine((input, context) => {
      let unit: string;
      try {
        unit = parsePeriod(input.period).unit;
      } catch {
        context.addIssue({
          code: "custom",
          path: ["period"],
          message: "use YYYY, YYYY-H1, YYYY-Q1 or YYYY-MM",
        });
        return;
      }
      const info = metricInfo(input.metric);
      if ((info.unit === "money" || info.unit === "count") && !Number.isSafeInteger(input.target)) {
        context.addIssue({
          code: "custom",
          path: ["target"],
          message: `a ${info.unit} target is an integer${info.unit === "money" ? " (minor units)" : ""}`,
        });
      }
      if (input.seasonality === undefined) return;
      if (!info.additive) {
        context.addIssue({
          code: "custom",
          path: ["seasonality"],
          message: `${input.metric.kind} does not add up over months: it takes no seasonality`,
        });
      } else if (!seasonalityLengths[unit]!.includes(input.seasonality.length)) {
        context.addIssue({
          code: "custom",
          path: ["seasonality"],
          message: `a ${unit} takes ${seasonalityLengths[unit]!.join(", ") || "no"} weights`,
        });
      } else if (!input.seasonality.some((w) => w > 0)) {
        context.addIssue({
          code: "custom",
          path: ["seasonality"],
          message: "a weight must be > 0",
        });
      }
    }),
  );

/** The alert thresholds, in percent of the target. */
export const objectiveAlertThresholds: readonly number[] = [50, 90, 100];

/** What {@link ObjectiveService} needs. */
export interface ObjectiveServiceDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** The clock. */
  readonly environment: Environment;
  /** The workspace timezone: periods are its calendar periods. */
  readonly timezone: string;
  /** Segments, for metrics restricted to one and intensity rules. */
  readonly segments: SegmentService;
  /** Where `objective.alert` is emitted. */
  readonly events: Pick<EventBus<ObjectiveEvents>, "emit">;
}

/** Options of {@link ObjectiveService.progress}. */
export interface ProgressOptions {
  /** The instant of the reading (ISO or epoch ms). @default now */
  readonly at?: string | number;
  /** Only these subjects' objectives. */
  readonly subjectIds?: readonly string[];
  /** Passed to measurement (proposal stages). */
  readonly proposalStages?: readonly string[];
}

/**
 * Objectives per rep and team and period, with seasonality; progress and alerts; actuals for the
 * variable-pay simulator; activity intensity, coverage and pressure.
 */
export class ObjectiveService {
  readonly #deps: ObjectiveServiceDeps;

  /** @internal */
  constructor(deps: ObjectiveServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Sets the objective of a subject for a metric and period (replacing the previous target of the
   * same subject, metric and period; its alert history is kept).
   *
   * @throws CrmkitError `VALIDATION_FAILED` (with the path of the bad field), `NOT_FOUND` for an
   * unknown user or team
   * @example
   * ```ts
   * await crm.objectives.set({
   *   subject: { kind: "user", id: "anna" },
   *   metric: { kind: "revenue" },
   *   period: "2026",
   *   target: 50_000_000, // €500,000.00
   *   seasonality: [20, 20, 20, 40],
   * });
   * ```
   */
  async set(input: ObjectiveInput): Promise<Objective> {
    const parsed = parseInput(objectiveInputSchema, input, "objective");
    const { storage, environment } = this.#deps;
    const subject = await storage.get(
      parsed.subject.kind === "user" ? collections.users : collections.teams,
      parsed.subject.id,
    );
    if (subject === null) {
      throw new CrmkitError("NOT_FOUND", `No ${parsed.subject.kind} "${parsed.subject.id}".`, {
        details: { path: ["subject", "id"] },
      });
    }
    const period = parsePeriod(parsed.period).key;
    const metric: MetricRef = parsed.metric;
    const id = `${parsed.subject.kind}:${parsed.subject.id}:${metricKey(metric)}:${period}`;
    const existing = await objectiveTable.get(storage, id);
    const now = toIsoInstant(environment.now());
    const record = {
      id,
      subject: parsed.subject,
      subjectId: parsed.subject.id,
      metric,
      period,
      target: parsed.target,
      ...(parsed.seasonality === undefined ? {} : { seasonality: parsed.seasonality }),
      alerted: existing?.alerted ?? {},
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    const [outcome] = await storage.write([objectiveTable.put(record, existing?.revision ?? 0)]);
    return revised<Objective>(record, outcome);
  }

  /** Reads one objective. */
  async get(id: string): Promise<Objective | null> {
    return objectiveTable.get(this.#deps.storage, id);
  }

  /** Lists objectives, of one subject and/or one period. */
  async list(
    filter: { readonly subjectId?: string; readonly period?: string } = {},
  ): Promise<Objective[]> {
    const out: Objective[] = [];
    for await (const batch of objectiveTable.scan(
      this.#deps.storage,
      filter.subjectId === undefined ? {} : { index: "subjectId", where: { eq: filter.subjectId } },
    )) {
      for (const objective of batch)
        if (filter.period === undefined || objective.period === filter.period) out.push(objective);
    }
    return out;
  }

  /** Removes an objective. */
  async remove(id: string): Promise<void> {
    await this.#deps.storage.write([objectiveTable.remove(id)]);
  }

  /**
   * A subject's target for a metric in a period: set for it, derived from an enclosing period by
   * seasonality, summed from shorter periods, or (teams) summed from the members' targets.
   * @returns `null` when nothing gives a target
   */
  async targetFor(
    subject: ObjectiveSubject,
    metric: MetricRef,
    period: string,
  ): Promise<ResolvedTarget | null> {
    const key = metricKey(metric);
    const objectives = (await this.list({ subjectId: subject.id })).filter(
      (o) => o.subject.kind === subject.kind && metricKey(o.metric) === key,
    );
    const own = resolveTarget(objectives, period);
    if (own !== null || subject.kind === "user" || !metricInfo(metric).additive) return own;
    const members = await this.#deps.storage.query({
      collection: collections.users,
      index: "teamId",
      where: { eq: subject.id },
    });
    const parts: ResolvedTarget[] = [];
    for (const member of members.records) {
      const part = await this.targetFor({ kind: "user", id: member.id }, metric, period);
      if (part !== null) parts.push(part);
    }
    if (parts.length === 0) return null;
    return {
      target: parts.reduce((sum, p) => sum + p.target, 0),
      source: "members",
      objectiveIds: parts.flatMap((p) => p.objectiveIds),
    };
  }

  /**
   * Measures reps' actuals for a period from storage (deals, stage history, activities, parties),
   * with each rep's targets from their objectives: the input of the variable-pay simulator.
   */
  async actuals(request: MeasureRequest): Promise<Actuals> {
    const objectives = await this.list();
    const byKey = new Map<string, Objective[]>();
    for (const objective of objectives) {
      if (objective.subject.kind !== "user") continue;
      const key = `${objective.subject.id}|${metricKey(objective.metric)}`;
      byKey.set(key, [...(byKey.get(key) ?? []), objective]);
    }
    return measureActuals(this.#deps, request, (repId) => {
      const targets: Record<string, number> = {};
      for (const metric of request.metrics) {
        const key = metricKey(metric);
        const resolved = resolveTarget(byKey.get(`${repId}|${key}`) ?? [], request.period);
        if (resolved !== null) targets[key] = resolved.target;
      }
      return targets;
    });
  }

  /**
   * Progress of every objective that gives a target for the period, measured from the period's
   * start to `at`: actual, attainment, what the seasonality expects by now, and the alert thresholds
   * reached. Missing data is a gap, not a zero.
   */
  async progress(period: string, options: ProgressOptions = {}): Promise<ObjectiveProgress[]> {
    const parsed = parsePeriod(period);
    const at =
      options.at === undefined
        ? this.#deps.environment.now()
        : typeof options.at === "number"
          ? options.at
          : Date.parse(options.at);
    const groups = new Map<string, Objective[]>();
    for (const objective of await this.list()) {
      if (options.subjectIds !== undefined && !options.subjectIds.includes(objective.subject.id))
        continue;
      const key = `${objective.subject.kind}|${objective.subject.id}|${metricKey(objective.metric)}`;
      groups.set(key, [...(groups.get(key) ?? []), objective]);
    }
    const resolved = [...groups.values()].flatMap((group) => {
      const target = resolveTarget(group, parsed.key);
      return target === null ? [] : [{ first: group[0]!, target }];
    });
    if (resolved.length === 0) return [];
    const metrics = resolved.map((r) => r.first.metric);
    const collected = await collectCounters(this.#deps, {
      period: parsed.key,
      metrics,
      until: at,
      ...(options.proposalStages === undefined ? {} : { proposalStages: options.proposalStages }),
    });
    const teamCounters = new Map<string, MetricCounters>();
    for (const [userId, counters] of collected.byUser) {
      const teamId = collected.users.get(userId)?.teamId as string | undefined;
      if (teamId === undefined) continue;
      if (!teamCounters.has(teamId)) teamCounters.set(teamId, emptyCounters());
      addCounters(teamCounters.get(teamId)!, counters);
    }
    return resolved.map(({ first, target }) => {
      const counters =
        (first.subject.kind === "user"
          ? collected.byUser.get(first.subject.id)
          : teamCounters.get(first.subject.id)) ?? emptyCounters();
      const reading = readMetric(counters, first.metric, collected.days, collected);
      const expectedByNow =
        target.months === undefined ? target.target : this.#expected(parsed, target.months, at);
      const attainment =
        reading.value === null || target.target === 0
          ? null
          : (reading.value * 100) / target.target;
      const reached = objectiveAlertThresholds.filter(
        (t) => attainment !== null && attainment >= t,
      );
      return {
        subject: first.subject,
        metric: first.metric,
        period: parsed.key,
        target,
        actual: reading.value,
        ...(reading.gap === undefined ? {} : { gap: reading.gap }),
        attainment,
        expectedByNow,
        pace:
          reading.value === null || expectedByNow === 0
            ? null
            : (reading.value * 100) / expectedByNow,
        reached,
        next: objectiveAlertThresholds.find((t) => !reached.includes(t)) ?? null,
      };
    });
  }

  /**
   * Reads progress and emits `objective.alert` once for each threshold newly reached (recorded on
   * the objective, with a revision check, so two servers never alert twice).
   * @returns the alerts emitted
   */
  async checkAlerts(period: string, options: ProgressOptions = {}): Promise<ObjectiveProgress[]> {
    const at = options.at ?? this.#deps.environment.now();
    const alerted: ObjectiveProgress[] = [];
    for (const item of await this.progress(period, { ...options, at })) {
      const objectiveId = item.target.objectiveIds[0];
      if (
        objectiveId === undefined ||
        item.reached.length === 0 ||
        item.target.source === "members"
      )
        continue;
      const stored = await objectiveTable.get(this.#deps.storage, objectiveId);
      if (stored === null) continue;
      const seen = Object.hasOwn(stored.alerted, item.period) ? stored.alerted[item.period]! : [];
      const fresh = item.reached.filter((t) => !seen.includes(t));
      if (fresh.length === 0) continue;
      try {
        await this.#deps.storage.write([
          objectiveTable.put(
            {
              ...stored,
              alerted: {
                ...stored.alerted,
                [item.period]: [...seen, ...fresh].sort((a, b) => a - b),
              },
            },
            stored.revision,
          ),
        ]);
      } catch (error) {
        if (CrmkitError.is(error, "REVISION_CONFLICT")) continue; // another process alerted
        throw error;
      }
      const when = toIsoInstant(typeof at === "number" ? at : Date.parse(at));
      for (const threshold of fresh) {
        this.#deps.events.emit("objective.alert", {
          objectiveId,
          subject: item.subject,
          metric: item.metric,
          period: item.period,
          threshold,
          attainment: item.attainment!,
          at: when,
        });
      }
      alerted.push(item);
    }
    return alerted;
  }

  /**
   * Planned activity volume per rep from intensity rules, with coverage and pressure measured from
   * activities: coverage is the share of the portfolio worked, pressure the actions per member; an
   * activity counts through its account (or its contact's account), rules match action type ids or
   * categories.
   */
  async intensity(request: IntensityRequest): Promise<IntensityLine[]> {
    return measureIntensity(this.#deps, request);
  }

  /** What month targets expect by `at`: the months over, plus the elapsed share of the current one. */
  #expected(period: Period, months: readonly number[], at: number): number {
    let expected = 0;
    for (const [i, key] of periodMonths(period).entries()) {
      const [from, to] = periodInstants(parsePeriod(key), this.#deps.timezone);
      if (at >= to) expected += months[i]!;
      else if (at > from) expected += (months[i]! * (at - from)) / (to - from);
    }
    return expected;
  }
}
