import { compareKeys } from "../storage/index.js";

/**
 * Every deal's stays, column by column: one typed array per field instead of an object per stay,
 * so a million deals' five million stays are a handful of arrays the garbage collector never
 * walks, and the reports' loops compare numbers (stage and pipeline ids are interned).
 *
 * The stays are in runs, one per deal, in deal-id order (UTF-16 code units), each in sequence
 * order: a deal is found by binary search or, for deals in id order, by walking both lists at once
 * — no map of a million ids to build.
 *
 * @internal
 */
export interface StayColumns {
  /** Each run's deal id, ascending. */
  readonly dealIds: readonly string[];
  /** Where each run starts, and one past the last stay at the end (`dealIds.length + 1` entries). */
  readonly starts: Int32Array;
  /** The interned strings of `stage` and `pipeline`. */
  readonly names: readonly string[];
  /** Name → its number in `names`. */
  readonly numbers: ReadonlyMap<string, number>;
  /** Each stay's stage (a number of `names`). */
  readonly stage: Int32Array;
  /** Each stay's pipeline (a number of `names`). */
  readonly pipeline: Int32Array;
  /** Each stay's position in its deal's history. */
  readonly sequence: Float64Array;
  /** When the deal entered, epoch ms. */
  readonly enteredAt: Float64Array;
  /** When it left, epoch ms; `NaN` while it is still there. */
  readonly leftAt: Float64Array;
}

/**
 * Builds {@link StayColumns} one stay at a time. Stays grouped by deal in id order (a scan of the
 * `dealId` index) go straight into place; any other order is gathered by deal at the end.
 */
export class StayColumnsBuilder {
  /** Where each stretch of one deal's stays starts, and whose they are. */
  readonly #stretches: number[] = [];
  readonly #stretchDeals: string[] = [];
  readonly #names: string[] = [];
  readonly #numbers = new Map<string, number>();
  #stage: Int32Array;
  #pipeline: Int32Array;
  #sequence: Float64Array;
  #enteredAt: Float64Array;
  #leftAt: Float64Array;
  #count = 0;
  /** Whether some stretch's deal id is not above the one before (then regrouped in `build`). */
  #unordered = false;
  #lastPipeline: string | undefined;
  #lastPipelineNumber = -1;

  /**
   * @param capacity - How many stays to make room for (the collection's count): the columns are
   *   allocated once, not grown by copying while a million deals load.
   */
  constructor(capacity = 1024) {
    const size = Math.max(capacity, 16);
    this.#stage = new Int32Array(size);
    this.#pipeline = new Int32Array(size);
    this.#sequence = new Float64Array(size);
    this.#enteredAt = new Float64Array(size);
    this.#leftAt = new Float64Array(size);
  }

  /** Adds a stay (`leftAt` `NaN` while the deal is still in the stage). */
  add(
    dealId: string,
    pipelineId: string,
    stageId: string,
    sequence: number,
    enteredAt: number,
    leftAt: number,
  ): void {
    const stretches = this.#stretchDeals.length;
    const previous = this.#stretchDeals[stretches - 1];
    if (previous !== dealId) {
      if (previous !== undefined && previous > dealId) this.#unordered = true;
      this.#stretches.push(this.#count);
      this.#stretchDeals.push(dealId);
    }
    if (this.#count === this.#stage.length) this.#grow();
    const at = this.#count++;
    this.#stage[at] = this.#number(stageId);
    // Most stays are of the pipeline of the stay before.
    if (pipelineId !== this.#lastPipeline) {
      this.#lastPipeline = pipelineId;
      this.#lastPipelineNumber = this.#number(pipelineId);
    }
    this.#pipeline[at] = this.#lastPipelineNumber;
    this.#sequence[at] = sequence;
    this.#enteredAt[at] = enteredAt;
    this.#leftAt[at] = leftAt;
  }

  /** The columns: each deal's stays in one run, runs in deal-id order, stays in sequence order. */
  build(): StayColumns {
    const count = this.#count;
    const sequence = this.#sequence;
    // order[place] is the stay that goes to that place; null while every stay is in its place.
    let order: Int32Array | null = null;
    let starts = this.#stretches;
    let dealIds = this.#stretchDeals;
    if (this.#unordered) {
      ({ order, starts, dealIds } = regrouped(this.#stretches, this.#stretchDeals, count));
    }
    starts.push(count);
    // Within a run, sequence order (an index scan by deal gives a deal's stays in id order).
    for (let run = 0; run + 1 < starts.length; run++) {
      const start = starts[run]!;
      const end = starts[run + 1]!;
      let sorted = true;
      for (let i = start + 1; i < end && sorted; i++) {
        sorted =
          order === null
            ? sequence[i - 1]! <= sequence[i]!
            : sequence[order[i - 1]!]! <= sequence[order[i]!]!;
      }
      if (sorted) continue;
      order ??= identity(count);
      order.subarray(start, end).sort((a, b) => sequence[a]! - sequence[b]!);
    }
    const column = <T extends Int32Array | Float64Array>(values: T): T => {
      if (order === null) return values.subarray(0, count) as T;
      const moved = values.slice(0, count) as T;
      for (let i = 0; i < count; i++) moved[i] = values[order[i]!]!;
      return moved;
    };
    return {
      dealIds,
      starts: Int32Array.from(starts),
      names: this.#names,
      numbers: this.#numbers,
      stage: column(this.#stage),
      pipeline: column(this.#pipeline),
      sequence: column(this.#sequence),
      enteredAt: column(this.#enteredAt),
      leftAt: column(this.#leftAt),
    };
  }

  #grow(): void {
    this.#stage = doubled(this.#stage);
    this.#pipeline = doubled(this.#pipeline);
    this.#sequence = doubled(this.#sequence);
    this.#enteredAt = doubled(this.#enteredAt);
    this.#leftAt = doubled(this.#leftAt);
  }

  #number(name: string): number {
    let number = this.#numbers.get(name);
    if (number === undefined) {
      number = this.#names.length;
      this.#names.push(name);
      this.#numbers.set(name, number);
    }
    return number;
  }
}

/**
 * Stretches in any order gathered into one run per deal, in deal-id order (a deal's stretches
 * kept in the order they came).
 */
function regrouped(
  stretches: readonly number[],
  stretchDeals: readonly string[],
  count: number,
): { order: Int32Array; starts: number[]; dealIds: string[] } {
  const byDeal = identity(stretches.length).sort(
    (a, b) => compareKeys(stretchDeals[a]!, stretchDeals[b]!) || a - b,
  );
  const order = new Int32Array(count);
  const starts: number[] = [];
  const dealIds: string[] = [];
  let place = 0;
  for (const stretch of byDeal) {
    const dealId = stretchDeals[stretch]!;
    if (dealIds[dealIds.length - 1] !== dealId) {
      starts.push(place);
      dealIds.push(dealId);
    }
    const end = stretches[stretch + 1] ?? count;
    for (let i = stretches[stretch]!; i < end; i++) order[place++] = i;
  }
  return { order, starts, dealIds };
}

function identity(length: number): Int32Array {
  const values = new Int32Array(length);
  for (let i = 0; i < length; i++) values[i] = i;
  return values;
}

/** A column twice as long, its values copied. */
function doubled<T extends Int32Array | Float64Array>(column: T): T {
  const copy = new (column.constructor as new (length: number) => T)(column.length * 2);
  copy.set(column);
  return copy;
}
