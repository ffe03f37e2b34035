import { collections, table } from "../records/index.js";
import type { ActionType, Activity, Recurrence } from "./types.js";

/** One rep's booked UTC day: rewritten, revision-checked, with every booking that touches it. */
export interface AgendaClaim {
  /** `<user>|<UTC day>`. */
  readonly id: string;
  /** The instant of the last booking. */
  readonly at: string;
}

/** The typed views of the activities domain's collections. @internal */
export const activityTables = {
  activities: table<Activity>(collections.activities),
  actionTypes: table<ActionType>(collections.actionTypes),
  recurrences: table<Recurrence>(collections.recurrences),
  agendaClaims: table<AgendaClaim>(collections.agendaClaims),
} as const;
