import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CrmkitError } from "./errors.js";
import { currencyExponent, formatMoney, splitExactly } from "./money.js";

const rejects = (run: () => unknown, path: readonly (string | number)[]) => {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(CrmkitError.is(caught, "VALIDATION_FAILED"), String(caught)).toBe(true);
  expect((caught as CrmkitError).details.path).toEqual(path);
};

describe("formatMoney", () => {
  it("formats minor units through Intl, for the currency's exponent and the locale", () => {
    expect(formatMoney(41_200_000, "EUR")).toBe("€412,000.00");
    expect(formatMoney(41_200_000, "EUR", { locale: "fr-FR" })).toBe("412\u202f000,00\u00a0€");
    expect(formatMoney(-5, "EUR")).toBe("-€0.05");
    expect(formatMoney(1_234, "JPY")).toBe("¥1,234");
    expect(formatMoney(1_234, "KWD", { display: "code" })).toBe("KWD\u00a01.234");
    expect(formatMoney(123_450, "EUR", { fractionDigits: 0 })).toBe("€1,235");
    expect(formatMoney(Number.MAX_SAFE_INTEGER, "EUR")).toBe("€90,071,992,547,409.91");
  });

  it("refuses amounts that are not integer minor units, and bad currencies, locales, options", () => {
    for (const amount of [1234.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])
      rejects(() => formatMoney(amount, "EUR"), ["minor"]);
    rejects(() => formatMoney(1, "euro"), ["currency"]);
    rejects(() => formatMoney(1, "EUR", { locale: "not a locale!" }), ["options", "locale"]);
    rejects(() => formatMoney(1, "EUR", { fractionDigits: 3 }), ["options", "fractionDigits"]);
    // The old positional third parameter (the currency exponent) is refused, not misread.
    rejects(() => formatMoney(1, "EUR", 0 as never), ["options"]);
  });

  it("writes exactly the amount's digits, whatever the integer (property)", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (minor) => {
        const digits = formatMoney(minor, "EUR", { display: "code" }).replace(/[^\d]/g, "");
        expect(BigInt(digits)).toBe(BigInt(Math.abs(minor)));
      }),
      { numRuns: 1_000 },
    );
  });

  it("knows each currency's minor unit", () => {
    expect([currencyExponent("EUR"), currencyExponent("JPY"), currencyExponent("BHD")]).toEqual([
      2, 0, 3,
    ]);
  });
});

describe("splitExactly", () => {
  it("refuses weights whose sum is not finite instead of returning NaN parts", () => {
    rejects(() => splitExactly(100, [Number.MAX_VALUE, Number.MAX_VALUE]), ["weights"]);
    rejects(() => splitExactly(100, [1, Number.NaN]), ["weights", 1]);
  });

  it("splits exactly into parts within one unit of their share (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 10 }),
        (amount, weights) => {
          const total = weights.reduce((a, b) => a + b, 0);
          if (total === 0) return;
          const parts = splitExactly(amount, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
          for (const [i, part] of parts.entries())
            expect(Math.abs(part - (amount * weights[i]!) / total)).toBeLessThan(
              1 + 1e-6 * Math.abs(amount),
            );
        },
      ),
      { numRuns: 500 },
    );
  });
});
