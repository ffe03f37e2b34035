import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { ObjectiveService, ProgressOptions } from "../objectives/index.js";
import { parsePeriod, periodInstants } from "../objectives/index.js";
import { collections, table } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { type AdoptionOptions, type AdoptionRow, adoptionReport } from "./adoption.js";
import {
  type ActivityRow,
  type AttainmentRow,
  activityRows,
  attainmentRows,
} from "./attainment.js";
import { type BookingsOptions, type BookingsRow, bookingsReport } from "./bookings.js";
import { type CoachingOptions, type CoachingRow, coachingReport } from "./coaching.js";
import { type AcquisitionRow, acquisitionReport, type SourceCost } from "./costs.js";
import { loadReportData, type ReportData, type ReportRange } from "./data.js";
import {
  type AccuracyLine,
  computeForecast,
  type ForecastSnapshot,
  forecastAccuracy,
} from "./forecast.js";
import { type FunnelOptions, type FunnelReport, funnelReport } from "./funnel.js";
import { type PerformanceOptions, type PerformanceRow, performanceReport } from "./performance.js";
import {
  type PipelineReport,
  type PipelineReportOptions,
  pipelineReport,
} from "./pipeline-report.js";

/** The frozen forecasts' collection. */
const snapshots = table<ForecastSnapshot>(collections.forecastSnapshots);

/** What {@link ReportService} needs. */
export interface ReportServiceDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** The clock. */
  readonly environment: Environment;
  /** The workspace timezone: periods are its calendar periods. */
  readonly timezone: string;
  /** Objectives, for attainment and activity against targets. */
  readonly objectives: ObjectiveService;
}

/**
 * Indicators over storage: funnels, win rates and cycles, the pipeline, frozen forecasts and their
 * accuracy. Each method loads what it reads; to run several reports on the same data, load it once
 * with {@link ReportService.data} and call the pure functions (`funnelReport`, `performanceReport`,
 * `pipelineReport`).
 */
export class ReportService {
  readonly #deps: ReportServiceDeps;

  /** @internal */
  constructor(deps: ReportServiceDeps) {
    this.#deps = deps;
  }

  /** Loads deals, stage history, pipelines and teams once (of one pipeline when asked). */
  data(options: { readonly pipelineId?: string } = {}): Promise<ReportData> {
    return loadReportData(this.#deps.storage, options);
  }

  /** Cohort conversion per stage (see {@link funnelReport}). */
  async funnel(options: FunnelOptions): Promise<FunnelReport> {
    return funnelReport(await this.data({ pipelineId: options.pipelineId }), options);
  }

  /** Win rate, deal size and cycle lengths (see {@link performanceReport}). */
  async performance(options: PerformanceOptions): Promise<PerformanceRow[]> {
    return performanceReport(
      await this.data(options.pipelineId === undefined ? {} : { pipelineId: options.pipelineId }),
      options,
    );
  }

  /** The open pipeline by stage and close month (see {@link pipelineReport}). */
  async pipeline(options: Partial<PipelineReportOptions> = {}): Promise<PipelineReport> {
    const data = await this.data(
      options.pipelineId === undefined ? {} : { pipelineId: options.pipelineId },
    );
    return pipelineReport(data, { ...options, at: options.at ?? this.#deps.environment.now() });
  }

  /**
   * Deals won by calendar month (in the workspace timezone) and group (see {@link bookingsReport}).
   */
  async bookings(options: Omit<BookingsOptions, "timezone">): Promise<BookingsRow[]> {
    return bookingsReport(await this.data(), { ...options, timezone: this.#deps.timezone });
  }

  /**
   * Quota attainment: one row per objective giving a target for the period, measured from its start
   * to `at` (default now), with the expected-by-now figure, pace, alert thresholds reached and the
   * objectives behind the target. Missing data is a gap, not a zero.
   * @throws CrmkitError `VALIDATION_FAILED` for a bad period
   */
  async attainment(period: string, options: ProgressOptions = {}): Promise<AttainmentRow[]> {
    return attainmentRows(await this.#deps.objectives.progress(period, options));
  }

  /**
   * Meetings per week per rep in a period (to `at`, default the period's end or now) against the
   * rep's `meetingsPerWeek` objective, else `targetPerWeek`.
   * @throws CrmkitError `VALIDATION_FAILED` for a bad period
   */
  async activity(options: {
    /** The period, `2026-Q4` or `2026-11`… */
    readonly period: string;
    /** Measure to this instant (ISO or epoch ms). @defaultValue now */
    readonly at?: string | number;
    /** The weekly meeting target of reps without a `meetingsPerWeek` objective. */
    readonly targetPerWeek?: number;
    /** The reps. @defaultValue every active user who is not an admin */
    readonly userIds?: readonly string[];
  }): Promise<ActivityRow[]> {
    const at = options.at ?? this.#deps.environment.now();
    const actuals = await this.#deps.objectives.actuals({
      period: options.period,
      metrics: [{ kind: "meetingsHeld" }, { kind: "calls" }, { kind: "meetingsPerWeek" }],
      until: typeof at === "number" ? at : Date.parse(at),
      ...(options.userIds === undefined ? {} : { userIds: options.userIds }),
    });
    return activityRows(actuals, options.targetPerWeek);
  }

  /** Process adoption per rep or team (see {@link adoptionReport}). */
  async adoption(options: AdoptionOptions): Promise<AdoptionRow[]> {
    return adoptionReport(await this.data(), options);
  }

  /** Stage gaps against the top performers and product outliers (see {@link coachingReport}). */
  async coaching(options: CoachingOptions): Promise<CoachingRow[]> {
    return coachingReport(await this.data(), options);
  }

  /** Cost per first meeting and per deal won, by lead source (see {@link acquisitionReport}). */
  async acquisition(costs: readonly SourceCost[], range: ReportRange): Promise<AcquisitionRow[]> {
    return acquisitionReport(await this.data(), costs, range);
  }

  /**
   * Freezes the forecast of a period now (won so far + weighted open deals expected to close in it)
   * and stores it, so its accuracy can be measured once the period is over.
   * @throws CrmkitError `VALIDATION_FAILED` for a bad period
   */
  async snapshotForecast(period: string): Promise<ForecastSnapshot> {
    const parsed = parsePeriod(period);
    const [from, to] = periodInstants(parsed, this.#deps.timezone);
    const at = this.#deps.environment.now();
    const computed = computeForecast(
      await this.data(),
      { from, to, fromDate: parsed.from, toDate: parsed.to },
      at,
    );
    const snapshot: ForecastSnapshot = {
      id: `${parsed.key}@${toIsoInstant(at)}`,
      period: parsed.key,
      at: toIsoInstant(at),
      ...computed,
    };
    await this.#deps.storage.write([snapshots.put(snapshot, 0)]);
    return snapshot;
  }

  /** The stored snapshots of a period, oldest first. */
  async forecasts(period: string): Promise<ForecastSnapshot[]> {
    const key = parsePeriod(period).key;
    const page = await snapshots.query(this.#deps.storage, { index: "period", where: { eq: key } });
    return page.records
      .map(({ revision: _revision, ...snapshot }): ForecastSnapshot => snapshot)
      .sort((a, b) => (a.at < b.at ? -1 : 1));
  }

  /**
   * A frozen forecast against what was won in its period: absolute percentage error and bias per
   * rep, team and in total.
   * @throws CrmkitError `NOT_FOUND` for an unknown snapshot
   */
  async forecastAccuracy(snapshotId: string): Promise<AccuracyLine[]> {
    const snapshot = await snapshots.get(this.#deps.storage, snapshotId);
    if (snapshot === null) {
      throw new CrmkitError("NOT_FOUND", `No forecast snapshot "${snapshotId}".`, {
        details: { id: snapshotId },
      });
    }
    const [from, to] = periodInstants(parsePeriod(snapshot.period), this.#deps.timezone);
    return forecastAccuracy(snapshot, await this.data(), { from, to });
  }
}
