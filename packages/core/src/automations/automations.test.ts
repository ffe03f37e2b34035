import { describe, expect, it } from "vitest";
import { createMemoryEmailSender } from "../email/memory-sender.js";
import type { EmailMessage, EmailSender } from "../email/port.js";
import { CrmkitError } from "../errors.js";
import { collections } from "../records/schema.js";
import type { StorageAdapter, WriteOperation } from "../storage/types.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { addNewBusinessPipeline } from "../testing/pipeline-fixture.js";
import { rejection } from "../testing/rejection.js";
import {
  missedAppointmentRecovery,
  nurtureSequence,
  proposedSlots,
  recoveryReport,
} from "./recovery.js";

const hour = 3_600_000;

/** One e-mail after every activity done. */
const newsAutomation = {
  id: "news",
  name: "News",
  trigger: { type: "activity.done" },
  steps: [{ kind: "sendEmail", template: { subject: "News", text: "Hello" } }],
} as const;
const day = 24 * hour;

/** A store that reads from `base` and writes through `write`. */
function withWrite(
  base: StorageAdapter,
  write: (operations: readonly WriteOperation[]) => ReturnType<StorageAdapter["write"]>,
): StorageAdapter {
  return {
    ...base,
    name: base.name,
    schema: base.schema,
    capabilities: base.capabilities,
    get: (...args) => base.get(...args),
    getMany: (...args) => base.getMany(...args),
    query: (...args) => base.query(...args),
    count: (...args) => base.count(...args),
    scan: (...args) => base.scan(...args),
    clear: (...args) => base.clear(...args),
    close: () => base.close(),
    write,
  };
}

// The fixture's clock: Friday 2026-05-15 10:00 UTC (12:00 in Paris).
async function workspace(options: { storage?: StorageAdapter } = {}) {
  const fixture = await memoryCrm({ timezone: "Europe/Paris", ...options });
  const { crm } = fixture;
  await crm.teams.create({ id: "inside", name: "Inside sales" });
  for (const id of ["anna", "ben"])
    await crm.users.create({
      id,
      name: id === "anna" ? "Anna Roux" : "Ben Morel",
      email: `${id}@crmkit.dev`,
      role: "inside",
      teamId: "inside",
      timezone: "Europe/Paris",
      workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
    });
  const ada = await crm.contacts.create({
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    ownerId: "anna",
  });
  return { ...fixture, ada, email: createMemoryEmailSender() };
}

/** A demo with Anna for a contact at an instant: the appointment the recovery tests miss. */
function bookDemo(
  crm: Awaited<ReturnType<typeof workspace>>["crm"],
  contactId: string,
  startAt: string,
) {
  return crm.activities.create({ type: "demo", ownerId: "anna", contactId, startAt });
}

describe("defining automations", () => {
  it("names the bad field, in nested branches too", async () => {
    const { crm } = await workspace();
    const bad = await rejection(
      crm.automations.create({
        id: "bad",
        name: "Bad",
        trigger: { type: "activity.done" },
        steps: [
          {
            kind: "branch",
            if: { contact: { op: "exists", field: "email" } },
            steps: [{ kind: "createActivity", type: "juggle", title: "x" }],
          },
        ],
      }),
    );
    expect([bad.code, bad.details.path]).toEqual([
      "VALIDATION_FAILED",
      ["steps", 0, "steps", 0, "type"],
    ]);
    const shape = await rejection(
      crm.automations.create({
        id: "bad",
        name: "Bad",
        trigger: { type: "activity.done" },
        steps: [{ kind: "wait", duration: { amount: 2, unit: "weeks" } }],
      } as never),
    );
    expect(shape.details.path).toEqual(["steps", 0, "duration", "unit"]);
  });
});

describe("runs", () => {
  it("after each appointment done, creates a follow-up task once per appointment", async () => {
    const { crm, ada, env } = await workspace();
    await crm.automations.create({
      id: "product-sheet",
      name: "Send the product sheet",
      trigger: { type: "activity.done", activityTypes: ["meeting", "demo"] },
      steps: [
        {
          kind: "createTask",
          title: "Send the product sheet to {{ contact.firstName }}",
          dueIn: { amount: 4, unit: "hours" },
        },
      ],
    });
    const meeting = await crm.activities.create({
      type: "meeting",
      ownerId: "anna",
      contactId: ada.id,
      startAt: "2026-05-15T08:00:00Z",
    });
    const call = await crm.activities.create({ type: "call", ownerId: "anna", contactId: ada.id });
    await crm.activities.complete(meeting.id);
    await crm.activities.complete(call.id);
    expect(await crm.automations.runDue()).toMatchObject({ runs: 1, steps: 1, ended: 1 });
    expect(await crm.automations.runDue()).toMatchObject({ runs: 0 });
    const tasks = await crm.tasks.list({ contactId: ada.id });
    const [run] = await crm.automations.runs({ automationId: "product-sheet" });
    expect(tasks).toMatchObject([
      {
        source: "automation",
        automationId: "product-sheet",
        runId: run!.id,
        title: "Send the product sheet to Ada",
        actionType: "task",
        assigneeId: "anna",
        contactId: ada.id,
        status: "open",
        dueAt: new Date(env.now() + 4 * hour).toISOString(),
      },
    ]);
    // In Anna's to-do list for the day, like a stage task.
    expect((await crm.tasks.todo("anna")).due.map((t) => t.id)).toEqual([tasks[0]!.id]);
    expect(run).toMatchObject({ status: "done", activityId: meeting.id, contactId: ada.id });
    expect(run!.history.map((h) => [h.kind, h.outcome])).toEqual([["createTask", "done"]]);
  });

  it("branches, waits until a condition or its timeout, tags, notifies, and stops when told", async () => {
    const { crm, ada, env } = await workspace();
    await crm.tags.categories.create({ id: "interest", name: "Interest", cardinality: "multi" });
    for (const id of ["webinar", "warm"])
      await crm.tags.create({ id, categoryId: "interest", name: id });
    const notes: string[] = [];
    crm.events.on("automation.notified", (event) =>
      notes.push(`${event.userId}: ${event.message}`),
    );
    await crm.automations.create({
      id: "webinar",
      name: "Webinar follow-up",
      trigger: { type: "tag.added", tagId: "webinar" },
      stopWhen: { contact: { op: "eq", field: "status", value: "customer" } },
      steps: [
        {
          kind: "branch",
          if: { contact: { op: "exists", field: "phone" } },
          steps: [{ kind: "createActivity", type: "call", title: "Call {{ contact.firstName }}" }],
          otherwise: [{ kind: "notify", message: "{{ contact.firstName }} has no phone number" }],
        },
        {
          kind: "waitUntil",
          condition: { contact: { op: "exists", field: "phone" } },
          timeout: { amount: 2, unit: "days" },
        },
        { kind: "addTags", tags: ["warm"] },
        { kind: "wait", duration: { amount: 5, unit: "days" } },
        { kind: "removeTags", tags: ["webinar"] },
      ],
    });
    await crm.contacts.update(ada.id, { tags: ["webinar"] });
    await crm.automations.runDue();
    expect(notes).toEqual(["anna: Ada has no phone number"]);
    const [waiting] = await crm.automations.runs({ automationId: "webinar" });
    expect(waiting).toMatchObject({ status: "waiting", pc: 4 }); // the program: test, call, jump, notify, waitUntil…
    // The phone arrives within the two days: the wait ends at the next check.
    env.advance(3 * hour);
    await crm.contacts.update(ada.id, { phone: "+33 6 12 34 56 78" });
    env.advance(hour);
    await crm.automations.runDue();
    expect((await crm.contacts.get(ada.id))!.tags).toEqual(["warm", "webinar"]);
    // Becoming a customer during the five-day wait stops the run before its last step.
    await crm.contacts.update(ada.id, { status: "customer" });
    env.advance(6 * day);
    await crm.automations.runDue();
    const [ended] = await crm.automations.runs({ automationId: "webinar" });
    expect(ended).toMatchObject({ status: "stopped", reason: "stopWhen" });
    expect((await crm.contacts.get(ada.id))!.tags).toEqual(["warm", "webinar"]);
  });

  it("congratulates the owner when a deal passes the meeting stage, and subscribes on a threshold", async () => {
    const { crm, ada } = await workspace();
    await addNewBusinessPipeline(crm);
    const notes: string[] = [];
    crm.events.on("automation.notified", (event) =>
      notes.push(`${event.userId}: ${event.message}`),
    );
    await crm.automations.create({
      id: "well-done",
      name: "Well done",
      trigger: { type: "deal.stageEntered", stageId: "proposal" },
      steps: [
        { kind: "notify", message: "Well done moving {{ deal.title }} past the meeting stage!" },
      ],
    });
    const deal = await crm.deals.create({
      title: "Acme rollout",
      pipelineId: "new-business",
      contactId: ada.id,
      ownerId: "anna",
      value: 1_200_000,
    });
    await crm.deals.move(deal.id, "proposal");
    await crm.automations.runDue();
    expect(notes).toEqual(["anna: Well done moving Acme rollout past the meeting stage!"]);

    await crm.automations.create({
      id: "qualified-list",
      name: "Qualified leads list",
      trigger: { type: "score.thresholdCrossed" },
      steps: [{ kind: "subscribe", listId: "qualified" }],
    });
    const run = await crm.automations.start("qualified-list", { contactId: ada.id }, "manual-1");
    expect(
      await crm.automations.start("qualified-list", { contactId: ada.id }, "manual-1"),
    ).toEqual(run);
    await crm.automations.runDue();
    const entries = (await crm.outbox.list()).filter((e) => e.request.listId === "qualified");
    expect(entries.map((e) => [e.request.email, e.request.status])).toEqual([
      ["ada@example.com", "subscribed"],
    ]);
  });

  it("starts date-relative runs once: 30 days before renewal", async () => {
    const { crm, ada, env } = await workspace();
    await crm.customFields.create({
      id: "renewal",
      target: "contact",
      label: "Renewal",
      type: "date",
    });
    await crm.contacts.update(ada.id, { custom: { renewal: "2026-06-20" } });
    await crm.automations.create({
      id: "renewal",
      name: "Renewal in 30 days",
      trigger: { type: "date", field: "custom.renewal", offsetDays: -30 },
      steps: [
        {
          kind: "createActivity",
          type: "call",
          title: "Renewal call with {{ contact.firstName }}",
        },
      ],
    });
    await crm.automations.runDue(); // 15 May: not yet
    expect(await crm.automations.runs({ automationId: "renewal" })).toEqual([]);
    env.set("2026-05-21T06:00:00Z"); // 21 May = 20 June − 30 days
    await crm.automations.runDue();
    env.advance(day);
    await crm.automations.runDue();
    const runs = await crm.automations.runs({ automationId: "renewal" });
    expect(runs.map((r) => r.status)).toEqual(["done"]);
  });
});

describe("durable execution", () => {
  it("neither repeats nor loses an e-mail when the worker dies between sending and bookkeeping", async () => {
    const { crm, ada, env, email } = await workspace();
    await crm.tags.categories.create({ id: "c", name: "C", cardinality: "multi" });
    await crm.tags.create({ id: "new", categoryId: "c", name: "new" });
    await crm.automations.create({
      id: "welcome",
      name: "Welcome",
      trigger: { type: "tag.added", tagId: "new" },
      steps: [
        {
          kind: "sendEmail",
          template: { subject: "Welcome {{ contact.firstName }}", text: "Hello!" },
        },
        { kind: "createActivity", type: "call", title: "Call {{ contact.firstName }}" },
      ],
    });
    await crm.contacts.update(ada.id, { tags: ["new"] });
    // The e-mail goes out, then the process "dies" before recording it.
    let die = true;
    const dying: EmailSender = {
      name: "dying",
      async send(message: EmailMessage) {
        const result = await email.send(message);
        if (die) throw new Error("killed");
        return result;
      },
    };
    expect(await crm.automations.runDue({ email: dying })).toMatchObject({ interrupted: 1 });
    expect(email.sent).toHaveLength(1);
    die = false;
    // Before the lease ends nobody takes it; after, it runs again under the same key.
    expect(await crm.automations.runDue({ email: dying })).toMatchObject({ runs: 0 });
    env.advance(6 * 60_000);
    expect(await crm.automations.runDue({ email: dying })).toMatchObject({ runs: 1, ended: 1 });
    expect(email.sent.map((m) => m.subject)).toEqual(["Welcome Ada"]);
    // `createActivity`, the step's earlier name, makes a task too.
    expect(
      (await crm.tasks.list({ contactId: ada.id })).map((t) => [t.title, t.actionType]),
    ).toEqual([["Call Ada", "call"]]);
  });

  it("neither repeats nor loses a created task when the bookkeeping write fails", async () => {
    // A store whose next write of a run's progress fails once, after the step's effect.
    const base = (await memoryCrm()).storage;
    let failNextRunWrite = false;
    let armed = true;
    const flaky = withWrite(base, async (operations) => {
      const progress = operations.some(
        (op) =>
          op.type === "put" &&
          op.collection === collections.automationRuns &&
          (op.record as { pc?: number }).pc === 1,
      );
      if (failNextRunWrite && progress) {
        failNextRunWrite = false;
        throw new CrmkitError("STORAGE_FAILURE", "disk full (simulated)");
      }
      if (
        armed &&
        operations.some(
          (op) =>
            op.type === "put" &&
            op.collection === collections.tasks &&
            (op.record as { id: string }).id.startsWith("auto-"),
        )
      ) {
        armed = false;
        failNextRunWrite = true;
      }
      return base.write(operations);
    });
    const { crm, ada, env } = await workspace({ storage: flaky });
    await crm.automations.create({
      id: "call-back",
      name: "Call back",
      trigger: { type: "activity.missed" },
      steps: [{ kind: "createActivity", type: "call", title: "Call back {{ contact.firstName }}" }],
    });
    const demo = await bookDemo(crm, ada.id, "2026-05-15T12:00:00Z");
    await crm.activities.markMissed(demo.id);
    expect(await crm.automations.runDue()).toMatchObject({ interrupted: 1 });
    env.advance(6 * 60_000);
    expect(await crm.automations.runDue()).toMatchObject({ ended: 1 });
    const calls = await crm.tasks.list({ contactId: ada.id });
    expect(calls.map((t) => t.title)).toEqual(["Call back Ada"]);
  });

  it("records a hundred runs' endings in one write, and loses none when that write fails", async () => {
    // Counts the writes of run records, and fails the first batch of endings once.
    const base = (await memoryCrm()).storage;
    let runWrites = 0;
    let failEndings = true;
    const counting = withWrite(base, async (operations) => {
      const runs = operations.filter((op) => op.collection === collections.automationRuns);
      if (runs.length > 0) runWrites++;
      const endings = runs.filter(
        (op) => op.type === "put" && (op.record as { status?: string }).status === "done",
      );
      if (failEndings && endings.length > 1) {
        failEndings = false;
        throw new CrmkitError("STORAGE_FAILURE", "disk full (simulated)");
      }
      return base.write(operations);
    });
    const { crm, env, email } = await workspace({ storage: counting });
    await crm.automations.create(newsAutomation);
    const people = [];
    for (let i = 0; i < 250; i++)
      people.push(
        await crm.contacts.create({
          firstName: `P${i}`,
          email: `p${i}@example.com`,
          ownerId: "anna",
        }),
      );
    for (const [i, person] of people.entries())
      await crm.automations.start("news", { contactId: person.id }, `news-${i}`);
    runWrites = 0;
    // 250 runs: three claims and three endings — the first hundred's endings fail to be written,
    // so those hundred did not end: their leases decide.
    expect(await crm.automations.runDue({ email })).toMatchObject({
      runs: 250,
      ended: 150,
      interrupted: 100,
    });
    expect(runWrites).toBe(6);
    expect(email.sent).toHaveLength(250);
    // Their leases run out: the hundred run again, and the sender keeps one e-mail per key.
    env.advance(6 * 60_000);
    expect(await crm.automations.runDue({ email })).toMatchObject({ runs: 100, ended: 100 });
    expect(new Set(email.sent.map((m) => m.to)).size).toBe(250);
    expect(email.sent).toHaveLength(250);
    expect(await crm.automations.runs({ automationId: "news", status: "done" })).toHaveLength(250);
  });

  it("retries failures with backoff, ends in a dead letter with the reason, and can be retried", async () => {
    const { crm, ada, env, email } = await workspace();
    await crm.automations.create(newsAutomation);
    const call = await crm.activities.create({
      type: "call",
      ownerId: "anna",
      contactId: ada.id,
      status: "done",
    });
    expect(call.status).toBe("done");
    email.failNext(100);
    const retried: number[] = [];
    for (let i = 0; i < 8; i++) {
      const report = await crm.automations.runDue({ email });
      retried.push(report.retried);
      env.advance(13 * hour);
    }
    const [run] = await crm.automations.runs({ automationId: "news" });
    expect(run).toMatchObject({ status: "failed", reason: "rehearsed failure", attempts: 5 });
    expect(run!.history.map((h) => h.outcome)).toEqual([
      "retry",
      "retry",
      "retry",
      "retry",
      "retry",
      "failed",
    ]);
    email.failNext(0);
    await crm.automations.retry(run!.id);
    await crm.automations.runDue({ email });
    expect(email.sent.map((m) => m.subject)).toEqual(["News"]);
    expect((await crm.automations.run(run!.id))!.status).toBe("done");
    // A contact without an address fails at once: retrying would not help.
    const noMail = await crm.contacts.create({ firstName: "Bob" });
    await crm.activities.create({
      type: "call",
      ownerId: "anna",
      contactId: noMail.id,
      status: "done",
    });
    await crm.automations.runDue({ email });
    expect((await crm.automations.runs({ contactId: noMail.id }))[0]).toMatchObject({
      status: "failed",
      reason: "the contact has no e-mail address",
    });
  });

  it("runs each step once when two workers call runDue at the same time", async () => {
    const { crm, ada, email } = await workspace();
    await crm.automations.create(newsAutomation);
    for (let i = 0; i < 5; i++)
      await crm.activities.create({
        type: "call",
        ownerId: "anna",
        contactId: ada.id,
        status: "done",
      });
    const reports = await Promise.all([
      crm.automations.runDue({ email }),
      crm.automations.runDue({ email }),
    ]);
    expect(reports[0]!.runs + reports[1]!.runs).toBe(5);
    expect(email.sent).toHaveLength(5);
  });

  it("still takes the other runs when another worker claimed one between its read and its claim", async () => {
    const base = (await memoryCrm()).storage;
    let raced = false;
    // Another worker's claim lands just before this worker's batch of claims.
    const racing = withWrite(base, async (operations) => {
      const claims = operations.flatMap((op) =>
        op.type === "put" && op.collection === collections.automationRuns ? [op.record] : [],
      );
      if (!raced && claims.length > 1) {
        raced = true;
        const taken = await base.get(collections.automationRuns, claims[1]!.id as string);
        await base.write([
          {
            type: "put",
            collection: collections.automationRuns,
            record: { ...taken!, due: "2026-05-15T10:05:00.000Z" },
            expectedRevision: taken!.revision,
          },
        ]);
      }
      return base.write(operations);
    });
    const { crm, ada, email } = await workspace({ storage: racing });
    await crm.automations.create(newsAutomation);
    for (let i = 0; i < 4; i++)
      await crm.activities.create({
        type: "call",
        ownerId: "anna",
        contactId: ada.id,
        status: "done",
      });
    const report = await crm.automations.runDue({ email });
    expect(raced).toBe(true);
    expect(report.runs).toBe(3);
    expect(email.sent).toHaveLength(3);
  });
});

describe("missed-appointment recovery", () => {
  it("proposes three slots, reminds with fresh ones, then hands over; a rebooking stops it", async () => {
    const { crm, ada, env, email } = await workspace();
    await crm.automations.create(missedAppointmentRecovery());
    const grace = await crm.contacts.create({
      firstName: "Grace",
      lastName: "Hopper",
      email: "grace@example.com",
      ownerId: "anna",
    });
    // Monday 18 May: two demos; Anna's Tuesday morning is already taken.
    env.set("2026-05-18T07:00:00Z");
    const adaDemo = await bookDemo(crm, ada.id, "2026-05-18T08:00:00Z");
    const graceDemo = await bookDemo(crm, grace.id, "2026-05-18T10:00:00Z");
    await crm.activities.create({
      type: "visit",
      ownerId: "anna",
      startAt: "2026-05-19T07:00:00Z",
      endAt: "2026-05-19T12:00:00Z",
    });
    env.set("2026-05-18T12:00:00Z");
    await crm.activities.markMissed(adaDemo.id);
    await crm.activities.markMissed(graceDemo.id);
    await crm.automations.runDue({ email });

    const first = email.sent.filter((m) => m.to === "ada@example.com");
    expect(first).toHaveLength(1);
    expect(first[0]!.subject).toBe("Shall we find another time, Ada?");
    expect(first[0]!.replyTo).toBe("anna@crmkit.dev");
    const [adaRun] = await crm.automations.runs({ contactId: ada.id });
    const slots = proposedSlots(adaRun!);
    expect(slots).toHaveLength(3);
    // Labels carry the year: an e-mail read in late December may offer January.
    for (const slot of slots) expect(slot.label).toMatch(/ 2026 at \d{2}:\d{2} /);
    expect(first[0]!.text).toContain(slots[0]!.label);
    const agenda = await crm.activities.agenda("anna", {
      from: "2026-05-18T00:00:00Z",
      to: "2026-06-01T00:00:00Z",
    });
    const days = new Set<string>();
    for (const slot of slots) {
      const start = Date.parse(slot.start);
      expect(start).toBeGreaterThanOrEqual(env.now() + 24 * hour); // a day's notice
      expect(Date.parse(slot.end) - start).toBe(60 * 60_000); // the demo's length
      const local = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Paris",
        hour: "2-digit",
        minute: "2-digit",
        weekday: "short",
      }).format(start);
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) (09|1[0-5]):[03]0$/); // working hours, a weekday
      days.add(slot.start.slice(0, 10));
      for (const entry of agenda.filter((e) => e.activity.status === "planned"))
        expect(
          start < Date.parse(entry.activity.endAt!) &&
            Date.parse(slot.end) > Date.parse(entry.activity.startAt!),
        ).toBe(false);
      expect(first[0]!.text).toContain(slot.label);
    }
    expect(days.size).toBe(3); // one a day

    // Grace rebooks the next day; Ada does not.
    env.advance(day);
    await bookDemo(crm, grace.id, "2026-05-22T08:00:00Z");
    env.advance(2 * day + hour);
    await crm.automations.runDue({ email });
    expect(email.sent.map((m) => m.subject)).toEqual([
      "Shall we find another time, Ada?",
      "Shall we find another time, Grace?",
      "New times for our appointment, Ada",
    ]);
    env.advance(3 * day + hour);
    await crm.automations.runDue({ email });
    const [call] = await crm.tasks.list({ contactId: ada.id });
    expect(call).toMatchObject({
      assigneeId: "anna",
      actionType: "call",
      title: "Call Ada Lovelace: missed appointment not rebooked",
      notes: "Ada missed the demo and did not rebook after two e-mails with proposed times.",
    });
    // Doing it logs the call: what stage goals and automations see.
    const done = await crm.tasks.complete(call!.id, { outcome: "Rebooked for Friday" });
    expect(await crm.activities.get(done.activityId!)).toMatchObject({
      type: "call",
      status: "done",
      ownerId: "anna",
      contactId: ada.id,
      outcome: "Rebooked for Friday",
    });
    expect(await recoveryReport(crm.automations)).toEqual({
      missed: 2,
      rebooked: 1,
      handedOver: 1,
      running: 0,
      stopped: 0,
      failed: 0,
      rebookedShare: 0.5,
      handedOverShare: 0.5,
    });
  });

  it("is not stopped by a meeting logged after the miss for an earlier time", async () => {
    const { crm, ada, env, email } = await workspace();
    await crm.automations.create(missedAppointmentRecovery());
    env.set("2026-05-18T12:00:00Z");
    const demo = await bookDemo(crm, ada.id, "2026-05-18T10:00:00Z");
    await crm.activities.markMissed(demo.id);
    // The morning's meeting with Ada, held before the missed demo, logged at the same instant.
    await crm.activities.create({
      type: "meeting",
      status: "done",
      ownerId: "anna",
      contactId: ada.id,
      startAt: "2026-05-18T07:00:00Z",
    });
    await crm.automations.runDue({ email });
    expect(email.sent.map((m) => m.subject)).toEqual(["Shall we find another time, Ada?"]);
    expect((await recoveryReport(crm.automations)).running).toBe(1);
  });
});

describe("nurture sequences", () => {
  it("e-mail contacts below the threshold, and let go of those who qualify or unsubscribe", async () => {
    const { crm, env, email } = await workspace();
    await crm.scoring.setModel({
      groups: [{ id: "global" }],
      rules: [
        { id: "pricing", points: 20, when: { type: "page", url: "/pricing" }, repeat: "always" },
      ],
      thresholds: [{ group: "global", qualifyAt: 50, handoff: false }],
    });
    await crm.automations.create(
      nurtureSequence({
        id: "nurture",
        emails: [
          {
            after: { amount: 1, unit: "days" },
            template: { subject: "Welcome, {{ contact.firstName }}", text: "…" },
          },
          {
            after: { amount: 7, unit: "days" },
            template: { subject: "A case study for {{ contact.firstName }}", text: "…" },
          },
        ],
      }),
    );
    let hit = 0;
    const visit = async (name: string) => {
      await crm.scoring.ingest([
        {
          id: `h${++hit}`,
          siteId: "web",
          visitorId: name,
          type: "pageview",
          url: "https://example.com/pricing",
          at: env.now(),
        },
      ]);
    };
    const people: Record<string, string> = {};
    for (const name of ["Nia", "Omar", "Pia"]) {
      const contact = await crm.contacts.create({
        firstName: name,
        email: `${name.toLowerCase()}@example.com`,
      });
      people[name] = contact.id;
      await crm.scoring.identify({ siteId: "web", visitorId: name, contactId: contact.id });
      await visit(name); // 20 points: in nurture
    }
    await crm.automations.runDue({ email });
    expect(email.sent).toEqual([]);
    env.advance(24 * 3_600_000);
    await crm.automations.runDue({ email });
    expect(email.sent.map((m) => m.subject).sort()).toEqual([
      "Welcome, Nia",
      "Welcome, Omar",
      "Welcome, Pia",
    ]);
    // Omar qualifies (60 points); Pia unsubscribes.
    await visit("Omar");
    await visit("Omar");
    expect(await crm.automations.stopFor(people.Pia!, { automationId: "nurture" })).toBe(1);
    env.advance(7 * 24 * 3_600_000);
    await crm.automations.runDue({ email });
    expect(email.sent.slice(3).map((m) => m.subject)).toEqual(["A case study for Nia"]);
    const reasons = Object.fromEntries(
      (await crm.automations.runs({ automationId: "nurture" })).map((run) => [
        run.contactId,
        [run.status, run.reason],
      ]),
    );
    expect(reasons).toEqual({
      [people.Nia!]: ["done", undefined],
      [people.Omar!]: ["stopped", "stopWhen"],
      [people.Pia!]: ["stopped", "unsubscribed"],
    });
  });
});

describe("the timer helper", () => {
  it("runs due steps on its own until stopped, and a disabled automation starts no run", async () => {
    const { crm, ada, email } = await workspace();
    await crm.automations.create(newsAutomation);
    const stop = crm.automations.startTimer({ email, intervalMs: 10 });
    await crm.activities.create({
      type: "call",
      ownerId: "anna",
      contactId: ada.id,
      status: "done",
    });
    await expect.poll(() => email.sent.length).toBe(1);
    stop();
    await crm.automations.update("news", { enabled: false });
    await crm.activities.create({
      type: "call",
      ownerId: "anna",
      contactId: ada.id,
      status: "done",
    });
    await crm.automations.runDue({ email });
    expect(await crm.automations.runs({ automationId: "news" })).toHaveLength(1);
  });
});

describe("durable starts", () => {
  it("starts the run of an event whose process stopped right after the write, exactly once", async () => {
    const { crm, storage, env } = await workspace();
    await crm.automations.create({
      id: "after-miss",
      name: "After a miss",
      trigger: { type: "activity.missed" },
      steps: [{ kind: "createActivity", type: "call", title: "Call back" }],
    });
    const booked = await crm.activities.create({
      type: "call",
      title: "Discovery call",
      ownerId: "anna",
      startAt: "2026-05-18T08:00:00Z",
    });
    // A second workspace on the same store whose events never reach its listeners: the process
    // that stops between the write and the start.
    const { createCrm } = await import("../crm.js");
    const { createEventBus } = await import("../events/event-bus.js");
    const deaf = createEventBus();
    const dying = await createCrm({
      storage,
      environment: env,
      timezone: "Europe/Paris",
      events: { ...deaf, emit: () => {} } as never,
    });
    await dying.activities.markMissed(booked.id);
    expect(await crm.automations.runs({ automationId: "after-miss" })).toEqual([]);
    expect(await storage.count({ collection: collections.eventJournal })).toBe(1);
    // Any process's runDue finds the journal record and starts the run; twice starts it once.
    await crm.automations.runDue();
    await crm.automations.runDue();
    const runs = await crm.automations.runs({ automationId: "after-miss" });
    expect(runs.map((run) => [run.activityId, run.status])).toEqual([[booked.id, "done"]]);
    expect(await storage.count({ collection: collections.eventJournal })).toBe(0);
  });

  it("resumes a recovery whose rebooking was cancelled by a process that stopped right after", async () => {
    const { crm, storage, env, ada, email } = await workspace();
    await crm.automations.create(missedAppointmentRecovery());
    env.set("2026-05-18T07:00:00Z");
    const demo = await bookDemo(crm, ada.id, "2026-05-18T08:00:00Z");
    env.set("2026-05-18T09:00:00Z");
    await crm.activities.markMissed(demo.id);
    await crm.automations.runDue({ email });
    const rebooking = await bookDemo(crm, ada.id, "2026-05-20T08:00:00Z");
    await crm.automations.settle();
    const [run] = await crm.automations.runs({ contactId: ada.id });
    expect(run).toMatchObject({ status: "stopped", reason: "stopWhen" });
    expect(run!.history.at(-1)!.detail).toBe("rebooked: demo on 2026-05-20T08:00:00.000Z");
    const { createCrm } = await import("../crm.js");
    const { createEventBus } = await import("../events/event-bus.js");
    const dying = await createCrm({
      storage,
      environment: env,
      timezone: "Europe/Paris",
      events: { ...createEventBus(), emit: () => {} } as never,
    });
    env.advance(hour);
    await dying.activities.cancel(rebooking.id);
    expect(await crm.automations.run(run!.id)).toMatchObject({ status: "stopped" });
    await crm.automations.runDue({ email });
    const resumed = await crm.automations.run(run!.id);
    // Back to its wait: the reminder still goes three days after the first e-mail.
    expect(resumed).toMatchObject({ status: "waiting", dueAt: "2026-05-21T09:00:00.000Z" });
    expect(resumed!.history.map((e) => e.outcome)).toContain("resumed");
    expect(resumed!.vars).not.toHaveProperty("rebookedBy");
    expect(await storage.count({ collection: collections.eventJournal })).toBe(0);
  });

  it("leaves no journal behind when the process lives: the event consumed it", async () => {
    const { crm, storage } = await workspace();
    const booked = await crm.activities.create({
      type: "call",
      title: "Discovery call",
      ownerId: "anna",
      startAt: "2026-05-18T08:00:00Z",
    });
    await crm.activities.markMissed(booked.id);
    await crm.automations.settle();
    expect(await storage.count({ collection: collections.eventJournal })).toBe(0);
  });
});
