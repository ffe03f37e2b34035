// Work a service runs in the background, one run at a time: a request while it runs makes it go
// round once more (requests coalesce), and its failures wait for whoever settles.

/** A coalescing background loop over one piece of work. @internal */
export class BackgroundLoop {
  readonly #work: () => Promise<unknown>;
  #running: Promise<void> | undefined;
  #again = false;
  #failures: unknown[] = [];

  /** @param work - what each round does */
  constructor(work: () => Promise<unknown>) {
    this.#work = work;
  }

  /** Starts a round unless one is running, in which case that one goes round once more. */
  request(): void {
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#work();
        } while (this.#again);
      } catch (error) {
        this.#failures.push(error);
      } finally {
        this.#running = undefined;
      }
    })();
  }

  /** Waits until no round runs; returns (and forgets) the failures since the last call. */
  async idle(): Promise<unknown[]> {
    while (this.#running !== undefined) await this.#running;
    const failures = this.#failures;
    this.#failures = [];
    return failures;
  }
}
