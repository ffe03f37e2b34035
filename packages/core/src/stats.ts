/** The `q` quantile (0–1) of values sorted ascending, interpolating linearly between ranks. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** The median of numbers in any order (the mean of the two middle ones); `null` for none. */
export function median(values: readonly number[]): number | null {
  return values.length === 0
    ? null
    : // A typed array sorts numerically without a comparator call per pair.
      quantile(Float64Array.from(values).sort(), 0.5);
}
