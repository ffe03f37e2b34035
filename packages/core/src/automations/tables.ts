import { collections, table } from "../records/index.js";
import type { JournalEntry, StoredRun, SweepMarker } from "./stored.js";
import type { Automation } from "./types.js";

/** The typed views of the automations domain's collections. @internal */
export const automationTables = {
  automations: table<Automation>(collections.automations),
  runs: table<StoredRun>(collections.automationRuns),
  journal: table<JournalEntry>(collections.eventJournal),
  sweeps: table<SweepMarker>(collections.meta),
} as const;
