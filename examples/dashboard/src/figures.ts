// Everything the dashboard shows, read from the workspace through crmkit's reports: no figure is
// computed in the page.
import type { AgendaEntry, Crm } from "@crmkit/core";
import {
  type AttainmentRow,
  type FunnelGroup,
  type MrrMonth,
  mrrReport,
  type PerformanceRow,
  type PipelineRow,
  type SubscriptionLine,
} from "@crmkit/core/reports";
import { asOf, reps } from "./generate.js";

/** One month's frozen forecast against what was won. */
export interface ForecastMonth {
  /** `2026-03`. */
  readonly month: string;
  /** The snapshot frozen on the month's first morning. */
  readonly snapshotId: string;
  /** Its forecast (won so far + weighted open deals expected to close in the month). */
  readonly forecast: number;
  /** Won in the month (so far, for the current month). */
  readonly actual: number;
  /** |actual − forecast| ÷ actual × 100. */
  readonly absolutePercentageError: number | null;
  /** Whether the month is still running. */
  readonly running: boolean;
}

/** What the page shows. */
export interface DashboardFigures {
  /** The instant of the reading. */
  readonly asOf: string;
  /** The year to date, every rep. */
  readonly performance: PerformanceRow;
  /** Total weighted value of the open pipeline. */
  readonly weightedPipeline: number;
  /** Stage names by id. */
  readonly stageNames: Readonly<Record<string, string>>;
  /** The cohort funnel of deals that entered each stage this year. */
  readonly funnel: FunnelGroup;
  /** The open pipeline by expected close month. */
  readonly pipeline: readonly PipelineRow[];
  /** Frozen forecasts against actuals, month by month. */
  readonly forecast: readonly ForecastMonth[];
  /** Each rep's attainment of their revenue (year) and meetings-per-week (quarter) objectives. */
  readonly attainment: readonly AttainmentRow[];
  /** MRR and its movements, month by month. */
  readonly mrr: readonly MrrMonth[];
  /** This week's agenda. */
  readonly agenda: {
    /** The days shown, `YYYY-MM-DD`, Monday to Friday. */
    readonly days: readonly string[];
    /** The entries, with their type's name and colour. */
    readonly entries: readonly AgendaEntry[];
    /** The action types present, for the legend. */
    readonly types: readonly {
      readonly id: string;
      readonly name: string;
      readonly colour: string;
    }[];
  };
  /** The reps' names. */
  readonly names: Readonly<Record<string, string>>;
}

const months = Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}`);

/** A stable number in [0, 1) from a string (FNV-1a), so the billing lines follow from the deals. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

/**
 * The recurring revenue lines billing would hold: each won subscription or maintenance deal bills
 * a twelfth of its value a month from the month after the win, for its account; about one in six
 * is cancelled two to seven months later.
 */
export async function billingLines(crm: Crm): Promise<SubscriptionLine[]> {
  const lines: SubscriptionLine[] = [];
  const won = [];
  let cursor: string | null = null;
  do {
    const page = await crm.deals.list({ pipelineId: "sales", state: "won", limit: 1_000, cursor });
    won.push(...page.records);
    cursor = page.cursor;
  } while (cursor !== null);
  for (const deal of won) {
    const type = deal.products[0];
    if ((type !== "subscription" && type !== "maintenance") || deal.value === undefined) continue;
    const [year, month] = deal.closedAt!.slice(0, 7).split("-").map(Number) as [number, number];
    const start = new Date(Date.UTC(year, month, 1));
    const line: SubscriptionLine = {
      id: deal.id,
      customerId: deal.accountId ?? deal.id,
      mrr: Math.round(deal.value / 12),
      start: start.toISOString().slice(0, 10),
      type,
      ...(deal.territory === undefined ? {} : { country: deal.territory }),
    };
    const roll = hash(deal.id);
    if (roll < 1 / 6) {
      const end = new Date(Date.UTC(year, month + 2 + Math.floor(roll * 36), 1));
      lines.push({ ...line, end: end.toISOString().slice(0, 10) });
    } else lines.push(line);
  }
  return lines;
}

/** Reads every figure of the dashboard at {@link asOf}. */
export async function dashboardFigures(crm: Crm): Promise<DashboardFigures> {
  const at = Date.parse(asOf);
  const year = { from: "2026-01-01T00:00:00+01:00", to: asOf };
  const data = await crm.reports.data({ pipelineId: "sales" });
  const pipeline = data.pipelines.get("sales")!;
  const [performance] = await crm.reports.performance({ range: year, pipelineId: "sales" });
  const open = await crm.reports.pipeline({ at, pipelineId: "sales" });
  const funnel = await crm.reports.funnel({ pipelineId: "sales", range: year });

  const forecast: ForecastMonth[] = [];
  for (const month of months) {
    const [snapshot] = await crm.reports.forecasts(month);
    if (snapshot === undefined) continue;
    const total = (await crm.reports.forecastAccuracy(snapshot.id)).find(
      (l) => l.level === "total",
    )!;
    forecast.push({
      month,
      snapshotId: snapshot.id,
      forecast: total.forecast,
      actual: total.actual,
      absolutePercentageError: total.absolutePercentageError,
      running: month === asOf.slice(0, 7),
    });
  }

  const attainment = [
    ...(await crm.reports.attainment("2026", { at })),
    ...(await crm.reports.attainment("2026-Q4", { at })),
  ].filter((row) => row.subjectKind === "user");

  const entries = await crm.activities.agenda(
    reps.map((r) => r.id),
    { week: asOf.slice(0, 10) },
  );
  const days = Array.from({ length: 5 }, (_, i) =>
    new Date(Date.parse("2026-11-16T00:00:00Z") + i * 86_400_000).toISOString().slice(0, 10),
  );
  const present = new Set(entries.map((e) => e.activity.type));
  const types = (await crm.actionTypes.list())
    .filter((t) => present.has(t.id))
    .map((t) => ({ id: t.id, name: t.name, colour: t.colour }));

  return {
    asOf,
    performance: performance!,
    weightedPipeline: open.byStage.reduce((sum, row) => sum + row.weightedValue, 0),
    stageNames: Object.fromEntries(pipeline.stages.map((s) => [s.id, s.name])),
    funnel: funnel.groups[0]!,
    pipeline: open.byCloseMonth,
    forecast,
    attainment,
    mrr: mrrReport(await billingLines(crm), months),
    agenda: { days, entries, types },
    names: Object.fromEntries(reps.map((r) => [r.id, r.name])),
  };
}
