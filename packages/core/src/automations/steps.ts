// Length: one handler per step type, each idempotent under the same key scheme explained below.
// What each step does. Every effect is keyed by `<run id>:<pc>`, so running a step again after a
// crash (its effect done, its bookkeeping not) has the effect of running it once: records get ids
// derived from the key and are written only if absent; e-mails carry the key as idempotency key.
import type { Activity, ActivityService } from "../activities/index.js";
import type { AssignmentService } from "../assignment/index.js";
import type { EmailSender } from "../email/index.js";
import { renderTemplate, singleLine } from "../email/index.js";
import { membershipRequest, outboxEntry, outboxTable } from "../email-lists/index.js";
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { EventBus } from "../events/index.js";
import type { ContactInput, ContactPatch, PartyRepository } from "../parties/index.js";
import type { Deal, DealService, TaskService } from "../pipelines/index.js";
import { type Contact, tables, type User } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import type { Instruction } from "./program.js";
import type { Assignee, AutomationDuration, AutomationEvents, AutomationRun } from "./types.js";

/** What steps work with. */
export interface StepDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly events: Pick<EventBus<AutomationEvents>, "emit">;
  readonly contacts: Pick<PartyRepository<Contact, ContactInput, ContactPatch>, "update">;
  readonly deals: DealService;
  readonly activities: ActivityService;
  readonly tasks: Pick<TaskService, "createFor">;
  readonly assignment: Pick<AssignmentService, "poolMembers">;
}

/** A step's outcome. */
export type StepOutcome =
  | { readonly kind: "next"; readonly detail?: string; readonly vars?: Record<string, unknown> }
  | { readonly kind: "wait"; readonly until: number; readonly vars?: Record<string, unknown> }
  | { readonly kind: "stop"; readonly detail: string }
  | {
      readonly kind: "fail";
      readonly retryable: boolean;
      readonly message: string;
      readonly retryAfterMs?: number;
    };

/** The records a run is about, read once per step. */
export interface Subject {
  readonly contact: Contact | null;
  readonly deal: Deal | null;
  readonly activity: Activity | null;
  readonly owner: User | null;
}

const units = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** A duration in ms. @internal */
export const durationMs = (duration: AutomationDuration) => duration.amount * units[duration.unit];

/** A storage-safe id derived from a step's key (FNV-1a, 2 × 32 bits). @internal */
export function keyedId(prefix: string, key: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return `${prefix}-${a.toString(36)}${b.toString(36)}-${key.length.toString(36)}`;
}

/** The variables templates see. @internal */
export function templateVariables(run: AutomationRun, subject: Subject): Record<string, unknown> {
  const slots = (run.vars.slots as { label: string }[] | undefined)?.map((slot) => slot.label);
  return {
    contact: subject.contact ?? {},
    deal: subject.deal ?? {},
    activity: subject.activity ?? {},
    owner: subject.owner ?? {},
    slots: slots ?? [],
    // One slot a line, for plain-text bodies.
    slotLines: (slots ?? []).map((label) => `- ${label}`).join("\n"),
    vars: run.vars,
  };
}

async function resolveAssignee(
  deps: StepDeps,
  assignee: Assignee,
  subject: Subject,
): Promise<string | undefined> {
  if (assignee === "owner") return subject.owner?.id;
  if ("userId" in assignee) return assignee.userId;
  // The pool member with the fewest planned activities in the coming week, then by id.
  const members = await deps.assignment.poolMembers(assignee.poolId);
  const users = await tables.users.getMany(deps.storage, members);
  const now = deps.environment.now();
  let best: { id: string; load: number } | undefined;
  for (const user of users) {
    if (user === null || !user.active) continue;
    const load = (
      await deps.activities.agenda(user.id, { from: now, to: now + 7 * units.days })
    ).filter((entry) => entry.activity.status === "planned").length;
    if (best === undefined || load < best.load) best = { id: user.id, load };
  }
  return best?.id;
}

/** Runs one step. @internal */
export async function runStep(
  deps: StepDeps,
  instruction: Extract<Instruction, { op: "step" }>,
  run: AutomationRun,
  subject: Subject,
  email: EmailSender | undefined,
): Promise<StepOutcome> {
  const step = instruction.step;
  const key = `${run.id}:${run.pc}`;
  const now = deps.environment.now();
  const at = toIsoInstant(now);
  const contact = subject.contact;
  const needContact = (): StepOutcome => ({
    kind: "fail",
    retryable: false,
    message: "the run has no contact",
  });
  switch (step.kind) {
    case "wait": {
      const started = run.vars[`since:${run.pc}`] as number | undefined;
      if (started === undefined)
        return {
          kind: "wait",
          until: now + durationMs(step.duration),
          vars: { [`since:${run.pc}`]: now },
        };
      return now >= started + durationMs(step.duration)
        ? { kind: "next" }
        : { kind: "wait", until: started + durationMs(step.duration) };
    }
    case "createTask":
    case "createActivity": {
      const ownerId = (await resolveAssignee(deps, step.assignee ?? "owner", subject)) ?? undefined;
      if (ownerId === undefined)
        return { kind: "fail", retryable: false, message: "nobody to give the task to" };
      const id = keyedId("auto", key);
      const variables = templateVariables(run, subject);
      const title = renderTemplate({ subject: step.title, text: "-" }, variables).subject;
      const notes =
        step.kind === "createTask" && step.notes !== undefined
          ? renderTemplate({ subject: "-", text: step.notes }, variables).text
          : undefined;
      try {
        await deps.tasks.createFor(
          {
            id,
            title,
            actionType: step.kind === "createTask" ? (step.actionType ?? "task") : step.type,
            ...(notes === undefined ? {} : { notes }),
            assigneeId: ownerId,
            ...(contact === null ? {} : { contactId: contact.id }),
            ...(subject.deal === null ? {} : { dealId: subject.deal.id }),
            ...(typeof subject.deal?.accountId === "string"
              ? { accountId: subject.deal.accountId }
              : typeof contact?.accountId === "string"
                ? { accountId: contact.accountId }
                : {}),
            dueAt: toIsoInstant(now + durationMs(step.dueIn ?? { amount: 1, unit: "days" })),
          },
          { automationId: run.automationId, runId: run.id },
        );
      } catch (error) {
        // Written by an earlier attempt whose bookkeeping did not happen: done already.
        if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
      }
      return { kind: "next", detail: `task ${id}` };
    }
    case "sendEmail": {
      if (contact === null) return needContact();
      if (typeof contact.email !== "string")
        return { kind: "fail", retryable: false, message: "the contact has no e-mail address" };
      // Marketing e-mail needs the contact's consent not to be withdrawn.
      if (contact.consent?.email?.granted === false)
        return { kind: "next", detail: "not sent: the contact withdrew e-mail consent" };
      if (email === undefined)
        return { kind: "fail", retryable: true, message: "no EmailSender was given to runDue" };
      const rendered = renderTemplate(step.template, templateVariables(run, subject));
      if ((step.strict ?? true) && rendered.missing.length > 0)
        return {
          kind: "fail",
          retryable: false,
          message: `the template has no value for ${rendered.missing.join(", ")}`,
        };
      if (rendered.refused.length > 0)
        return {
          kind: "fail",
          retryable: false,
          message: `the template's links refused the value of ${rendered.refused.join(", ")} (not an http(s) or mailto URL)`,
        };
      const name = singleLine([contact.firstName, contact.lastName].filter(Boolean).join(" "));
      const result = await email.send({
        to: contact.email,
        ...(name === "" ? {} : { toName: name }),
        ...(typeof subject.owner?.email === "string" ? { replyTo: subject.owner.email } : {}),
        subject: rendered.subject,
        text: rendered.text,
        ...(rendered.html === undefined ? {} : { html: rendered.html }),
        idempotencyKey: key,
        tags: { automation: run.automationId, run: run.id },
      });
      if (result.ok) return { kind: "next", detail: `sent ${result.messageId ?? ""}`.trim() };
      return {
        kind: "fail",
        retryable: result.retryable,
        message: result.message,
        ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
      };
    }
    case "assign": {
      if (contact === null) return needContact();
      const userId = await resolveAssignee(deps, step.to, subject);
      if (userId === undefined)
        return { kind: "fail", retryable: true, message: "no active member in the pool" };
      if (contact.ownerId !== userId) await deps.contacts.update(contact.id, { ownerId: userId });
      if (subject.deal !== null && subject.deal.ownerId !== userId)
        await deps.deals.assign(subject.deal.id, { kind: "user", userId });
      return { kind: "next", detail: `owner ${userId}` };
    }
    case "setStatus": {
      if (contact === null) return needContact();
      if (contact.status !== step.status)
        await deps.contacts.update(contact.id, { status: step.status });
      return { kind: "next" };
    }
    case "addTags":
    case "removeTags": {
      if (contact === null) return needContact();
      const current = new Set(contact.tags ?? []);
      for (const tag of step.tags) {
        if (step.kind === "addTags") current.add(tag);
        else current.delete(tag);
      }
      const tags = [...current].sort();
      if (tags.join("\u0000") !== [...(contact.tags ?? [])].sort().join("\u0000"))
        await deps.contacts.update(contact.id, { tags });
      return { kind: "next" };
    }
    case "subscribe":
    case "unsubscribe": {
      if (contact === null) return needContact();
      if (typeof contact.email !== "string")
        return { kind: "fail", retryable: false, message: "the contact has no e-mail address" };
      const status = step.kind === "subscribe" ? "subscribed" : "unsubscribed";
      const request = membershipRequest(contact, step.listId, status);
      if (request === null)
        return { kind: "next", detail: "not subscribed: the contact withdrew e-mail consent" };
      const entry = {
        ...outboxEntry(deps.environment, request, { contactId: contact.id }, at, `${at}|${key}`),
        id: keyedId("auto", key),
      };
      try {
        await deps.storage.write([outboxTable.put(entry, 0)]);
      } catch (error) {
        if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
      }
      return { kind: "next", detail: `outbox ${entry.id}` };
    }
    case "notify": {
      const userId = await resolveAssignee(deps, step.to ?? "owner", subject);
      if (userId === undefined) return { kind: "next", detail: "nobody to notify" };
      const message = renderTemplate(
        { subject: step.message, text: "-" },
        templateVariables(run, subject),
      ).subject;
      deps.events.emit("automation.notified", { userId, message, runId: run.id, at });
      return { kind: "next", detail: `notified ${userId}` };
    }
    case "proposeSlots":
      return proposeSlots(deps, step, subject);
    case "waitUntil":
      throw new Error("waitUntil is run by the engine");
  }
}

async function proposeSlots(
  deps: StepDeps,
  step: Extract<Extract<Instruction, { op: "step" }>["step"], { kind: "proposeSlots" }>,
  subject: Subject,
): Promise<StepOutcome> {
  const owner = subject.owner;
  if (owner === null) return { kind: "fail", retryable: false, message: "the run has no owner" };
  const activity = subject.activity;
  const length =
    step.durationMinutes ??
    (activity?.startAt !== undefined && activity.endAt !== undefined
      ? Math.round((Date.parse(activity.endAt) - Date.parse(activity.startAt)) / 60_000)
      : 30);
  const from = deps.environment.now() + (step.noticeHours ?? 24) * units.hours;
  const candidates = await deps.activities.freeSlots({
    userIds: [owner.id],
    durationMinutes: length,
    stepMinutes: 30,
    from,
    to: from + (step.withinDays ?? 10) * units.days,
    limit: 2_000,
  });
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: owner.timezone, dateStyle: "short" });
  const label = new Intl.DateTimeFormat("en-GB", {
    timeZone: owner.timezone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
  const chosen: { start: string; end: string; label: string }[] = [];
  const days = new Set<string>();
  for (const slot of candidates) {
    if (chosen.length >= (step.count ?? 3)) break;
    const date = day.format(new Date(slot.start));
    if ((step.onePerDay ?? true) && days.has(date)) continue;
    if (chosen.some((c) => c.start < slot.end && slot.start < c.end)) continue;
    days.add(date);
    chosen.push({ start: slot.start, end: slot.end, label: label.format(new Date(slot.start)) });
  }
  if (chosen.length === 0)
    return { kind: "fail", retryable: true, message: "no free slot in the owner's agenda" };
  return {
    kind: "next",
    detail: chosen.map((c) => c.start).join(" "),
    vars: { slots: chosen },
  };
}

/** Reads what a run is about. @internal */
export async function loadSubject(deps: StepDeps, run: AutomationRun): Promise<Subject> {
  const [contact, deal, activity] = await Promise.all([
    run.contactId === undefined ? null : tables.contacts.get(deps.storage, run.contactId),
    run.dealId === undefined ? null : deps.deals.get(run.dealId),
    run.activityId === undefined ? null : deps.activities.get(run.activityId),
  ]);
  const ownerId = activity?.ownerId ?? deal?.ownerId ?? contact?.ownerId;
  const owner = ownerId === undefined ? null : await tables.users.get(deps.storage, ownerId);
  return { contact, deal, activity, owner };
}
