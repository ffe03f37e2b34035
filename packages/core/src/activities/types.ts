/** What kind of work an action type is: it decides whether it takes time in an agenda. */
export type ActionCategory = "task" | "call" | "email" | "meeting" | "visit";

/** An action type: how an activity is named, coloured and sized in agendas. */
export interface ActionType {
  /** The id (`call`, `demo`…), referenced by activities. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The display name. */
  readonly name: string;
  /** The colour agendas show it in, `#rrggbb`. */
  readonly colour: string;
  /** How long an activity of this type lasts when its end is not given, in minutes. */
  readonly defaultDurationMinutes: number;
  /** The kind of work. */
  readonly category: ActionCategory;
  /** Whether it is one of crmkit's defaults. */
  readonly builtIn: boolean;
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** A new action type. */
export interface ActionTypeInput {
  /** The id: lower-case letters, digits and `-`. */
  readonly id: string;
  /** The display name. */
  readonly name: string;
  /** `#rrggbb`. */
  readonly colour: string;
  /** Minutes, 1 to 1,440. */
  readonly defaultDurationMinutes: number;
  /** The kind of work. */
  readonly category: ActionCategory;
}

/** Where an activity is in its life. */
export type ActivityStatus = "planned" | "done" | "missed" | "cancelled";

/** A call, meeting, e-mail, visit or task, in a rep's agenda and logged against a deal or party. */
export interface Activity {
  /** The activity id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The action type's id. */
  readonly type: string;
  /** A short title ("Demo with Acme"). */
  readonly title?: string;
  /** Planned, done, missed or cancelled. */
  readonly status: ActivityStatus;
  /** The rep doing it. */
  readonly ownerId?: string;
  /** Other reps taking part: the slot is taken in their agendas too. */
  readonly participantIds?: readonly string[];
  /** The deal. */
  readonly dealId?: string;
  /** The contact. */
  readonly contactId?: string;
  /** The account. */
  readonly accountId?: string;
  /** When it starts (timed activities). */
  readonly startAt?: string;
  /** When it ends, excluded (timed activities). */
  readonly endAt?: string;
  /** When it is due (tasks, which take no slot). */
  readonly dueAt?: string;
  /** When it was done. */
  readonly doneAt?: string;
  /** When it was marked missed. */
  readonly missedAt?: string;
  /** When it was cancelled. */
  readonly cancelledAt?: string;
  /** The outcome note. */
  readonly outcome?: string;
  /** The recurrence it is an occurrence of. */
  readonly recurrenceId?: string;
  /** Its number in the recurrence (0 for the first). */
  readonly occurrence?: number;
  /** Agenda index keys (`<user>|<UTC day>`): kept by crmkit. @internal */
  readonly agenda?: readonly string[];
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** A new activity. */
export interface ActivityInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The action type's id. */
  readonly type: string;
  /** A short title. */
  readonly title?: string;
  /** Planned or already done. @defaultValue "planned" */
  readonly status?: "planned" | "done";
  /** The rep doing it. */
  readonly ownerId?: string;
  /** Other reps taking part. */
  readonly participantIds?: readonly string[];
  /** The deal. */
  readonly dealId?: string;
  /** The contact. */
  readonly contactId?: string;
  /** The account. */
  readonly accountId?: string;
  /** When it starts (ISO instant). */
  readonly startAt?: string;
  /** When it ends; the type's default duration after `startAt` when omitted. */
  readonly endAt?: string;
  /** When it is due (tasks). */
  readonly dueAt?: string;
  /** When it was done (for `done`). @defaultValue now */
  readonly doneAt?: string;
  /** The outcome note. */
  readonly outcome?: string;
  /**
   * Book even if the slot overlaps the owner's or a participant's planned time.
   * @defaultValue false
   */
  readonly allowOverlap?: boolean;
  /** The recurrence it is an occurrence of (set by recurrences). */
  readonly recurrenceId?: string;
  /** Its number in the recurrence. */
  readonly occurrence?: number;
}

/** A change of a planned activity: its time, people or notes. */
export interface ActivityPatch {
  /** A new title. */
  readonly title?: string;
  /** A new owner. */
  readonly ownerId?: string;
  /** New participants. */
  readonly participantIds?: readonly string[];
  /** A new start. */
  readonly startAt?: string;
  /** A new end; when only `startAt` moves, the duration is kept. */
  readonly endAt?: string;
  /** A new due date (tasks). */
  readonly dueAt?: string;
  /** A new outcome note. */
  readonly outcome?: string;
  /** Book even if the new slot overlaps. @defaultValue false */
  readonly allowOverlap?: boolean;
}

/** A range of an agenda: a calendar day or ISO week in each rep's timezone, or two instants. */
export type AgendaRange = AgendaDay | AgendaWeek | AgendaInstants;

/** A calendar day of each rep's timezone. */
export interface AgendaDay {
  /** `YYYY-MM-DD`. */
  readonly day: string;
}

/** An ISO week (Monday to Sunday) of each rep's timezone. */
export interface AgendaWeek {
  /** Any `YYYY-MM-DD` of the week. */
  readonly week: string;
}

/** An agenda range between two instants. */
export interface AgendaInstants {
  /** The start, included (ISO instant or epoch ms). */
  readonly from: string | number;
  /** The end, excluded. */
  readonly to: string | number;
}

/** One activity in one rep's agenda, with its type's name and colour. */
export interface AgendaEntry {
  /** The rep whose agenda it is in (its owner or a participant). */
  readonly userId: string;
  /** Whether that rep is the owner. */
  readonly role: "owner" | "participant";
  /** The activity. */
  readonly activity: Activity;
  /** The type's name. */
  readonly typeName: string;
  /** The type's colour. */
  readonly colour: string;
}

/** A query for free slots. */
export interface FreeSlotQuery {
  /** The reps to search; or `poolId`. */
  readonly userIds?: readonly string[];
  /** An assignment pool whose members are searched. */
  readonly poolId?: string;
  /** The slot's length, in minutes (1 to 1,440). */
  readonly durationMinutes: number;
  /** The earliest start (ISO instant or epoch ms). */
  readonly from: string | number;
  /** The latest end. At most 93 days after `from`. */
  readonly to: string | number;
  /** Free time kept before and after every busy period, in minutes. @defaultValue 0 */
  readonly bufferMinutes?: number;
  /** Slots start on multiples of this many minutes of the rep's wall clock. @defaultValue 15 */
  readonly stepMinutes?: number;
  /** At most this many slots. @defaultValue 100 */
  readonly limit?: number;
}

/** A free slot of one rep. It tells when, and nothing of what fills the rest of the agenda. */
export interface FreeSlot {
  /** The rep. */
  readonly userId: string;
  /** The start (ISO instant). */
  readonly start: string;
  /** The end, excluded. */
  readonly end: string;
}

/** An activity changed state: emitted after it is stored. */
export interface ActivityEvent {
  /** The activity as stored. */
  readonly activity: Activity;
  /** When. */
  readonly at: string;
}

/** The events of activities. */
export interface ActivityEvents {
  /** A planned activity was booked. */
  "activity.created": ActivityEvent;
  /** An activity was done (logged done, or marked done). */
  "activity.done": ActivityEvent;
  /** An appointment was missed (the prospect did not show). */
  "activity.missed": ActivityEvent;
  /** A planned activity was cancelled. */
  "activity.cancelled": ActivityEvent;
  /** A planned activity moved, or changed people. */
  "activity.updated": ActivityEvent;
}

/** How often. */
export interface RecurrenceEvery {
  /** How many units between occurrences. */
  readonly amount: number;
  /** Days, weeks or months (a month from the 31st lands on the month's last day). */
  readonly unit: "days" | "weeks" | "months";
}

/** What each occurrence is. */
export interface ActivityTemplate {
  /** The action type. */
  readonly type: string;
  /** The title. */
  readonly title: string;
  /** Its length. @defaultValue the type's default duration */
  readonly durationMinutes?: number;
}

/** A new recurrence: for one contact or account (`ownerId` given), or for a segment's members. */
export interface RecurrenceInput {
  /** The id: lower-case letters, digits and `-`. */
  readonly id: string;
  /** What each occurrence is. */
  readonly template: ActivityTemplate;
  /** How often. */
  readonly every: RecurrenceEvery;
  /** The rep (one-record recurrences; a segment's members bring their owner). */
  readonly ownerId?: string;
  /** The contact (one-record recurrences). */
  readonly contactId?: string;
  /** The account (one-record recurrences). */
  readonly accountId?: string;
  /** The first occurrence's instant (one-record recurrences). @defaultValue now */
  readonly start?: string;
  /** The last day an occurrence may fall on, `YYYY-MM-DD` in the owner's timezone. */
  readonly until?: string;
  /** At most this many occurrences. */
  readonly count?: number;
  /** A saved segment: every member gets its own occurrences, booked with its owner. */
  readonly segmentId?: string;
  /** How far ahead occurrences are booked (one-record recurrences), in days. @defaultValue 60 */
  readonly horizonDays?: number;
}

/** A recurrence as stored. */
export interface Recurrence extends RecurrenceInput {
  /** The storage revision. */
  readonly revision: number;
  /** When it was created. */
  readonly createdAt: string;
}
