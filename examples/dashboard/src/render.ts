// Draws the figures with the DOM and inline SVG, no UI library. Every drawn value also carries
// its exact figure in a data attribute, so a test can check what is shown against the reports.
import type { AgendaEntry } from "@crmkit/core";
import { calendarDate } from "@crmkit/core/time";
import { scaleLinear } from "d3-scale";
import type { DashboardFigures } from "./figures.js";
import { timezone } from "./generate.js";

const svgNs = "http://www.w3.org/2000/svg";
const euro = new Intl.NumberFormat("en-GB", {
  style: "currency",
  currency: "EUR",
  maximumFractionDigits: 0,
});
/** Minor units as whole euros: `€412,000`. */
export const money = (minor: number): string => euro.format(minor / 100);
const compactEuro = new Intl.NumberFormat("en-GB", {
  style: "currency",
  currency: "EUR",
  notation: "compact",
  maximumFractionDigits: 1,
});
/** Minor units, short, for axes and bar labels: `€50K`, `€1.2M`. */
export const shortMoney = (minor: number): string => compactEuro.format(minor / 100);
const percent = (value: number | null, digits = 1): string =>
  value === null ? "n/a" : `${value.toFixed(digits)} %`;
const monthName = (month: string): string =>
  new Date(`${month}-15T00:00:00Z`).toLocaleString("en-GB", { month: "short", timeZone: "UTC" });
/** A month with its year, never read as a date: `Nov 2026`. */
const monthAndYear = (month: string): string => `${monthName(month)} ${month.slice(0, 4)}`;

type Attributes = Readonly<Record<string, string | number>>;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

function svg(tag: string, attributes: Attributes = {}, ...children: (Node | string)[]): SVGElement {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** A table row: a string is a plain cell; a cell with attributes is built with `el("td", …)`. */
function row(attributes: Attributes, ...cells: (string | HTMLTableCellElement)[]): HTMLElement {
  return el("tr", attributes, ...cells.map((c) => (typeof c === "string" ? el("td", {}, c) : c)));
}

/** A table: a header row, then the rows. */
function table(attributes: Attributes, headers: readonly string[], rows: readonly HTMLElement[]) {
  return el("table", attributes, el("tr", {}, ...headers.map((h) => el("th", {}, h))), ...rows);
}

function card(key: string, title: string, note: string, ...body: Node[]): HTMLElement {
  return el(
    "section",
    { class: "card", "data-chart": key },
    el("h2", {}, title),
    el("p", { class: "note" }, note),
    ...body,
  );
}

/** A series of a column chart. */
interface Series {
  readonly id: string;
  readonly label: string;
  readonly colour: string;
}

/**
 * Columns per group: side by side (`grouped`) or stacked around zero (`stacked`: positive values
 * up, negative down). Each rect has data-key, data-series and data-value.
 */
function columns(options: {
  readonly groups: readonly {
    readonly key: string;
    readonly label: string;
    readonly values: readonly number[];
  }[];
  readonly series: readonly Series[];
  readonly mode: "grouped" | "stacked";
  readonly format: (value: number) => string;
  /** The y axis's title, with its unit. */
  readonly axis: string;
  /** How ticks (and value labels) are written: shorter than `format`. */
  readonly tick: (value: number) => string;
  /** The series whose values are written above their bars. */
  readonly labelled?: readonly string[];
}): SVGElement {
  const width = 560;
  const height = 230;
  const pad = { top: 16, bottom: 26, left: 58, right: 8 };
  const { groups, series, mode } = options;
  let top = 0;
  let bottom = 0;
  for (const group of groups) {
    if (mode === "grouped") {
      for (const v of group.values) top = Math.max(top, v);
    } else {
      top = Math.max(
        top,
        group.values.filter((v) => v > 0).reduce((a, b) => a + b, 0),
      );
      bottom = Math.min(
        bottom,
        group.values.filter((v) => v < 0).reduce((a, b) => a + b, 0),
      );
    }
  }
  // Round ticks (d3-scale's nice numbers) from below the lowest to above the highest value.
  const scale = scaleLinear()
    .domain([bottom, top > bottom ? top : bottom + 1])
    .range([height - pad.bottom, pad.top])
    .nice(5);
  const y = (v: number) => scale(v);
  const slot = (width - pad.left - pad.right) / Math.max(1, groups.length);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  for (const tick of scale.ticks(5)) {
    chart.append(
      svg("line", {
        x1: pad.left,
        x2: width - pad.right,
        y1: y(tick),
        y2: y(tick),
        class: "gridline",
      }),
      svg(
        "text",
        { x: pad.left - 6, y: y(tick) + 4, "text-anchor": "end", class: "tick", "data-tick": tick },
        options.tick(tick),
      ),
    );
  }
  const middle = (pad.top + height - pad.bottom) / 2;
  chart.append(
    svg("line", {
      x1: pad.left,
      x2: pad.left,
      y1: pad.top,
      y2: height - pad.bottom,
      class: "axis",
    }),
    svg("line", { x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0), class: "axis" }),
    svg(
      "text",
      {
        x: 12,
        y: middle,
        "text-anchor": "middle",
        transform: `rotate(-90 12 ${middle})`,
        class: "axis-title",
        "data-axis-title": "",
      },
      options.axis,
    ),
  );
  groups.forEach((group, g) => {
    const x0 = pad.left + g * slot;
    const barWidth = mode === "grouped" ? (slot * 0.8) / series.length : slot * 0.6;
    let up = 0;
    let down = 0;
    group.values.forEach((value, s) => {
      const x = mode === "grouped" ? x0 + slot * 0.1 + s * barWidth : x0 + slot * 0.2;
      let from: number;
      let to: number;
      if (mode === "grouped") [from, to] = [0, value];
      else if (value >= 0) [from, to, up] = [up, up + value, up + value];
      else [from, to, down] = [down, down + value, down + value];
      const rect = svg("rect", {
        x: x.toFixed(1),
        y: Math.min(y(from), y(to)).toFixed(1),
        width: (barWidth - 2).toFixed(1),
        height: Math.abs(y(from) - y(to)).toFixed(1),
        fill: series[s]!.colour,
        "data-key": group.key,
        "data-series": series[s]!.id,
        "data-value": value,
      });
      rect.append(
        svg("title", {}, `${group.label} · ${series[s]!.label}: ${options.format(value)}`),
      );
      chart.append(rect);
      if (options.labelled?.includes(series[s]!.id))
        chart.append(
          svg(
            "text",
            {
              x: (x + (barWidth - 2) / 2).toFixed(1),
              y: (Math.min(y(from), y(to)) - 3).toFixed(1),
              "text-anchor": "middle",
              class: "value",
              "data-value-label": series[s]!.id,
            },
            options.tick(value),
          ),
        );
    });
    chart.append(
      svg(
        "text",
        { x: (x0 + slot / 2).toFixed(1), y: height - 8, "text-anchor": "middle" },
        group.label,
      ),
    );
  });
  return chart;
}

function legend(series: readonly Series[]): HTMLElement {
  const list = el("ul", { class: "legend" });
  for (const s of series) {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = s.colour;
    list.append(el("li", {}, swatch, s.label));
  }
  return list;
}

function kpis(f: DashboardFigures): HTMLElement {
  const last = f.mrr[f.mrr.length - 1]!;
  const tiles: [string, string, string][] = [
    [
      "win-rate",
      "Win rate (year to date)",
      percent(f.performance.winRate === null ? null : f.performance.winRate * 100),
    ],
    ["won-value", "Won (year to date)", money(f.performance.wonValue)],
    [
      "deal-size",
      "Average deal won",
      f.performance.averageDealSize === null ? "n/a" : money(f.performance.averageDealSize),
    ],
    [
      "cycle",
      "Sales cycle (median)",
      f.performance.cycleDays === null ? "n/a" : `${f.performance.cycleDays.toFixed(0)} days`,
    ],
    ["weighted", "Weighted open pipeline", money(f.weightedPipeline)],
    ["mrr", `MRR (end of ${monthName(last.month)})`, money(last.closing)],
  ];
  return el(
    "section",
    { class: "kpis", "data-kpis": "" },
    ...tiles.map(([key, label, value]) =>
      el(
        "div",
        { class: "kpi", "data-kpi": key },
        el("span", { class: "label" }, label),
        el("strong", {}, value),
      ),
    ),
  );
}

function funnel(f: DashboardFigures): HTMLElement {
  const max = Math.max(1, ...f.funnel.steps.map((s) => s.entered));
  const rows = f.funnel.steps.map((step) => {
    const time = f.funnel.stageTimes.find((t) => t.stageId === step.from);
    const bar = el("div", { class: "bar" });
    bar.style.width = `${(step.entered / max) * 100}%`;
    const reached = el("div", { class: "bar reached" });
    reached.style.width = `${(step.reached / max) * 100}%`;
    return el(
      "div",
      {
        class: "funnel-step",
        "data-step": step.from,
        "data-entered": step.entered,
        "data-reached": step.reached,
        "data-conversion": step.conversion ?? "",
      },
      el("span", { class: "label" }, `${f.stageNames[step.from]} → ${f.stageNames[step.to]}`),
      el("div", { class: "track" }, bar, reached),
      el(
        "span",
        { class: "figure" },
        `${step.reached} of ${step.entered} · ${percent(step.conversion === null ? null : step.conversion * 100)}` +
          (time?.medianDays == null ? "" : ` · median ${time.medianDays.toFixed(1)} d`),
      ),
    );
  });
  return card(
    "funnel",
    "Funnel — cohorts of 2026",
    "Of the deals that entered each stage this year, those that reached the next one or beyond — lost deals included, so no survivor bias.",
    ...rows,
  );
}

function pipeline(f: DashboardFigures): HTMLElement {
  const series: Series[] = [
    { id: "value", label: "Value", colour: "#93c5fd" },
    { id: "weighted", label: "Weighted (× stage probability)", colour: "#1d4ed8" },
  ];
  return card(
    "pipeline",
    "Open pipeline by expected close month",
    "Open deals only: won deals are no longer pipeline and lost deals never are.",
    columns({
      groups: f.pipeline.map((row) => ({
        key: row.key,
        label: row.key === "(none)" ? "undated" : monthAndYear(row.key),
        values: [row.value, row.weightedValue],
      })),
      series,
      mode: "grouped",
      format: money,
      tick: shortMoney,
      axis: "EUR, open deals",
      labelled: ["value", "weighted"],
    }),
    legend(series),
  );
}

function forecast(f: DashboardFigures): HTMLElement {
  const series: Series[] = [
    { id: "forecast", label: "Forecast frozen on the 1st", colour: "#a5b4fc" },
    { id: "actual", label: "Won", colour: "#16a34a" },
  ];
  const rows = f.forecast.map((m) =>
    row(
      { "data-month": m.month },
      `${monthName(m.month)}${m.running ? " (running)" : ""}`,
      money(m.forecast),
      money(m.actual),
      m.running ? "—" : percent(m.absolutePercentageError),
    ),
  );
  return card(
    "forecast",
    "Forecast vs actual",
    "Each month's forecast was frozen as a snapshot on its first morning, so its error can be measured.",
    columns({
      groups: f.forecast.map((m) => ({
        key: m.month,
        label: monthName(m.month),
        values: [m.forecast, m.actual],
      })),
      series,
      mode: "grouped",
      format: money,
      tick: shortMoney,
      axis: "EUR won in the month",
    }),
    legend(series),
    table({ class: "small" }, ["Month", "Forecast", "Won", "Error"], rows),
  );
}

function attainment(f: DashboardFigures): HTMLElement {
  const rows: HTMLElement[] = [];
  for (const [repId, name] of Object.entries(f.names)) {
    const revenue = f.attainment.find((r) => r.subjectId === repId && r.metric === "revenue");
    const meetings = f.attainment.find(
      (r) => r.subjectId === repId && r.metric === "meetingsPerWeek",
    );
    const track = el("div", { class: "track" });
    if (revenue?.attainment != null) {
      const bar = el("div", {
        class: `bar ${revenue.attainment >= 100 ? "met" : ""}`,
        "data-value": revenue.attainment,
      });
      bar.style.width = `${Math.min(100, revenue.attainment / 1.5)}%`;
      const expected = el("div", { class: "expected", title: "expected by now" });
      expected.style.left = `${Math.min(100, (revenue.expectedByNow * 100) / revenue.target / 1.5)}%`;
      const goal = el("div", { class: "goal" });
      goal.style.left = `${100 / 1.5}%`;
      track.append(bar, expected, goal);
    }
    rows.push(
      row(
        { "data-rep": repId },
        name,
        revenue?.actual == null ? "n/a" : `${money(revenue.actual)} of ${money(revenue.target)}`,
        el(
          "td",
          { class: "attainment", "data-attainment": revenue?.attainment ?? "" },
          track,
          percent(revenue?.attainment ?? null, 0),
        ),
        el(
          "td",
          { "data-meetings": meetings?.actual ?? "" },
          meetings?.actual == null
            ? (meetings?.gap ?? "n/a")
            : `${meetings.actual.toFixed(1)} of ${meetings.target}`,
        ),
      ),
    );
  }
  return card(
    "attainment",
    "Attainment per rep",
    "Revenue against the year's objective (the tick is where the seasonality expects them by now; the line is 100 %), and Q4 meetings per week against each rep's own objective.",
    table({}, ["Rep", "Revenue 2026", "Attainment", "Meetings / week (Q4)"], rows),
  );
}

function mrr(f: DashboardFigures): HTMLElement {
  const series: Series[] = [
    { id: "new", label: "New", colour: "#16a34a" },
    { id: "expansion", label: "Expansion", colour: "#65a30d" },
    { id: "reactivation", label: "Reactivation", colour: "#0d9488" },
    { id: "contraction", label: "Contraction", colour: "#f97316" },
    { id: "churn", label: "Churn", colour: "#dc2626" },
  ];
  const rows = f.mrr.map((m) =>
    row(
      { "data-month": m.month, "data-closing": m.closing },
      monthName(m.month),
      money(m.closing),
      percent(m.revenueChurnRate === null ? null : m.revenueChurnRate * 100),
    ),
  );
  return card(
    "mrr",
    "MRR movements",
    "Each month's change in MRR: new, expansion and reactivation up; contraction and churn down. They add up to the change in MRR.",
    columns({
      groups: f.mrr.map((m) => ({
        key: m.month,
        label: monthName(m.month),
        // Contraction and churn are negative movements: drawn below the axis.
        values: [m.new, m.expansion, m.reactivation, m.contraction, m.churn],
      })),
      series,
      mode: "stacked",
      format: money,
      tick: shortMoney,
      axis: "EUR of MRR, change in the month",
    }),
    legend(series),
    table({ class: "small" }, ["Month", "MRR at month end", "Revenue churn"], rows),
  );
}

function agenda(f: DashboardFigures): HTMLElement {
  const dayLabel = (day: string) =>
    new Date(`${day}T12:00:00Z`).toLocaleDateString("en-GB", {
      weekday: "short",
      day: "numeric",
      timeZone: "UTC",
    });
  const block = (entry: AgendaEntry) => {
    const time = new Date(entry.activity.startAt!).toLocaleTimeString("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      timeZone: timezone,
    });
    const node = el(
      "div",
      {
        class: `entry ${entry.activity.status}`,
        "data-activity": entry.activity.id,
        "data-type": entry.activity.type,
        "data-colour": entry.colour,
      },
      `${time} ${entry.typeName} · ${entry.activity.title ?? ""}`,
    );
    node.style.background = entry.colour;
    node.title = `${entry.activity.title ?? entry.typeName} (${entry.activity.status})`;
    return node;
  };
  const rows = Object.entries(f.names).map(([repId, name]) =>
    row(
      {},
      el("th", {}, name.split(" ")[0]!),
      ...f.agenda.days.map((day) =>
        el(
          "td",
          {},
          ...f.agenda.entries
            .filter(
              (e) =>
                e.userId === repId &&
                e.activity.startAt !== undefined &&
                calendarDate(Date.parse(e.activity.startAt), timezone) === day,
            )
            .map(block),
        ),
      ),
    ),
  );
  return card(
    "agenda",
    "This week's agenda",
    "Activities of the week by rep — time in Paris, what and with whom — coloured by action type; faded ones are done. Nobody is booked twice at once: crmkit refuses overlapping bookings.",
    table({ class: "agenda" }, ["", ...f.agenda.days.map(dayLabel)], rows),
    legend(f.agenda.types.map((t) => ({ id: t.id, label: t.name, colour: t.colour }))),
  );
}

/** Replaces the page's content with the dashboard. */
export function renderDashboard(root: HTMLElement, f: DashboardFigures): void {
  const date = new Date(f.asOf).toLocaleString("en-GB", {
    dateStyle: "full",
    timeStyle: "short",
    timeZone: timezone,
  });
  root.replaceChildren(
    el(
      "header",
      {},
      el("h1", {}, "crmkit dashboard"),
      el(
        "p",
        {},
        `Generated data, read in your browser from IndexedDB, as of ${date} (${timezone}).`,
      ),
    ),
    kpis(f),
    el(
      "div",
      { class: "grid" },
      funnel(f),
      pipeline(f),
      forecast(f),
      mrr(f),
      attainment(f),
      agenda(f),
    ),
  );
  root.setAttribute("data-ready", "");
}
