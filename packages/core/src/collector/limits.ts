/**
 * Bounded in-memory structures of the collector: both keep two generations and drop the older one
 * whole, so memory is bounded and each operation is O(1) (no per-entry expiry, no FIFO scans).
 */

/** Keys seen recently: at least `windowMs`, at most twice that (or until `maxEntries` per generation). @internal */
export class RotatingSet {
  #current = new Set<string>();
  #previous = new Set<string>();
  #since: number;
  readonly #windowMs: number;
  readonly #maxEntries: number;

  constructor(windowMs: number, maxEntries: number, now: number) {
    this.#windowMs = windowMs;
    this.#maxEntries = maxEntries;
    this.#since = now;
  }

  has(key: string, now: number): boolean {
    this.#rotate(now);
    return this.#current.has(key) || this.#previous.has(key);
  }

  add(key: string, now: number): void {
    this.#rotate(now);
    this.#current.add(key);
  }

  /** Entries held, both generations. */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  #rotate(now: number): void {
    if (now - this.#since < this.#windowMs && this.#current.size < this.#maxEntries) return;
    // Past two windows nothing of the old generation is recent: drop both.
    this.#previous = now - this.#since >= 2 * this.#windowMs ? new Set() : this.#current;
    this.#current = new Set();
    this.#since = now;
  }
}

/** How fast a key may send. */
export interface RateLimit {
  /** Requests a key may send in a burst. */
  readonly burst: number;
  /** Requests a key earns back per second. */
  readonly perSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by key, in two generations rotated every minute or at `maxKeys`. @internal */
export class TokenBuckets {
  #current = new Map<string, Bucket>();
  #previous = new Map<string, Bucket>();
  #since: number;
  readonly #limit: RateLimit;
  readonly #maxKeys: number;

  constructor(limit: RateLimit, maxKeys: number, now: number) {
    this.#limit = limit;
    this.#maxKeys = maxKeys;
    this.#since = now;
  }

  /** Takes a token: 0 when allowed, else the seconds to wait. */
  take(key: string, now: number): number {
    if (now - this.#since >= 60_000 || this.#current.size >= this.#maxKeys) {
      this.#previous = this.#current;
      this.#current = new Map();
      this.#since = now;
    }
    let bucket = this.#current.get(key);
    if (bucket === undefined) {
      bucket = this.#previous.get(key) ?? { tokens: this.#limit.burst, at: now };
      this.#current.set(key, bucket);
    }
    const { burst, perSecond } = this.#limit;
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1_000) * perSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
  }
}
