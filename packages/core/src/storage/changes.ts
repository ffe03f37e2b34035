import type { ChangeBatch, ChangeListener } from "./types.js";

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
