import type { StorageAdapter, StorageSchema } from "@crmkit/core/storage";
import { afterEach, describe, it } from "vitest";
import type { CaseContext, ConformanceCase } from "./case.js";
import { conformanceCases } from "./cases.js";
import { conformanceSchema } from "./fixtures.js";

/** How an adapter's test file runs the suite. */
export interface ConformanceOptions {
  /** The adapter's name, shown in the test output. */
  readonly name: string;
  /**
   * Opens a store holding `schema` at `location`. A new location must start empty; opening a
   * location again must see what was written there (for persistent adapters).
   */
  open(schema: StorageSchema, location: string): Promise<StorageAdapter>;
  /** Removes what a location holds, after its case ran (optional; e.g. delete an IndexedDB database). */
  destroy?(location: string): Promise<void>;
  /**
   * Cases the adapter deliberately does not meet, by case id, each with the written reason. They are
   * reported as skipped with the reason in the test name.
   */
  readonly deviations?: Readonly<Record<string, string>>;
  /**
   * How many random sequences the model-based case runs.
   * @default 100
   */
  readonly propertyRuns?: number;
  /**
   * Per-case timeout in milliseconds.
   * @default 60000
   */
  readonly timeout?: number;
}

let opens = 0;

/**
 * Registers the whole conformance suite as vitest tests for one adapter. Call it at the top level
 * of a test file.
 *
 * @example
 * ```ts
 * import { runStorageConformance } from "@crmkit/storage-conformance";
 * import { openMemoryStorage } from "@crmkit/storage-memory";
 *
 * runStorageConformance({
 *   name: "memory",
 *   open: async (schema) => await openMemoryStorage({ schema }),
 * });
 * ```
 */
export function runStorageConformance(options: ConformanceOptions): void {
  describe(`storage conformance: ${options.name}`, () => {
    const opened: { store: StorageAdapter; location: string }[] = [];
    afterEach(async () => {
      const stores = opened.splice(0);
      for (const { store } of stores) await store.close();
      const locations = new Set(stores.map(({ location }) => location));
      if (options.destroy) for (const location of locations) await options.destroy(location);
    });
    const context: CaseContext = {
      async open() {
        const location = `crmkit-conformance-${options.name}-${++opens}-${Date.now().toString(36)}`;
        const store = await options.open(conformanceSchema, location);
        opened.push({ store, location });
        return store;
      },
      async reopen(store) {
        const entry = opened.find((candidate) => candidate.store === store);
        if (!entry) throw new Error("reopen() takes a store opened by this case");
        await store.close();
        const again = await options.open(conformanceSchema, entry.location);
        opened.push({ store: again, location: entry.location });
        return again;
      },
      propertyRuns: options.propertyRuns ?? 100,
    };
    for (const conformanceCase of conformanceCases) registerCase(conformanceCase, options, context);
  });
}

function registerCase(
  conformanceCase: ConformanceCase,
  options: ConformanceOptions,
  context: CaseContext,
): void {
  const reason = options.deviations?.[conformanceCase.id];
  if (reason !== undefined) {
    it.skip(`${conformanceCase.title} [${conformanceCase.id}] — deviation: ${reason}`, () => {});
    return;
  }
  it(
    `${conformanceCase.title} [${conformanceCase.id}]`,
    async ({ skip }) => {
      if (conformanceCase.requires) {
        // Capabilities are declared on an opened store; open one to read them.
        const probe = await context.open();
        if (!probe.capabilities[conformanceCase.requires]) {
          skip(`${options.name} does not declare "${conformanceCase.requires}"`);
        }
      }
      await conformanceCase.run(context);
    },
    options.timeout ?? 60_000,
  );
}
