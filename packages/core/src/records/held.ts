import type { StorageAdapter } from "../storage/index.js";

/**
 * Whether every write to a store is seen through its `watch`: this instance's writes, and other
 * instances' too when the store is shared (persistent). Only then may a value read from it be held
 * between writes.
 */
export function seesEveryWrite(storage: StorageAdapter): boolean {
  const { changeNotifications, crossInstanceNotifications, persistent } = storage.capabilities;
  return (
    storage.watch !== undefined &&
    changeNotifications &&
    (crossInstanceNotifications || !persistent)
  );
}

/**
 * A value built from some collections of a store — the workspace's definitions: taxonomy, saved
 * segments, the scoring model, assignment rules, pools, users — read once and held until a write
 * to one of those collections is seen, instead of read again for every hit, write or decision.
 * On a store whose writes are not all seen, it is read every time.
 * @internal
 */
export class Held<T> {
  readonly #load: () => Promise<T>;
  readonly #holding: boolean;
  #current: Promise<T> | undefined;

  constructor(storage: StorageAdapter, collections: readonly string[], load: () => Promise<T>) {
    this.#load = load;
    this.#holding = seesEveryWrite(storage);
    if (!this.#holding) return;
    const watched = new Set(collections);
    storage.watch?.((batch) => {
      if (batch.changes.some((change) => watched.has(change.collection))) this.#current = undefined;
    });
  }

  /** The value: held, or read now (a write seen while reading drops it for the next call). */
  get(): Promise<T> {
    if (!this.#holding) return this.#load();
    if (this.#current === undefined) {
      const loading = this.#load();
      this.#current = loading;
      loading.catch(() => {
        if (this.#current === loading) this.#current = undefined;
      });
    }
    return this.#current;
  }
}
