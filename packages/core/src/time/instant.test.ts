import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instantMs } from "./instant.js";

describe("instantMs", () => {
  it("equals Date.parse on every stored instant", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -62_167_219_200_000, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }),
        (ms) => {
          const text = new Date(ms).toISOString();
          expect(instantMs(text)).toBe(Date.parse(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("equals Date.parse on near-instants, including impossible dates and other forms", () => {
    const near = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(
        ([y, mo, d, h, mi, s, ms]) =>
          `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}:${String(s).padStart(2, "0")}.${String(ms).padStart(3, "0")}Z`,
      );
    fc.assert(
      fc.property(fc.oneof(near, fc.string({ maxLength: 30 })), (text) => {
        expect(instantMs(text)).toBe(Date.parse(text));
      }),
      { numRuns: 3000 },
    );
    for (const text of [
      "2024-02-29T12:00:00.000Z",
      "2023-02-29T12:00:00.000Z",
      "2026-03-29T01:00:00Z",
      "2026-03-29",
      "2026-03-29T03:00:00.000+02:00",
      "1969-12-31T23:59:59.999Z",
      "0000-01-01T00:00:00.000Z",
      "2026-1a-01T00:00:00.000Z",
      "",
    ])
      expect(instantMs(text)).toBe(Date.parse(text));
  });
});
