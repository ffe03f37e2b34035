/** A column of a CSV export: its header and how to read a row's cell. */
export interface CsvColumn<Row> {
  /** The header. */
  readonly header: string;
  /** The cell's value. */
  readonly value: (row: Row) => string | number | boolean | null | undefined;
}

// Unambiguous (the digits before a "." can be split one way only), so it cannot backtrack.
const plainNumber = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Writes rows as CSV (RFC 4180: comma-separated, CRLF line ends, quoted when needed). A text cell
 * that a spreadsheet would run as a formula — starting with `=`, `@`, a tab, a carriage return or
 * a line feed, or with `+` or `-` unless the whole cell is a plain number — is prefixed with `'`,
 * so an export never carries an injected formula. Everything else is written as it is: crmkit's
 * generated ids never start with `-`, so they survive a round trip unchanged.
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
    if (/^[=@\t\r\n]/.test(text) || (/^[+-]/.test(text) && !plainNumber.test(text)))
      text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [columns.map((c) => cell(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
