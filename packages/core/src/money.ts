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
 * or all weights zero with a non-zero amount
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

/** Formats minor units as a plain decimal amount with the currency code: `412,000.00 EUR`. */
export function formatMoney(minor: number, currency: string, fractionDigits = 2): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const scale = 10 ** fractionDigits;
  const whole = Math.floor(abs / scale)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction =
    fractionDigits > 0 ? `.${String(abs % scale).padStart(fractionDigits, "0")}` : "";
  return `${sign}${whole}${fraction} ${currency}`;
}
