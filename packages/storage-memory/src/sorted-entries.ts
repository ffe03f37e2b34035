import { compareEntries, compareKeys, type IndexKey } from "@crmkit/core/storage";

/**
 * One entry of an ordered index: a key, the id of the record that has it, and what the index
 * carries for that record (the memory adapter's record slot, so a read needs no id look-up).
 */
export interface Entry<V = unknown> {
  readonly key: IndexKey;
  readonly id: string;
  readonly value: V;
}

/**
 * A place between entries: just before `(key, id)`, or just after it when `after` is set. With a
 * `null` id the place is before (or after) every entry of the key.
 */
export interface Seek {
  readonly key: IndexKey;
  readonly id: string | null;
  readonly after: boolean;
}

const maxChunk = 512;

/**
 * A run of at most `maxChunk` entries, field by field: three arrays rather than an object per
 * entry, so an index of a million records adds three arrays per 512 records to what the garbage
 * collector walks, not a million objects.
 */
interface Chunk<V> {
  keys: IndexKey[];
  ids: string[];
  values: V[];
}

/**
 * Index entries kept sorted by (key, id) in chunks of at most 512 entries, so an insert or a delete
 * moves a few hundred references rather than the whole index, and a range read starts with two
 * binary searches. (A sorted chunk list rather than a B-tree: far less code, and for in-memory
 * indexes of up to millions of entries it performs alike.)
 */
export class SortedEntries<V = undefined> {
  #chunks: Chunk<V>[] = [];
  #size = 0;
  /**
   * How many entries lie before each chunk, built by the first `rank` after a change: counting a
   * range is then two binary searches, not a walk over the chunks (a least-loaded assignment counts
   * every candidate's open deals for each lead).
   */
  #before: number[] | null = null;

  /** How many entries there are. */
  get size(): number {
    return this.#size;
  }

  /** Inserts an entry (no-op if present). */
  insert(key: IndexKey, id: string, value: V): void {
    this.#before = null;
    if (this.#chunks.length === 0) {
      this.#chunks.push({ keys: [key], ids: [id], values: [value] });
      this.#size = 1;
      return;
    }
    // Append fast path: ids, creation instants and other growing keys land after the last entry.
    const lastChunk = this.#chunks[this.#chunks.length - 1]!;
    const last = lastChunk.keys.length - 1;
    const appending = compareEntries(lastChunk.keys[last]!, lastChunk.ids[last]!, key, id) < 0;
    const chunkIndex = appending ? this.#chunks.length - 1 : this.#chunkFor(key, id);
    const chunk = this.#chunks[chunkIndex]!;
    if (appending) {
      chunk.keys.push(key);
      chunk.ids.push(id);
      chunk.values.push(value);
    } else {
      const at = lowerBound(chunk, { key, id, after: false });
      if (chunk.keys[at] === key && chunk.ids[at] === id) return;
      chunk.keys.splice(at, 0, key);
      chunk.ids.splice(at, 0, id);
      chunk.values.splice(at, 0, value);
    }
    this.#size++;
    if (chunk.keys.length > maxChunk) {
      const half = maxChunk >> 1;
      this.#chunks.splice(chunkIndex + 1, 0, {
        keys: chunk.keys.splice(half),
        ids: chunk.ids.splice(half),
        values: chunk.values.splice(half),
      });
    }
  }

  /** Removes an entry; returns whether it was there. */
  delete(key: IndexKey, id: string): boolean {
    if (this.#chunks.length === 0) return false;
    const chunkIndex = this.#chunkFor(key, id);
    const chunk = this.#chunks[chunkIndex]!;
    const at = lowerBound(chunk, { key, id, after: false });
    if (at === chunk.keys.length || chunk.keys[at] !== key || chunk.ids[at] !== id) return false;
    this.#before = null;
    chunk.keys.splice(at, 1);
    chunk.ids.splice(at, 1);
    chunk.values.splice(at, 1);
    this.#size--;
    if (chunk.keys.length === 0) this.#chunks.splice(chunkIndex, 1);
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    this.#chunks = [];
    this.#size = 0;
    this.#before = null;
  }

  /**
   * The id of an entry with this key other than `exceptId`, or null when there is none: a direct
   * look-up (a unique index holds at most one entry per key, two while a batch moves it).
   */
  holderOtherThan(key: IndexKey, exceptId: string): string | null {
    if (this.#chunks.length === 0) return null;
    let [chunkIndex, offset] = this.#locate({ key, id: null, after: false });
    for (; chunkIndex < this.#chunks.length; chunkIndex++, offset = 0) {
      const { keys, ids } = this.#chunks[chunkIndex]!;
      for (; offset < keys.length; offset++) {
        if (keys[offset] !== key) return null;
        if (ids[offset] !== exceptId) return ids[offset]!;
      }
    }
    return null;
  }

  /**
   * Calls `visitor` with each entry from a place (or from the start, in `asc` order, or the end,
   * in `desc` order) until it returns false. Plain loops, no generator: this is the hot path of
   * every index read.
   */
  visit(
    from: Seek | undefined,
    order: "asc" | "desc",
    visitor: (key: IndexKey, id: string, value: V) => boolean,
  ): void {
    const chunks = this.#chunks;
    if (order === "asc") {
      let [chunkIndex, offset] = from ? this.#locate(from) : [0, 0];
      for (; chunkIndex < chunks.length; chunkIndex++, offset = 0) {
        const { keys, ids, values } = chunks[chunkIndex]!;
        for (; offset < keys.length; offset++) {
          if (!visitor(keys[offset]!, ids[offset]!, values[offset]!)) return;
        }
      }
      return;
    }
    let [chunkIndex, offset] = from ? this.#locate(from) : [chunks.length, 0];
    // Start at the entry just before the place.
    offset--;
    if (offset < 0) {
      chunkIndex--;
      offset = (chunks[chunkIndex]?.keys.length ?? 0) - 1;
    }
    for (; chunkIndex >= 0; chunkIndex--) {
      const { keys, ids, values } = chunks[chunkIndex]!;
      for (; offset >= 0; offset--) {
        if (!visitor(keys[offset]!, ids[offset]!, values[offset]!)) return;
      }
      offset = (chunks[chunkIndex - 1]?.keys.length ?? 0) - 1;
    }
  }

  /** Entries in ascending order, from a place (or from the start). */
  ascending(from?: Seek): Entry<V>[] {
    const entries: Entry<V>[] = [];
    this.visit(from, "asc", (key, id, value) => entries.push({ key, id, value }) > 0);
    return entries;
  }

  /** Entries in descending order, from before a place (or from the end). */
  descending(from?: Seek): Entry<V>[] {
    const entries: Entry<V>[] = [];
    this.visit(from, "desc", (key, id, value) => entries.push({ key, id, value }) > 0);
    return entries;
  }

  /** How many entries lie before a place (all of them when `place` is undefined). */
  rank(place: Seek | undefined): number {
    if (!place) return this.#size;
    const [chunkIndex, offset] = this.#locate(place);
    if (this.#before === null) {
      const before: number[] = [];
      let count = 0;
      for (const chunk of this.#chunks) {
        before.push(count);
        count += chunk.keys.length;
      }
      this.#before = before;
    }
    return chunkIndex === this.#chunks.length ? this.#size : this.#before[chunkIndex]! + offset;
  }

  /** The chunk where (key, id) is or would be inserted. */
  #chunkFor(key: IndexKey, id: string): number {
    let low = 0;
    let high = this.#chunks.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      const chunk = this.#chunks[middle]!;
      const last = chunk.keys.length - 1;
      if (compareEntries(chunk.keys[last]!, chunk.ids[last]!, key, id) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The (chunk, offset) of the first entry at or after a place; may be one past a chunk's end. */
  #locate(seek: Seek): [number, number] {
    let low = 0;
    let high = this.#chunks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const chunk = this.#chunks[middle]!;
      const order = compareToSeek(chunk, chunk.keys.length - 1, seek);
      if (order < 0 || (order === 0 && seek.after)) low = middle + 1;
      else high = middle;
    }
    if (low === this.#chunks.length) return [low, 0];
    return [low, lowerBound(this.#chunks[low]!, seek)];
  }
}

function compareToSeek(chunk: Chunk<unknown>, at: number, seek: Seek): number {
  return seek.id === null
    ? compareKeys(chunk.keys[at]!, seek.key)
    : compareEntries(chunk.keys[at]!, chunk.ids[at]!, seek.key, seek.id);
}

/** The offset of the first entry of a chunk at or after a place. */
function lowerBound(chunk: Chunk<unknown>, seek: Seek): number {
  let low = 0;
  let high = chunk.keys.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    const order = compareToSeek(chunk, middle, seek);
    if (order < 0 || (order === 0 && seek.after)) low = middle + 1;
    else high = middle;
  }
  return low;
}
