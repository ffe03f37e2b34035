// runDue over 100,000 due steps (one e-mail each) on the memory store, against the same storage
// work done bare: reading the due runs, claiming each and recording its step, with the same
// revision checks.
import { type Crm, createCrm, createTestEnvironment, crmStorageSchema } from "@crmkit/core";
import { createMemoryEmailSender } from "@crmkit/core/email";
import type { StorageAdapter } from "@crmkit/core/storage";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { type BenchResult, compareDurations, throughputResult } from "./harness.js";

const runs = 100_000;
const now = "2026-05-18T08:00:00.000Z";

async function workspace(): Promise<{ crm: Crm; storage: StorageAdapter }> {
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({
    storage,
    environment: createTestEnvironment({ now, seed: 5 }),
  });
  await crm.automations.create({
    id: "welcome",
    name: "Welcome",
    trigger: { type: "activity.done" },
    steps: [
      {
        kind: "sendEmail",
        template: {
          subject: "Welcome {{ contact.firstName }}",
          text: "Hello {{ contact.firstName }}!",
        },
      },
    ],
  });
  for (let i = 0; i < runs; i++) {
    const contact = await crm.contacts.create({
      firstName: `Contact${i}`,
      email: `contact${i}@example.com`,
    });
    await crm.automations.start("welcome", { contactId: contact.id }, `bench-${i}`);
  }
  return { crm, storage };
}

export async function automationBenchmarks(): Promise<BenchResult[]> {
  let current: { crm: Crm; storage: StorageAdapter } | undefined;
  let steps = 0;
  const measured = await compareDurations(
    2,
    async () => {
      const email = createMemoryEmailSender();
      for (;;) {
        const report = await current!.crm.automations.runDue({ email, maxRuns: 5_000 });
        steps += report.steps;
        if (report.runs === 0) break;
      }
    },
    async () => {
      const store = current!.storage;
      for (;;) {
        const page = await store.query({
          collection: "automation_runs",
          index: "due",
          where: { lte: now },
          limit: 5_000,
        });
        if (page.records.length === 0) break;
        for (const { revision, ...record } of page.records) {
          const [claimed] = await store.write([
            {
              type: "put",
              collection: "automation_runs",
              record: { ...record, due: "2026-05-18T08:05:00.000Z" },
              expectedRevision: revision,
            },
          ]);
          const { due: _due, ...done } = record;
          await store.write([
            {
              type: "put",
              collection: "automation_runs",
              record: { ...done, status: "done", pc: 1 },
              expectedRevision: claimed!.revision!,
            },
          ]);
        }
      }
    },
    async () => {
      current = await workspace();
    },
  );
  return throughputResult(
    "automations.run-due-100k-steps",
    "automations.bare-claim-and-record-100k",
    runs,
    measured,
    `${runs.toLocaleString("en-US")} due runs of a one-step automation (read the contact and owner, render a template, send through the in-memory EmailSender, record the step), taken 5,000 at a time (${steps / 2} steps per measured pass); baseline: the same due reads, claims and step records written bare; medians of 2 alternated passes`,
  );
}
