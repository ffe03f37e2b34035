// The missed-appointment recovery, as an ordinary automation: propose three slots, remind with
// fresh ones, then hand it to a person; rebooking at any point stops it.
import type { EmailTemplate } from "../email/index.js";
import type { AutomationService } from "./service.js";
import type { Assignee, AutomationDuration, AutomationInput, AutomationRun } from "./types.js";

/** Options of {@link missedAppointmentRecovery}. */
export interface RecoveryOptions {
  /** The automation's id. @defaultValue "missed-appointment-recovery" */
  readonly id?: string;
  /** The appointment types it covers. @defaultValue meeting, phone-meeting, video, demo, visit */
  readonly activityTypes?: readonly string[];
  /** The least notice of a proposed slot, in hours. @defaultValue 24 */
  readonly noticeHours?: number;
  /** Days before the reminder (with fresh slots). @defaultValue 3 */
  readonly reminderAfterDays?: number;
  /** Days after the reminder before a phone-call task is created. @defaultValue 3 */
  readonly callAfterDays?: number;
  /** Who gets the phone-call task. @defaultValue the appointment's owner */
  readonly callAssignee?: Assignee;
  /** The first e-mail. Variables: contact, owner, activity, slots (a list), slotLines (one a line). */
  readonly proposal?: EmailTemplate;
  /** The reminder. */
  readonly reminder?: EmailTemplate;
}

const defaultProposal: EmailTemplate = {
  subject: "Shall we find another time, {{ contact.firstName }}?",
  text: `Hello {{ contact.firstName }},

We missed each other for our appointment. Would one of these times suit you?

{{ slotLines }}

Just reply with the one you prefer.

{{ owner.name }}`,
};

const defaultReminder: EmailTemplate = {
  subject: "New times for our appointment, {{ contact.firstName }}",
  text: `Hello {{ contact.firstName }},

In case the earlier times did not suit you, here are new ones:

{{ slotLines }}

{{ owner.name }}`,
};

/**
 * The missed-appointment recovery as an automation definition (pass it to
 * `crm.automations.define`): when an appointment is marked missed, e-mail the prospect three slots
 * from the owner's free time (next working days, inside working hours, one a day, none overlapping
 * the agenda, at least `noticeHours` ahead); after `reminderAfterDays` without a rebooking, a
 * reminder with fresh slots; after `callAfterDays` more, a phone-call task in the owner's (or the
 * given assignee's) to-do list, `crm.tasks.todo` — completing it logs the call.
 *
 * A new appointment booked with the contact after the miss stops it at once — on the booking, not
 * at the run's next wake-up (`crm.automations.settle()` waits for it) — whatever becomes of that
 * appointment later (held, moved), unless it is itself cancelled: then the recovery resumes where
 * it stopped. One missed again starts a recovery of its own.
 *
 * @example
 * ```ts
 * await crm.automations.create(missedAppointmentRecovery({ reminderAfterDays: 2 }));
 * ```
 */
export function missedAppointmentRecovery(options: RecoveryOptions = {}): AutomationInput {
  const notice = options.noticeHours ?? 24;
  const activityTypes = options.activityTypes ?? [
    "meeting",
    "phone-meeting",
    "video",
    "demo",
    "visit",
  ];
  return {
    id: options.id ?? "missed-appointment-recovery",
    name: "Missed-appointment recovery",
    trigger: { type: "activity.missed", activityTypes },
    stopWhen: { rebooked: true, activityTypes },
    steps: [
      { kind: "proposeSlots", count: 3, noticeHours: notice },
      { kind: "sendEmail", template: options.proposal ?? defaultProposal },
      { kind: "wait", duration: { amount: options.reminderAfterDays ?? 3, unit: "days" } },
      { kind: "proposeSlots", count: 3, noticeHours: notice },
      { kind: "sendEmail", template: options.reminder ?? defaultReminder },
      { kind: "wait", duration: { amount: options.callAfterDays ?? 3, unit: "days" } },
      {
        kind: "createTask",
        actionType: "call",
        title:
          "Call {{ contact.firstName }} {{ contact.lastName }}: missed appointment not rebooked",
        notes:
          "{{ contact.firstName }} missed the {{ activity.type }} and did not rebook after two e-mails with proposed times.",
        assignee: options.callAssignee ?? "owner",
        dueIn: { amount: 1, unit: "days" },
      },
    ],
  };
}

/**
 * How the recovery did. Every missed appointment it took up is in exactly one of `rebooked`,
 * `handedOver`, `running`, `stopped` and `failed`.
 */
export interface RecoveryReport {
  /** Missed appointments it took up. */
  readonly missed: number;
  /**
   * Rebooked: a new appointment booked after the miss and not cancelled or missed since (held or
   * still to come).
   */
  readonly rebooked: number;
  /** Handed to a person (the call task created) without a rebooking. */
  readonly handedOver: number;
  /** Still under way (waiting for its next step). */
  readonly running: number;
  /** Stopped for another reason: `stopFor` on an unsubscribe, a rep taking over by hand. */
  readonly stopped: number;
  /** Failed (see the runs' reasons). */
  readonly failed: number;
  /** `rebooked / missed`; `null` when nothing was missed. */
  readonly rebookedShare: number | null;
  /** `handedOver / missed`; `null` when nothing was missed. */
  readonly handedOverShare: number | null;
}

/** Reports the recovery's runs: the share of missed appointments rebooked automatically. */
export async function recoveryReport(
  automations: Pick<AutomationService, "runs">,
  automationId = "missed-appointment-recovery",
): Promise<RecoveryReport> {
  const runs = await automations.runs({ automationId });
  const count = (test: (run: (typeof runs)[number]) => boolean) => runs.filter(test).length;
  const rebooked = count((run) => run.status === "stopped" && run.reason === "stopWhen");
  const handedOver = count((run) => run.status === "done");
  const share = (part: number) => (runs.length === 0 ? null : part / runs.length);
  return {
    missed: runs.length,
    rebooked,
    handedOver,
    running: count((run) => run.status === "active" || run.status === "waiting"),
    stopped: count((run) => run.status === "stopped") - rebooked,
    failed: count((run) => run.status === "failed"),
    rebookedShare: share(rebooked),
    handedOverShare: share(handedOver),
  };
}

/** One e-mail of a nurture sequence. */
export interface NurtureEmail {
  /** How long after the previous one (or after entering nurture). */
  readonly after: AutomationDuration;
  /** The e-mail. */
  readonly template: EmailTemplate;
}

/** Options of {@link nurtureSequence}. */
export interface NurtureOptions {
  /** The automation's id. */
  readonly id: string;
  /** Its name. @defaultValue "Nurture sequence" */
  readonly name?: string;
  /** The score group whose nurture it follows. @defaultValue "global" */
  readonly group?: string;
  /** The e-mails, in order. */
  readonly emails: readonly NurtureEmail[];
}

/**
 * A nurture sequence as an automation definition: contacts scored under a group's threshold get
 * a series of e-mails with delays; a contact leaves it on crossing the threshold (the hand-off to
 * sales) — or when your unsubscribe handler calls `crm.automations.stopFor(contactId)`.
 *
 * @example
 * ```ts
 * await crm.automations.create(nurtureSequence({ id: "nurture", emails: [
 *   { after: { amount: 1, unit: "days" }, template: welcome },
 *   { after: { amount: 7, unit: "days" }, template: caseStudy },
 * ] }));
 * ```
 */
export function nurtureSequence(options: NurtureOptions): AutomationInput {
  const group = options.group ?? "global";
  return {
    id: options.id,
    name: options.name ?? "Nurture sequence",
    trigger: { type: "score.nurture", group },
    stopWhen: { qualified: group },
    steps: options.emails.flatMap((email) => [
      { kind: "wait" as const, duration: email.after },
      { kind: "sendEmail" as const, template: email.template },
    ]),
  };
}

/** A slot a run's `proposeSlots` step offered. */
export interface ProposedSlot {
  /** Its start, an ISO instant. */
  readonly start: string;
  /** Its end, an ISO instant. */
  readonly end: string;
  /** As the e-mail showed it, in the owner's timezone ("Wednesday 2 December 2026 at 11:30 CET"). */
  readonly label: string;
}

/**
 * The slots a run's last `proposeSlots` step offered (the recovery's first e-mail, or its
 * reminder's fresh ones), typed; none when it offered none.
 *
 * @example
 * ```ts
 * const [run] = await crm.automations.runs({ contactId: ada.id });
 * for (const slot of proposedSlots(run)) console.log(slot.label);
 * ```
 */
export function proposedSlots(run: AutomationRun): ProposedSlot[] {
  const slots = Object.hasOwn(run.vars, "slots") ? run.vars.slots : undefined;
  if (!Array.isArray(slots)) return [];
  return slots.filter(
    (slot): slot is ProposedSlot =>
      typeof slot === "object" &&
      slot !== null &&
      typeof slot.start === "string" &&
      typeof slot.end === "string" &&
      typeof slot.label === "string",
  );
}
