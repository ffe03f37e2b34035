/**
 * Money in integer minor units: formatting through `Intl`, exact splits and rounding.
 *
 * @packageDocumentation
 * @module @crmkit/core/money
 */
import { CrmkitError } from "./errors.js";

/**
 * Splits an integer amount (money in minor units, or a count) into parts proportional to `weights`
 * that sum exactly to the amount: each part is its exact share rounded down, and the units left over
 * go to the parts with the largest remainders (ties to the earlier part). Each part is within one
 * unit of its exact share.
 *
 * @param amount - an integer (may be negative: the split is mirrored)
 * @param weights - non-negative finite weights, at least one positive unless `amount` is 0
 * @throws CrmkitError `VALIDATION_FAILED` for a non-integer amount, a negative or non-finite weight,
 * weights whose sum is not finite, or all weights zero with a non-zero amount
 * @example
 * ```ts
 * splitExactly(100, [1, 1, 1]); // [34, 33, 33]
 * ```
 */
export function splitExactly(amount: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(amount)) {
    throw new CrmkitError("VALIDATION_FAILED", `Cannot split ${amount}: not an integer.`, {
      details: { path: ["amount"] },
    });
  }
  let total = 0;
  for (const [i, weight] of weights.entries()) {
    if (!Number.isFinite(weight) || weight < 0) {
      throw new CrmkitError("VALIDATION_FAILED", `Weight ${weight} is not a non-negative number.`, {
        details: { path: ["weights", i] },
      });
    }
    total += weight;
  }
  if (!Number.isFinite(total))
    throw new CrmkitError(
      "VALIDATION_FAILED",
      "The weights add up to more than a number can hold.",
      {
        details: { path: ["weights"] },
      },
    );
  if (amount === 0) return weights.map(() => 0);
  if (total === 0) {
    throw new CrmkitError(
      "VALIDATION_FAILED",
      `Cannot split ${amount} by weights that are all 0.`,
      {
        details: { path: ["weights"] },
      },
    );
  }
  if (amount < 0) return splitExactly(-amount, weights).map((part) => (part === 0 ? 0 : -part));
  const parts: number[] = [];
  const remainders: number[] = [];
  let given = 0;
  for (const weight of weights) {
    const exact = (amount * weight) / total;
    const part = Math.floor(exact);
    parts.push(part);
    remainders.push(exact - part);
    given += part;
  }
  const order = remainders
    .map((_, i) => i)
    .sort((a, b) => remainders[b]! - remainders[a]! || a - b);
  for (let k = 0; given < amount; k++, given++) parts[order[k % order.length]!]! += 1;
  return parts;
}

/** Rounds to the nearest integer, halves away from zero (so -2.5 → -3 and 2.5 → 3). */
export function roundHalfAway(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

/** Options of {@link formatMoney}. */
export interface FormatMoneyOptions {
  /** The BCP 47 locale: `"fr-FR"` writes `412 000,00 €`. @defaultValue "en-US" */
  readonly locale?: string;
  /** How the currency shows: `€`, `EUR`, `euros`. @defaultValue "symbol" */
  readonly display?: "symbol" | "narrowSymbol" | "code" | "name";
  /**
   * Digits shown after the decimal separator, rounded half away from zero: `0` for an axis label.
   * @defaultValue the currency's own (2 for EUR, 0 for JPY, 3 for KWD)
   */
  readonly fractionDigits?: number;
}

const formats = new Map<string, Intl.NumberFormat>();

/**
 * Formats an amount in minor units (cents) for a person to read, through `Intl.NumberFormat`: the
 * currency's own number of decimals says what a minor unit is (EUR 2, JPY 0, KWD 3). The amount is
 * handed to `Intl` as an exact decimal string, so no float rounding creeps in.
 *
 * @param minor - an integer amount in minor units
 * @param currency - an ISO 4217 code
 * @throws CrmkitError `VALIDATION_FAILED` for an amount that is not a safe integer (path `minor`),
 * an unknown currency (`currency`), a locale `Intl` refuses (`locale`) or bad options (`options`)
 * @example
 * ```ts
 * formatMoney(41_200_000, "EUR"); // "€412,000.00"
 * formatMoney(41_200_000, "EUR", { locale: "fr-FR" }); // "412 000,00 €"
 * formatMoney(123_456, "EUR", { fractionDigits: 0 }); // "€1,235"
 * ```
 */
export function formatMoney(
  minor: number,
  currency: string,
  options: FormatMoneyOptions = {},
): string {
  if (!Number.isSafeInteger(minor))
    throw new CrmkitError(
      "VALIDATION_FAILED",
      `Cannot format ${minor}: amounts are integer minor units.`,
      {
        details: { path: ["minor"] },
      },
    );
  if (typeof options !== "object" || options === null)
    throw new CrmkitError(
      "VALIDATION_FAILED",
      "The third argument of formatMoney is an options object.",
      {
        details: { path: ["options"] },
      },
    );
  const format = moneyFormat(currency, options);
  const exponent = exponentOf(currency);
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  // Digits, a sign and a point: a numeric literal, which ES2023 engines format exactly (no float).
  const decimal =
    `${minor < 0 ? "-" : ""}${whole}${exponent > 0 ? `.${fraction}` : ""}` as Intl.StringNumericLiteral;
  return format.format(decimal);
}

function moneyFormat(currency: string, options: FormatMoneyOptions): Intl.NumberFormat {
  const locale = options.locale ?? "en-US";
  const display = options.display ?? "symbol";
  const key = `${locale} ${currency} ${display} ${options.fractionDigits ?? ""}`;
  let format = formats.get(key);
  if (format !== undefined) return format;
  if (!/^[A-Z]{3}$/.test(currency))
    throw new CrmkitError("VALIDATION_FAILED", `"${currency}" is not an ISO 4217 currency code.`, {
      details: { path: ["currency"] },
    });
  const digits = options.fractionDigits;
  if (
    digits !== undefined &&
    (!Number.isInteger(digits) || digits < 0 || digits > exponentOf(currency))
  )
    throw new CrmkitError(
      "VALIDATION_FAILED",
      `fractionDigits must be an integer from 0 to ${exponentOf(currency)} for ${currency}.`,
      { details: { path: ["options", "fractionDigits"] } },
    );
  try {
    format = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      currencyDisplay: display,
      ...(digits === undefined
        ? {}
        : { minimumFractionDigits: digits, maximumFractionDigits: digits }),
    });
  } catch {
    throw new CrmkitError("VALIDATION_FAILED", `"${locale}" is not a locale Intl knows.`, {
      details: { path: ["options", "locale"] },
    });
  }
  // Host-chosen keys: a bounded cache, emptied when full.
  if (formats.size >= 256) formats.clear();
  formats.set(key, format);
  return format;
}

const exponents = new Map<string, number>();

/** The number of decimals of a currency's minor unit, as `Intl` knows it (EUR 2, JPY 0). */
export function currencyExponent(currency: string): number {
  if (!/^[A-Z]{3}$/.test(currency))
    throw new CrmkitError("VALIDATION_FAILED", `"${currency}" is not an ISO 4217 currency code.`, {
      details: { path: ["currency"] },
    });
  return exponentOf(currency);
}

function exponentOf(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    exponent =
      new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    if (exponents.size < 1_024) exponents.set(currency, exponent);
  }
  return exponent;
}
