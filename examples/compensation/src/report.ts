// A self-contained HTML report (inline SVG, no script, no external file) of a plan comparison.
import { formatMoney } from "@crmkit/core";
import type { PlanComparison, SimulationResult, WhatIfResult } from "@crmkit/core/compensation";
import { scaleLinear } from "d3-scale";

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
const pct = (value: number | null) => (value === null ? "—" : `${value.toFixed(1)} %`);

interface Bar {
  readonly key: string;
  readonly label: string;
  readonly values: readonly (number | null)[];
}

/** How a chart reads: its axis title, how values are written, and what is drawn besides the bars. */
interface ChartOptions {
  /** The y axis's title, with its unit: "€ a year", "% of target", "reps". */
  readonly axis: string;
  readonly format: (value: number) => string;
  /** Whole numbers only (counts): no tick at 2.5 reps. */
  readonly integer?: boolean;
  /** Each bar's value written above it. */
  readonly valueLabels?: boolean;
  readonly reference?: { readonly value: number; readonly label: string };
}

/**
 * The y scale of a chart: from 0 to a round value at or above the largest one, with ticks at
 * round values (1, 2 or 5 times a power of ten), as d3-scale's `nice()` and `ticks()` make them.
 * @internal exported for its test
 */
export function valueScale(
  largest: number,
  range: readonly [number, number],
  integer = false,
): { readonly y: (value: number) => number; readonly ticks: readonly number[] } {
  const scale = scaleLinear()
    // All zeros: an axis from 0 to 1; counts: up to a whole number, so that a tick ends the axis.
    .domain([0, integer ? Math.max(1, Math.ceil(largest)) : largest > 0 ? largest : 1])
    .range([...range])
    .nice(5);
  const ticks = scale.ticks(5).filter((tick) => !integer || Number.isInteger(tick));
  return { y: (value) => scale(value), ticks };
}

/** A grouped vertical bar chart with a y axis; each rect carries its series, key and value. */
function barChart(
  id: string,
  title: string,
  bars: readonly Bar[],
  series: readonly string[],
  options: ChartOptions,
): string {
  const { format, reference } = options;
  const width = 760;
  const height = 280;
  const left = 84;
  const bottom = 40;
  const top = 24;
  const colours = ["#94a3b8", "#2563eb"];
  const largest = Math.max(
    reference?.value ?? 0,
    ...bars.flatMap((b) => b.values.map((v) => v ?? 0)),
  );
  const { y, ticks } = valueScale(largest, [height - bottom, top], options.integer);
  const slot = (width - left - 10) / bars.length;
  const barWidth = Math.max(4, (slot * 0.8) / series.length);
  const rects = bars.flatMap((bar, i) =>
    bar.values.map((value, s) => {
      const x = left + i * slot + slot * 0.1 + s * barWidth;
      if (value === null)
        return `<text x="${x + barWidth / 2}" y="${height - bottom - 4}" font-size="10" text-anchor="middle" data-missing="${escapeHtml(bar.key)}">n/a</text>`;
      const label = options.valueLabels
        ? `<text data-value-label x="${(x + barWidth / 2).toFixed(1)}" y="${(y(value) - 3).toFixed(1)}" font-size="9" text-anchor="middle">${escapeHtml(format(value))}</text>`
        : "";
      return `<rect data-series="${escapeHtml(series[s]!)}" data-key="${escapeHtml(bar.key)}" data-value="${value}" x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(height - bottom - y(value)).toFixed(1)}" fill="${colours[s % colours.length]}"><title>${escapeHtml(`${bar.label} — ${series[s]}: ${format(value)}`)}</title></rect>${label}`;
    }),
  );
  const labels = bars.map(
    (bar, i) =>
      `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${height - bottom + 14}" font-size="10" text-anchor="middle">${escapeHtml(bar.label)}</text>`,
  );
  const axis = ticks.map(
    (value) =>
      `<text data-tick="${value}" x="${left - 6}" y="${y(value) + 3}" font-size="10" text-anchor="end">${escapeHtml(format(value))}</text><line x1="${left}" x2="${width - 10}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e7eb"/>`,
  );
  const axisLine = `<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="#6b7280"/><line x1="${left}" x2="${width - 10}" y1="${height - bottom}" y2="${height - bottom}" stroke="#6b7280"/>`;
  const axisTitle = `<text data-axis-title x="14" y="${(top + height - bottom) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 14 ${(top + height - bottom) / 2})">${escapeHtml(options.axis)}</text>`;
  const line =
    reference === undefined
      ? ""
      : `<line data-reference="${reference.value}" x1="${left}" x2="${width - 10}" y1="${y(reference.value)}" y2="${y(reference.value)}" stroke="#dc2626" stroke-dasharray="4 3"/><text x="${width - 12}" y="${y(reference.value) - 4}" font-size="10" text-anchor="end" fill="#dc2626">${escapeHtml(reference.label)}</text>`;
  const legend = series
    .map(
      (name, s) =>
        `<span class="key"><i style="background:${colours[s % colours.length]}"></i>${escapeHtml(name)}</span>`,
    )
    .join(" ");
  return `<figure data-chart="${id}"><figcaption>${escapeHtml(title)} ${legend}</figcaption><svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${axis.join("")}${axisLine}${axisTitle}${rects.join("")}${labels.join("")}${line}</svg></figure>`;
}

function summary(result: SimulationResult, name: string): string {
  const team = result.team;
  const atTarget = team.atTeamTarget;
  return `<tr><th>${escapeHtml(name)}</th><td>${pct(team.atTargetShare)}${team.bandFlag ? ` <b class="flag">${team.bandFlag} ${team.band[0]}–${team.band[1]} %</b>` : ""}</td><td>${formatMoney(team.cost, result.currency)}</td><td>${pct(team.costRatio)}</td><td>${atTarget === null ? escapeHtml(team.atTeamTargetMissing ?? "—") : `${formatMoney(atTarget.cost, result.currency)} (${atTarget.fullyPaid ? "envelope paid" : "envelope not paid"})`}</td><td>${atTarget?.losersShare === undefined ? "—" : `${pct(atTarget.losersShare)}${atTarget.losersFlagged ? ' <b class="flag">above 30 %</b>' : ""}`}</td></tr>`;
}

/** Renders the comparison (and, when given, the Monte Carlo outlook) as one HTML page. */
export function renderReport(comparison: PlanComparison, outlook?: WhatIfResult): string {
  const { current, proposed } = comparison;
  const currency = proposed.currency;
  const euros = (minor: number) => formatMoney(Math.round(minor), currency, { fractionDigits: 0 });
  const names = new Map(proposed.reps.map((rep) => [rep.repId, rep.name ?? rep.repId]));
  const payChart = barChart(
    "pay",
    "Variable pay per rep: current vs proposed",
    comparison.reps.map((rep) => ({
      key: rep.repId,
      label: names.get(rep.repId)!.split(" ")[0]!,
      values: [
        rep.current === null ? null : rep.current / 100,
        rep.proposed === null ? null : rep.proposed / 100,
      ],
    })),
    ["current", "proposed"],
    { axis: `${currency} a year`, format: (v) => euros(v * 100) },
  );
  const attainmentChart = barChart(
    "attainment",
    "Weighted attainment per rep (proposed plan)",
    proposed.reps.map((rep) => ({
      key: rep.repId,
      label: (rep.name ?? rep.repId).split(" ")[0]!,
      values: [rep.attainment],
    })),
    ["attainment"],
    {
      axis: "% of target",
      format: (v) => `${v.toFixed(0)} %`,
      valueLabels: true,
      reference: { value: 100, label: "target" },
    },
  );
  const distributionChart = barChart(
    "distribution",
    "Payout distribution (reps per band of % of on-target pay)",
    proposed.team.histogram.map((bucket, i) => ({
      key: `${bucket.from}`,
      label: bucket.to === null ? `≥ ${bucket.from} %` : `${bucket.from}–${bucket.to} %`,
      values: [current.team.histogram[i]?.count ?? 0, bucket.count],
    })),
    ["current", "proposed"],
    { axis: "reps", format: (v) => v.toFixed(0), integer: true, valueLabels: true },
  );
  const rows = comparison.reps
    .map((rep) => {
      const detail = proposed.reps.find((r) => r.repId === rep.repId)!;
      return `<tr data-rep="${escapeHtml(rep.repId)}"><td>${escapeHtml(names.get(rep.repId)!)}</td><td>${rep.current === null ? "—" : formatMoney(rep.current, currency)}</td><td>${rep.proposed === null ? "—" : formatMoney(rep.proposed, currency)}</td><td>${rep.deltaPercent === null ? "—" : `${rep.deltaPercent > 0 ? "+" : ""}${rep.deltaPercent.toFixed(1)} %`}${rep.moved ? ' <b class="flag">moves</b>' : ""}</td><td>${pct(detail.attainment)}</td><td><details><summary>why</summary><ol>${detail.explanation.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ol></details></td></tr>`;
    })
    .join("");
  const gaps = proposed.gaps
    .map(
      (gap) =>
        `<li data-gap="${escapeHtml(gap.repId)}">${escapeHtml(names.get(gap.repId) ?? gap.repId)} — ${escapeHtml(gap.metric)}: ${escapeHtml(gap.reason)}</li>`,
    )
    .join("");
  const warnings = proposed.warnings.map((w) => `<li>${escapeHtml(w.message)}</li>`).join("");
  const monteCarlo =
    outlook === undefined
      ? ""
      : `<h2>What if: ${outlook.scenarios.toLocaleString("en-US")} seeded scenarios</h2><p data-monte-carlo>Cost P50 ${formatMoney(outlook.cost.p50, currency)}, P90 ${formatMoney(outlook.cost.p90, currency)} (budget ${formatMoney(outlook.budget, currency)}, over budget in ${pct(outlook.probabilityOverBudget * 100)} of scenarios); expected share of the team at target ${pct(outlook.expectedShareAtTarget)}, inside the 70–80 % band in ${pct(outlook.probabilityInBand * 100)} of scenarios.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Variable pay: ${escapeHtml(current.plan.id)} v${current.plan.version} vs v${proposed.plan.version}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:820px;color:#111}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:top}.flag{color:#b91c1c}.key{font-size:12px;margin-left:1em}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}figure{margin:1.5rem 0}figcaption{font-weight:600}</style>
</head><body>
<h1>Variable pay replay — ${escapeHtml(proposed.period)}</h1>
<table data-summary><tr><th>Plan</th><th>Reps at target</th><th>Cost</th><th>Of budget</th><th>At team target</th><th>Losing out at team target</th></tr>${summary(current, `Current (v${current.plan.version})`)}${summary(proposed, `Proposed (v${proposed.plan.version})`)}</table>
${payChart}${attainmentChart}${distributionChart}
<h2>Per rep</h2><table data-reps><tr><th>Rep</th><th>Current</th><th>Proposed</th><th>Change</th><th>Attainment</th><th>Calculation</th></tr>${rows}</table>
<h2>Missing data (not paid as zero)</h2><ul data-gaps>${gaps || "<li>none</li>"}</ul>
<h2>Plan review</h2><ul data-warnings>${warnings || "<li>no warning</li>"}</ul>
${monteCarlo}
</body></html>
`;
}
