import type { StorageAdapter, StorageCapabilities } from "@crmkit/core/storage";

/** What a case gets to work with. */
export interface CaseContext {
  /** Opens a new, empty store (with the conformance schema) at a new location. */
  open(): Promise<StorageAdapter>;
  /** Closes a store and opens the same location again. */
  reopen(adapter: StorageAdapter): Promise<StorageAdapter>;
  /** How many random runs property-based cases make. */
  readonly propertyRuns: number;
}

/** One case of the conformance suite. */
export interface ConformanceCase {
  /** A stable id, used to declare deviations. */
  readonly id: string;
  /** What the case checks, as a present-tense sentence. */
  readonly title: string;
  /** A capability the adapter must declare for the case to apply. */
  readonly requires?: keyof StorageCapabilities;
  /** Runs the case; throws (an assertion error) when the adapter does not conform. */
  run(context: CaseContext): Promise<void>;
}
