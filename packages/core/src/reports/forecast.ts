import type { ReportData } from "./data.js";
import { compareText } from "./data.js";

/** One rep's frozen forecast for a period. */
export interface ForecastLine {
  /** The rep (`(none)` for unowned deals). */
  readonly repId: string;
  /** The rep's team when the snapshot was taken. */
  readonly teamId?: string;
  /** Value already won in the period when the snapshot was taken. */
  readonly won: number;
  /** Σ value × stage probability of open deals expected to close in the period. */
  readonly weighted: number;
  /** won + weighted. */
  readonly forecast: number;
  /** The deals behind it (won and open). */
  readonly dealIds: readonly string[];
}

/** A forecast frozen at an instant: stored, so its accuracy can be measured later. */
export interface ForecastSnapshot {
  /** `<period>@<instant>`. */
  readonly id: string;
  /** The period forecast (`2026-Q3`). */
  readonly period: string;
  /** When it was frozen. */
  readonly at: string;
  /** Per rep. */
  readonly lines: readonly ForecastLine[];
  /** The sum of the lines' forecasts. */
  readonly total: number;
}

/**
 * Computes the forecast of a period at an instant: what is already won in it, plus each open deal
 * expected to close in it weighted by its stage's probability. Lost deals add nothing.
 *
 * @param range - the period's instants `[from, to)` and calendar dates `[fromDate, toDate)`
 */
export function computeForecast(
  data: ReportData,
  range: {
    readonly from: number;
    readonly to: number;
    readonly fromDate: string;
    readonly toDate: string;
  },
  at: number,
): Omit<ForecastSnapshot, "id" | "period" | "at"> {
  const lines = new Map<string, { won: number; weighted: number; dealIds: string[] }>();
  const lineOf = (repId: string) => {
    let line = lines.get(repId);
    if (line === undefined) {
      line = { won: 0, weighted: 0, dealIds: [] };
      lines.set(repId, line);
    }
    return line;
  };
  for (const deal of data.deals) {
    const repId = deal.ownerId ?? "(none)";
    if (deal.state === "won" && deal.closedAt !== undefined) {
      if (deal.closedAt >= range.from && deal.closedAt < range.to && deal.closedAt <= at) {
        const line = lineOf(repId);
        line.won += deal.value ?? 0;
        line.dealIds.push(deal.id);
      }
    } else if (deal.state === "open") {
      const date = deal.expectedCloseDate;
      if (date === undefined || date < range.fromDate || date >= range.toDate) continue;
      const stage = data.pipelines.get(deal.pipelineId)?.stages.find((s) => s.id === deal.stageId);
      const line = lineOf(repId);
      // value × probability summed, divided once: independent of the order deals come in.
      line.weighted += (deal.value ?? 0) * (stage?.probability ?? 0);
      line.dealIds.push(deal.id);
    }
  }
  const sorted = [...lines.entries()].sort(([a], [b]) => compareText(a, b));
  const result = sorted.map(([repId, line]) => {
    const teamId = data.teams.get(repId);
    return {
      repId,
      ...(teamId === undefined ? {} : { teamId }),
      won: line.won,
      weighted: line.weighted / 100,
      forecast: line.won + line.weighted / 100,
      dealIds: line.dealIds,
    };
  });
  return { lines: result, total: result.reduce((sum, line) => sum + line.forecast, 0) };
}

/** Forecast against actual for one rep, one team, or the total. */
export interface AccuracyLine {
  /** `rep`, `team` or `total`. */
  readonly level: "rep" | "team" | "total";
  /** The rep's or team's id (`total` for the total). */
  readonly key: string;
  /** What was forecast. */
  readonly forecast: number;
  /** What was actually won in the period. */
  readonly actual: number;
  /** |forecast − actual| ÷ actual × 100; `null` when nothing was won. */
  readonly absolutePercentageError: number | null;
  /** (forecast − actual) ÷ actual × 100: positive means over-forecast; `null` when nothing was won. */
  readonly bias: number | null;
  /** The deals won in the period (drill-down). */
  readonly wonIds: readonly string[];
}

/** Measures a frozen forecast against what was won in its period, per rep, team and in total. */
export function forecastAccuracy(
  snapshot: ForecastSnapshot,
  data: ReportData,
  range: { readonly from: number; readonly to: number },
): AccuracyLine[] {
  const actual = new Map<string, { value: number; ids: string[] }>();
  for (const deal of data.deals) {
    if (deal.state !== "won" || deal.closedAt === undefined) continue;
    if (deal.closedAt < range.from || deal.closedAt >= range.to) continue;
    const repId = deal.ownerId ?? "(none)";
    const entry = actual.get(repId) ?? { value: 0, ids: [] };
    entry.value += deal.value ?? 0;
    entry.ids.push(deal.id);
    actual.set(repId, entry);
  }
  const forecast = new Map(snapshot.lines.map((line) => [line.repId, line]));
  const reps = [...new Set([...forecast.keys(), ...actual.keys()])].sort();
  const line = (
    level: AccuracyLine["level"],
    key: string,
    f: number,
    a: number,
    ids: string[],
  ): AccuracyLine => ({
    level,
    key,
    forecast: f,
    actual: a,
    absolutePercentageError: a === 0 ? null : (Math.abs(f - a) * 100) / a,
    bias: a === 0 ? null : ((f - a) * 100) / a,
    wonIds: ids,
  });
  const repLines = reps.map((repId) =>
    line(
      "rep",
      repId,
      forecast.get(repId)?.forecast ?? 0,
      actual.get(repId)?.value ?? 0,
      actual.get(repId)?.ids ?? [],
    ),
  );
  const teams = new Map<string, { f: number; a: number; ids: string[] }>();
  for (const rep of repLines) {
    const teamId = forecast.get(rep.key)?.teamId ?? data.teams.get(rep.key);
    if (teamId === undefined) continue;
    const team = teams.get(teamId) ?? { f: 0, a: 0, ids: [] };
    team.f += rep.forecast;
    team.a += rep.actual;
    team.ids.push(...rep.wonIds);
    teams.set(teamId, team);
  }
  const teamLines = [...teams.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([teamId, t]) => line("team", teamId, t.f, t.a, t.ids));
  const total = line(
    "total",
    "total",
    repLines.reduce((s, r) => s + r.forecast, 0),
    repLines.reduce((s, r) => s + r.actual, 0),
    repLines.flatMap((r) => r.wonIds),
  );
  return [...repLines, ...teamLines, total];
}
