/** A column of a CSV export: its header and how to read a row's cell. */
export interface CsvColumn<Row> {
  /** The header. */
  readonly header: string;
  /** The cell's value. */
  readonly value: (row: Row) => string | number | boolean | null | undefined;
}

/**
 * Writes rows as CSV (RFC 4180: comma-separated, CRLF line ends, quoted when needed). Cells that a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return)
 * are prefixed with `'` unless they are numbers, so an export never carries an injected formula.
 *
 * @example
 * ```ts
 * toCsv(report.groups[0].steps, [
 *   { header: "from", value: (s) => s.from },
 *   { header: "conversion", value: (s) => s.conversion },
 * ]);
 * ```
 */
export function toCsv<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[]): string {
  const cell = (value: string | number | boolean | null | undefined): string => {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
    let text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [columns.map((c) => cell(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
