import { CrmkitError } from "../errors.js";
import { type Actuals, parseMetricKey, parsePeriod, type RepActuals } from "../objectives/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";

const metricKeySchema = z
  .string()
  .check(
    z.refine(
      (key) => parseMetricKey(key) !== null,
      "not a metric key (revenue, meetingsHeld, revenue@segment…)",
    ),
  );
const figure = z.number().check(z.nonnegative());
const datasetSchema = z.strictObject({
  period: z.string().check(
    z.refine((key) => {
      try {
        parsePeriod(key);
        return true;
      } catch {
        return false;
      }
    }, "use YYYY, YYYY-H1, YYYY-Q1 or YYYY-MM"),
  ),
  currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/))),
  reps: z
    .array(
      z.strictObject({
        repId: z.string().check(z.minLength(1)),
        name: z.optional(z.string()),
        teamId: z.optional(z.string()),
        values: z.record(metricKeySchema, z.nullable(figure)),
        targets: z.optional(z.record(metricKeySchema, figure)),
        gaps: z.optional(z.record(metricKeySchema, z.string())),
      }),
    )
    .check(z.minLength(1)),
});

/** One rep of an {@link ActualsDataset}. */
export interface DatasetRep {
  /** The rep's id. */
  readonly repId: string;
  /** The display name. */
  readonly name?: string;
  /** The team. */
  readonly teamId?: string;
  /** Values by metric key (money in minor units); `null` or absent: the figure does not exist. */
  readonly values: Readonly<Record<string, number | null>>;
  /** Targets by metric key. */
  readonly targets?: Readonly<Record<string, number>>;
  /** Why a figure is missing, by metric key. */
  readonly gaps?: Readonly<Record<string, string>>;
}

/**
 * The JSON shape of a year-N dataset: one entry per rep, metric values by metric key (money in
 * minor units), `null` or absent for a figure that does not exist, optional targets and reasons.
 */
export interface ActualsDataset {
  /** The period, `2025` or `2025-Q4`… */
  readonly period: string;
  /** The ISO 4217 currency of money values. */
  readonly currency?: string;
  /** The reps. */
  readonly reps: readonly DatasetRep[];
}

/**
 * Reads a supplied dataset of a period's figures — so a plan can be replayed on last year before any
 * data lives in crmkit. JSON: {@link ActualsDataset}. CSV: a header row `rep,name,team,<metric
 * key>…,target:<metric key>…` (only `rep` required), one row per rep, values in the metric's unit
 * (money in minor units), an empty cell for a figure that does not exist — it is reported as a gap,
 * never read as zero.
 *
 * @param input - the JSON value, or the text of a CSV file
 * @param options.period - the period (CSV only; JSON carries its own)
 * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad field (`[row, column]` for CSV)
 * @example
 * ```ts
 * const actuals = parseActualsDataset("rep,revenue,meetingsHeld\nanna,41200000,350\nmarc,,290", {
 *   period: "2025",
 *   currency: "EUR",
 * });
 * ```
 */
export function parseActualsDataset(
  input: unknown,
  options: { readonly period?: string; readonly currency?: string } = {},
): Actuals {
  if (typeof input === "string") return parseCsv(input, options);
  const dataset = parseInput(datasetSchema, input, "dataset");
  return {
    period: parsePeriod(dataset.period).key,
    ...(dataset.currency === undefined ? {} : { currency: dataset.currency }),
    source: "dataset",
    reps: dataset.reps.map((rep): RepActuals => {
      const gaps: Record<string, string> = { ...(rep.gaps ?? {}) };
      for (const [key, value] of Object.entries(rep.values)) {
        if (value === null && gaps[key] === undefined) gaps[key] = "no figure in the dataset";
      }
      return {
        repId: rep.repId,
        ...(rep.name === undefined ? {} : { name: rep.name }),
        ...(rep.teamId === undefined ? {} : { teamId: rep.teamId }),
        values: rep.values,
        gaps,
        targets: rep.targets ?? {},
      };
    }),
  };
}

function parseCsv(
  text: string,
  options: { readonly period?: string; readonly currency?: string },
): Actuals {
  const fail = (message: string, path: (string | number)[]) =>
    new CrmkitError("VALIDATION_FAILED", `Invalid dataset: ${message}`, { details: { path } });
  if (options.period === undefined) throw fail("a CSV dataset needs options.period.", ["period"]);
  const period = parsePeriod(options.period).key;
  const rows = csvRows(text).filter((row) => row.some((cell) => cell.trim() !== ""));
  const header = rows[0]?.map((cell) => cell.trim());
  if (header === undefined) throw fail("the file is empty.", []);
  const repColumn = header.indexOf("rep");
  if (repColumn === -1) throw fail('no "rep" column.', [0]);
  const columns = header.map((name, c) => {
    if (name === "rep" || name === "name" || name === "team") return { kind: name } as const;
    const isTarget = name.startsWith("target:");
    const key = isTarget ? name.slice("target:".length) : name;
    if (parseMetricKey(key) === null)
      throw fail(`column "${name}" is not a metric key (revenue, meetingsHeld, target:revenue…).`, [
        0,
        c,
      ]);
    return { kind: isTarget ? "target" : "value", key } as const;
  });
  const seen = new Set<string>();
  const reps = rows.slice(1).map((row, r): RepActuals => {
    const values: Record<string, number | null> = {};
    const targets: Record<string, number> = {};
    const gaps: Record<string, string> = {};
    let name: string | undefined;
    let teamId: string | undefined;
    const repId = (row[repColumn] ?? "").trim();
    if (repId === "") throw fail(`row ${r + 2} has no rep.`, [r + 1, repColumn]);
    if (seen.has(repId)) throw fail(`rep "${repId}" appears twice.`, [r + 1, repColumn]);
    seen.add(repId);
    columns.forEach((column, c) => {
      const cell = (row[c] ?? "").trim();
      if (column.kind === "name") name = cell || undefined;
      else if (column.kind === "team") teamId = cell || undefined;
      else if (column.kind === "value" || column.kind === "target") {
        if (cell === "") {
          if (column.kind === "value") {
            values[column.key] = null;
            gaps[column.key] = "no figure in the dataset";
          }
          return;
        }
        const number = Number(cell);
        if (!Number.isFinite(number) || number < 0 || !/^[0-9.eE+-]+$/.test(cell))
          throw fail(`row ${r + 2}, ${header[c]}: "${cell}" is not a non-negative number.`, [
            r + 1,
            c,
          ]);
        if (column.kind === "value") values[column.key] = number;
        else targets[column.key] = number;
      }
    });
    return {
      repId,
      ...(name === undefined ? {} : { name }),
      ...(teamId === undefined ? {} : { teamId }),
      values,
      gaps,
      targets,
    };
  });
  if (reps.length === 0) throw fail("no rep rows.", [1]);
  const currency = options.currency;
  return { period, ...(currency === undefined ? {} : { currency }), source: "dataset", reps };
}

/** Splits CSV text into rows of cells (RFC 4180: quoted cells, doubled quotes, CRLF or LF). @internal */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += char;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
