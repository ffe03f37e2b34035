// One scenario for every adapter's privacy tests: a person with a history in every collection —
// consents, anonymous and identified visits, scores, a won deal, stage tasks, a list subscription,
// a recovery run — exported, then erased; a second person is left untouched.
import { expect } from "vitest";
import type { ErasureReport } from "../privacy/index.js";
import { crmStorageSchema } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import type { Fixture } from "./crm-fixture.js";
import { addNewBusinessPipeline } from "./pipeline-fixture.js";

/** The person erased, and what identifies them in any record. */
export interface PrivacySubject {
  readonly contactId: string;
  readonly traces: readonly string[];
  readonly wonValue: number;
}

/** Everything a store holds, as JSON text per collection (to look for a person's traces). */
export async function storeText(storage: StorageAdapter): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const { name } of crmStorageSchema.collections) {
    let text = "";
    for await (const batch of storage.scan({ collection: name })) text += JSON.stringify(batch);
    out.set(name, text);
  }
  return out;
}

/** Gives Ada Lovelace a history in every collection crmkit keeps about people; Bob a little. */
export async function givePersonAHistory(fixture: Fixture): Promise<PrivacySubject> {
  const { crm, env } = fixture;
  await addNewBusinessPipeline(crm);
  await crm.teams.create({ id: "inside", name: "Inside sales" });
  await crm.users.create({
    id: "anna",
    name: "Anna Roux",
    role: "inside",
    teamId: "inside",
    timezone: "Europe/Paris",
  });
  await crm.scoring.setModel({
    groups: [{ id: "global" }],
    rules: [{ id: "any", points: 1, when: { type: "page", url: "*" } }],
  });
  const ada = await crm.contacts.create({
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada.lovelace@example.com",
    phone: "+44 20 7946 0000",
    ownerId: "anna",
  });
  const bob = await crm.contacts.create({ firstName: "Bob", email: "bob@example.com" });
  await crm.privacy.recordConsent(ada.id, {
    purpose: "email",
    granted: true,
    source: "signup form",
    textVersion: "privacy-2026-01",
  });
  // Visits before she identified (her browser's), after, and one accepted but not yet scored.
  const at = env.now();
  const page = (id: string, extra: object) => ({
    id,
    siteId: "web",
    type: "pageview" as const,
    url: "https://example.com/pricing?who=ada.lovelace@example.com",
    at: at - 3_600_000,
    ...extra,
  });
  await crm.scoring.ingest([
    page("a1", { visitorId: "browser-of-ada-7f3" }),
    page("a2", { visitorId: "browser-of-ada-7f3" }),
    page("b1", {
      visitorId: "browser-of-bob-91c",
      contactId: bob.id,
      url: "https://example.com/pricing",
    }),
  ]);
  await crm.scoring.identify({ siteId: "web", visitorId: "browser-of-ada-7f3", contactId: ada.id });
  await crm.scoring.ingest([page("a3", { contactId: ada.id }), page("a4", { contactId: ada.id })]);
  await crm.scoring.accept([page("a5", { visitorId: "browser-of-ada-7f3" })]);
  // A deal named after her, won; its stage tasks and the lead stage's list subscription.
  const deal = await crm.deals.create({
    title: "Lead ada.lovelace@example.com",
    contactId: ada.id,
    ownerId: "anna",
    value: 1_200_000,
  });
  await crm.deals.win(deal.id);
  // A follow-up run started by the meeting she attended.
  await crm.automations.create({
    id: "follow-up",
    name: "Follow-up",
    trigger: { type: "activity.done" },
    steps: [{ kind: "wait", duration: { amount: 2, unit: "days" } }],
  });
  await crm.activities.create({
    type: "meeting",
    title: "Demo with Ada Lovelace",
    ownerId: "anna",
    contactId: ada.id,
    status: "done",
    outcome: "Ada wants the API",
  });
  await crm.tasks.create({
    title: "Send Ada Lovelace the API docs",
    notes: "ada.lovelace@example.com asked twice",
    assigneeId: "anna",
    contactId: ada.id,
    dueAt: new Date(at + 86_400_000).toISOString(),
  });
  await crm.automations.settle();
  await crm.automations.runDue();
  return {
    contactId: ada.id,
    traces: [ada.id, "ada.lovelace@example.com", "Lovelace", "browser-of-ada-7f3", "+44 20 7946"],
    wonValue: 1_200_000,
  };
}

/** Won revenue, the figure an erasure must leave as it was. */
export async function wonRevenue(fixture: Fixture): Promise<number> {
  let total = 0;
  for (const deal of (await fixture.crm.deals.list({ state: "won" })).records)
    total += deal.value ?? 0;
  return total;
}

/**
 * Erases Ada and checks that no collection holds a trace of her, and that Bob and revenue stay.
 * With `resumed`, an earlier erasure was interrupted: this one finishes it.
 */
export async function checkErasure(
  fixture: Fixture,
  subject: PrivacySubject,
  options: { readonly resumed?: boolean } = {},
): Promise<void> {
  const { crm, storage } = fixture;
  const before = await storeText(storage);
  if (options.resumed !== true)
    for (const trace of subject.traces)
      expect([...before.values()].some((text) => text.includes(trace))).toBe(true);
  const revenue = await wonRevenue(fixture);
  if (options.resumed !== true) await checkExport(fixture, subject);
  const report = await crm.privacy.erase(subject.contactId);
  expect(report.found).toBe(true);
  if (options.resumed !== true) checkReport(report);
  expect(report.queued.length).toBeLessThanOrEqual(1);
  // The list provider deletes the address; the delivered entry forgets it.
  const calls: string[] = [];
  await crm.outbox.deliver({
    provider: {
      name: "test",
      setMembership: async (request) => {
        calls.push(`${request.status} ${request.listId}`);
        return { ok: true };
      },
    },
  });
  expect(calls).toEqual(["deleted nurture"]);
  const after = await storeText(storage);
  for (const [collection, text] of after)
    for (const trace of subject.traces)
      expect(text.includes(trace), `${collection} still holds "${trace}"`).toBe(false);
  // The company's figures stay: the won deal, unlinked.
  expect(await wonRevenue(fixture)).toBe(revenue);
  // Bob is untouched.
  expect(after.get("contacts")).toContain("bob@example.com");
  expect(after.get("hits")).toContain("browser-of-bob-91c");
  // Again: nothing left to do.
  const again = await crm.privacy.erase(subject.contactId);
  expect(again).toMatchObject({ found: false, collections: [], batches: 0 });
}

function checkReport(report: ErasureReport): void {
  expect(report.queued).toEqual(["list nurture: permanent deletion of the address"]);
  const did = Object.fromEntries(
    report.collections.map((c) => [c.collection, [c.removed, c.anonymised]]),
  );
  expect(did).toEqual({
    outbox: [2, 0], // subscribed on entering the lead stage, unsubscribed on leaving it
    automation_runs: [1, 0],
    hits: [5, 0],
    score_queue: [1, 0],
    score_entries: [4, 0],
    score_cards: [1, 0],
    visitors: [1, 0],
    activities: [0, 1],
    tasks: [0, 4], // two of the lead stage, one of qualified (the goal moved the deal), one by hand
    deals: [0, 1],
    consents: [1, 0],
    contacts: [1, 0],
  });
}

/** The export holds every record about the person, collection by collection. */
export async function checkExport(fixture: Fixture, subject: PrivacySubject): Promise<void> {
  const exported = await fixture.crm.privacy.export(subject.contactId);
  expect(exported.format).toBe("crmkit.personal-data/1");
  expect(exported.contact).toMatchObject({ lastName: "Lovelace" });
  const counts = Object.fromEntries(
    Object.entries(exported.records).map(([collection, records]) => [collection, records.length]),
  );
  expect(counts).toEqual({
    consents: 1,
    activities: 1,
    tasks: 4,
    deals: 1,
    visitors: 1,
    hits: 5,
    score_entries: 4,
    score_cards: 1,
    automation_runs: 1,
    outbox: 2,
  });
}
