// crmkit never turns a string into code: a page with a strict Content-Security-Policy (no
// 'unsafe-eval') must see no violation, not even a caught probe. The global Function constructor is
// watched before the core is loaded (this file imports it only after), then the core validates and
// writes records, parses hits and runs a report.
import { expect, it } from "vitest";

it("never builds a function from a string, so a strict CSP has nothing to report", async () => {
  const built: string[] = [];
  const original = globalThis.Function;
  globalThis.Function = new Proxy(original, {
    construct(target, args) {
      built.push(String(args[args.length - 1]));
      return Reflect.construct(target, args);
    },
    apply(target, self, args) {
      built.push(String(args[args.length - 1]));
      return Reflect.apply(target, self, args);
    },
  });
  try {
    const core = await import("./index.js");
    const { openMemoryStorage } = await import("../../storage-memory/src/index.js");
    const crm = await core.createCrm({
      storage: await openMemoryStorage({ schema: core.crmStorageSchema }),
      environment: core.createTestEnvironment(),
    });
    await crm.users.create({ id: "anna", name: "Anna", role: "inside" });
    const contact = await crm.contacts.create({ firstName: "Ada", email: "ada@example.com" });
    await crm.contacts.update(contact.id, { lastName: "Lovelace" });
    await expect(crm.contacts.create({ email: "not an e-mail" } as never)).rejects.toThrow();
    await crm.pipelines.create({
      id: "sales",
      name: "Sales",
      stages: [
        { id: "lead", name: "Lead", probability: 10 },
        { id: "won", name: "Won", kind: "won" },
        { id: "lost", name: "Lost", kind: "lost" },
      ],
    });
    const deal = await crm.deals.create({ title: "Pilot", pipelineId: "sales", ownerId: "anna" });
    await crm.deals.win(deal.id);
    await crm.reports.funnel({
      pipelineId: "sales",
      range: { from: 0, to: Date.parse("2100-01-01T00:00:00Z") },
    });
  } finally {
    globalThis.Function = original;
  }
  expect(built).toEqual([]);
});
