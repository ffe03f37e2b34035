// The records the automation engine keeps beside the public shapes.
import type { Instruction } from "./program.js";
import type { TriggerOccurrence } from "./triggers.js";
import type { AutomationCondition, AutomationRun } from "./types.js";

/** A run as stored: with its program and stop condition. */
export type StoredRun = AutomationRun & {
  readonly program: readonly Instruction[];
  readonly stopWhen?: AutomationCondition;
  /** The index key of pending runs: `dueAt` while active or waiting, absent once ended. */
  readonly due?: string;
};

/** A journal record: an occurrence that starts runs, and when it happened. */
export type JournalEntry = TriggerOccurrence & { readonly id: string; readonly at: string };

/** How far a date trigger's sweep went (one record of `meta` per automation). */
export interface SweepMarker {
  readonly id: string;
  /** The instant, in ms, up to which the automation's dates were swept. */
  readonly through: number;
}
