import { type StayColumns, StayColumnsBuilder } from "./stay-columns.js";
import type { ReportData, ReportDeal, ReportStay } from "./types.js";

/** The run of a deal id (binary search over the ascending ids), or -1. */
export function runOf(columns: StayColumns, dealId: string): number {
  const ids = columns.dealIds;
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ids[middle]! < dealId) low = middle + 1;
    else high = middle;
  }
  return low < ids.length && ids[low] === dealId ? low : -1;
}

const alignments = new WeakMap<StayColumns, WeakMap<readonly ReportDeal[], Int32Array>>();

/**
 * Each deal's run (-1 without stays), position for position with `deals`: walked alongside the
 * runs when the deals are in id order (as loaded), found by binary search otherwise. Kept for the
 * pair, so the reports over one data set align once.
 *
 * @internal
 */
export function runsOfDeals(columns: StayColumns, deals: readonly ReportDeal[]): Int32Array {
  let byDeals = alignments.get(columns);
  if (byDeals === undefined) {
    byDeals = new WeakMap();
    alignments.set(columns, byDeals);
  }
  const known = byDeals.get(deals);
  if (known !== undefined) return known;
  const runs = new Int32Array(deals.length);
  const ids = columns.dealIds;
  let ascending = true;
  for (let d = 1; d < deals.length && ascending; d++) ascending = deals[d - 1]!.id < deals[d]!.id;
  if (!ascending) for (let d = 0; d < deals.length; d++) runs[d] = runOf(columns, deals[d]!.id);
  else {
    let run = 0;
    for (let d = 0; d < deals.length; d++) {
      const id = deals[d]!.id;
      while (run < ids.length && ids[run]! < id) run++;
      runs[d] = run < ids.length && ids[run] === id ? run : -1;
    }
  }
  byDeals.set(deals, runs);
  return runs;
}

/**
 * The stays as the public {@link ReportData.stays} map: each deal's list is made when asked for,
 * so the loaded data holds no object per stay.
 *
 * @internal
 */
export class StaysView implements ReadonlyMap<string, readonly ReportStay[]> {
  readonly #columns: StayColumns;

  constructor(columns: StayColumns) {
    this.#columns = columns;
    columnsByStays.set(this, columns);
  }

  get size(): number {
    return this.#columns.dealIds.length;
  }

  get(dealId: string): readonly ReportStay[] | undefined {
    const run = runOf(this.#columns, dealId);
    return run === -1 ? undefined : this.#list(run);
  }

  has(dealId: string): boolean {
    return runOf(this.#columns, dealId) !== -1;
  }

  forEach(
    callback: (
      stays: readonly ReportStay[],
      dealId: string,
      map: ReadonlyMap<string, readonly ReportStay[]>,
    ) => void,
    thisArg?: unknown,
  ): void {
    for (const [dealId, stays] of this.entries()) callback.call(thisArg, stays, dealId, this);
  }

  *entries(): MapIterator<[string, readonly ReportStay[]]> {
    const dealIds = this.#columns.dealIds;
    for (let run = 0; run < dealIds.length; run++) yield [dealIds[run]!, this.#list(run)];
  }

  keys(): MapIterator<string> {
    return this.#columns.dealIds.values();
  }

  *values(): MapIterator<readonly ReportStay[]> {
    for (let run = 0; run < this.#columns.dealIds.length; run++) yield this.#list(run);
  }

  [Symbol.iterator](): MapIterator<[string, readonly ReportStay[]]> {
    return this.entries();
  }

  #list(run: number): ReportStay[] {
    const c = this.#columns;
    const dealId = c.dealIds[run]!;
    const list: ReportStay[] = [];
    for (let i = c.starts[run]!; i < c.starts[run + 1]!; i++) {
      const leftAt = c.leftAt[i]!;
      list.push({
        dealId,
        pipelineId: c.names[c.pipeline[i]!]!,
        stageId: c.names[c.stage[i]!]!,
        sequence: c.sequence[i]!,
        enteredAt: c.enteredAt[i]!,
        leftAt: Number.isNaN(leftAt) ? undefined : leftAt,
      });
    }
    return list;
  }
}

const columnsByStays = new WeakMap<ReadonlyMap<string, readonly ReportStay[]>, StayColumns>();

/**
 * The stays of report data as columns: the loader's own, or built once from a map made by hand
 * (kept for that map, which the reports never change).
 *
 * @internal
 */
export function stayColumnsOf(data: ReportData): StayColumns {
  let columns = columnsByStays.get(data.stays);
  if (columns === undefined) {
    let capacity = 0;
    for (const stays of data.stays.values()) capacity += stays.length;
    const builder = new StayColumnsBuilder(capacity);
    for (const [dealId, stays] of data.stays) {
      for (const s of stays) {
        builder.add(
          dealId,
          s.pipelineId,
          s.stageId,
          s.sequence,
          s.enteredAt,
          s.leftAt ?? Number.NaN,
        );
      }
    }
    columns = builder.build();
    columnsByStays.set(data.stays, columns);
  }
  return columns;
}
