import type { ChangeBatch, ChangeListener, StorageClosed } from "./types.js";

/**
 * The listener registry adapters use to implement `watch`. A listener that throws does not undo
 * or fail the write that was already committed: its error is rethrown asynchronously, the way
 * DOM event listener errors are reported.
 */
export class ChangeHub {
  readonly #listeners = new Set<ChangeListener>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Whether anyone listens (adapters skip building batches otherwise). */
  get active(): boolean {
    return this.#listeners.size > 0;
  }

  /** Delivers a batch to every listener. */
  emit(batch: ChangeBatch): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(batch);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}

/**
 * The `closed` promise of an adapter, settled once with the first reason given. Adapters call
 * `settle` from `close()` (by the host) and from whatever else ends their connection.
 */
export class CloseSignal {
  /** Settles with the first reason; never rejects. */
  readonly promise: Promise<StorageClosed>;
  #resolve: (closed: StorageClosed) => void = () => {};
  #closed: StorageClosed | undefined;

  constructor() {
    this.promise = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** The reason the store closed, or `undefined` while it is open. */
  get reason(): StorageClosed | undefined {
    return this.#closed;
  }

  /** Settles the promise; returns false when it had already settled. */
  settle(reason: string, byHost: boolean): boolean {
    if (this.#closed !== undefined) return false;
    this.#closed = { reason, byHost };
    this.#resolve(this.#closed);
    return true;
  }
}
