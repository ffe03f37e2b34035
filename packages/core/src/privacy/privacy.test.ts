import { describe, expect, it } from "vitest";
import { createMemoryEmailSender } from "../email/memory-sender.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { addNewBusinessPipeline } from "../testing/pipeline-fixture.js";
import { checkErasure, checkExport, givePersonAHistory } from "../testing/privacy-scenario.js";
import { rejection } from "../testing/rejection.js";

describe("privacy on the memory store", () => {
  it("erases a person from every collection, keeps the company's figures, and is idempotent", async () => {
    const fixture = await memoryCrm({ timezone: "Europe/Paris" });
    const subject = await givePersonAHistory(fixture);
    await checkErasure(fixture, subject);
  });
});

describe("the record of consent", () => {
  it("keeps every consent event, and a withdrawn e-mail consent stops e-mail and subscriptions", async () => {
    const fixture = await memoryCrm({ timezone: "Europe/Paris" });
    const { crm } = fixture;
    await addNewBusinessPipeline(crm);
    const ada = await crm.contacts.create({ firstName: "Ada", email: "ada@example.com" });
    await crm.privacy.recordConsent(ada.id, {
      purpose: "email",
      granted: true,
      source: "signup form",
      textVersion: "privacy-2026-01",
      at: "2026-03-01T09:00:00Z",
    });
    await crm.privacy.recordConsent(ada.id, {
      purpose: "email",
      granted: false,
      source: "unsubscribe link",
      textVersion: "privacy-2026-01",
    });
    // A consent found later in the paper files, older than the withdrawal: history, not state.
    await crm.privacy.recordConsent(ada.id, {
      purpose: "email",
      granted: true,
      source: "trade fair form",
      textVersion: "privacy-2025-09",
      at: "2025-10-10T10:00:00Z",
    });
    expect((await crm.privacy.consents(ada.id)).map((c) => [c.source, c.granted])).toEqual([
      ["trade fair form", true],
      ["signup form", true],
      ["unsubscribe link", false],
    ]);
    expect((await crm.contacts.get(ada.id))?.consent?.email).toMatchObject({
      granted: false,
      source: "unsubscribe link",
    });
    // No marketing e-mail, no list subscription — a stage's hook or an automation's step.
    const email = createMemoryEmailSender();
    await crm.automations.create({
      id: "welcome",
      name: "Welcome",
      trigger: { type: "activity.done" },
      steps: [
        { kind: "sendEmail", template: { subject: "Welcome", text: "Hello" } },
        { kind: "subscribe", listId: "newsletter" },
      ],
    });
    await crm.activities.create({ type: "call", contactId: ada.id, status: "done" });
    await crm.deals.create({ title: "Acme", contactId: ada.id });
    await crm.automations.runDue({ email });
    expect(email.sent).toEqual([]);
    const [run] = await crm.automations.runs({ automationId: "welcome" });
    expect(run!.history.map((h) => h.detail)).toEqual([
      "not sent: the contact withdrew e-mail consent",
      "not subscribed: the contact withdrew e-mail consent",
    ]);
    expect(await crm.outbox.list()).toEqual([]);
    expect(
      await rejection(
        crm.privacy.recordConsent(ada.id, {
          purpose: "sms" as never,
          granted: true,
          source: "x",
          textVersion: "1",
        }),
      ),
    ).toMatchObject({ code: "VALIDATION_FAILED", details: { path: ["purpose"] } });
  });
});

describe("the export", () => {
  it("holds every record about the person, streamed as one JSON document", async () => {
    const fixture = await memoryCrm({ timezone: "Europe/Paris" });
    const subject = await givePersonAHistory(fixture);
    await checkExport(fixture, subject);
    let chunks = 0;
    for await (const _ of fixture.crm.privacy.exportJson(subject.contactId)) chunks++;
    expect(chunks).toBeGreaterThan(10);
    expect(await rejection(fixture.crm.privacy.export("nobody"))).toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("bad options", () => {
  it("name the bad option of a sweep, a to-do list or a queue drain", async () => {
    const { crm } = await memoryCrm();
    await crm.users.create({ id: "anna", name: "Anna", role: "inside" });
    for (const [call, path] of [
      [crm.privacy.sweep({ maxRecords: 0 }), "maxRecords"],
      [crm.privacy.sweep({ now: Number.NaN }), "now"],
      [crm.tasks.todo("anna", { at: Number.POSITIVE_INFINITY }), "at"],
      [crm.deals.drainQueue({ max: -1 }), "max"],
    ] as const)
      expect(await rejection(call)).toMatchObject({
        code: "VALIDATION_FAILED",
        details: { path: [path] },
      });
  });
});
