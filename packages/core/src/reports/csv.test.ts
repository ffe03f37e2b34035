import fc from "fast-check";
import { describe, expect, it } from "vitest";
// The reader of the round trips: the one compensation datasets are read with.
import { csvRows } from "../compensation/dataset.js";
import { createEnvironment, createTestEnvironment } from "../environment.js";
import { toCsv } from "./csv.js";

const executable = (cell: string) =>
  /^[=@\t\r\n]/.test(cell) ||
  (/^[+-]/.test(cell) && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(cell));

describe("toCsv", () => {
  it("never writes a cell a spreadsheet would run, and keeps every other text as written (property)", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc
        .tuple(
          fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", "'", '"', ","),
          fc.string({ maxLength: 8 }),
        )
        .map(([a, b]) => a + b),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { maxLength: 8 }), (rows) => {
        const csv = toCsv(rows, [
          { header: "a", value: (r) => r[0] },
          { header: "b", value: (r) => r[1] },
        ]);
        const read = csvRows(csv).slice(1);
        expect(read).toHaveLength(rows.length);
        for (const [i, cells] of read.entries())
          for (const [j, cell] of cells.entries()) {
            const original = rows[i]![j]!;
            expect(executable(cell), JSON.stringify(cell)).toBe(false);
            expect(cell).toBe(executable(original) ? `'${original}` : original);
          }
      }),
      { numRuns: 1_000 },
    );
  });

  it("exports generated ids unchanged: crmkit's ids never start with -", () => {
    for (const env of [createEnvironment(), createTestEnvironment({ seed: 3 })]) {
      const ids = Array.from({ length: 5_000 }, () => env.newId());
      expect(ids.filter((id) => id.startsWith("-"))).toEqual([]);
      const read = csvRows(toCsv(ids, [{ header: "id", value: (id) => id }]))
        .slice(1)
        .map(([id]) => id);
      expect(read).toEqual(ids);
    }
  });

  it("writes signed numbers as numbers, and guards signed words", () => {
    expect(
      toCsv(
        [["-12.5"], ["+3"], ["-A1"], ["-2+3+cmd|' /C calc'!A0"]],
        [{ header: "x", value: (r) => r[0] }],
      ),
    ).toBe("x\r\n-12.5\r\n+3\r\n'-A1\r\n'-2+3+cmd|' /C calc'!A0\r\n");
  });
});
