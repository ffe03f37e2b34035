// Retention over a year of generated traffic: exactly what the policy says is removed, by any
// number of sweepers, a bounded number at a time; scores and their explanations stay.
import { describe, expect, it } from "vitest";
import { collections } from "../records/index.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { rejection } from "../testing/rejection.js";

const day = 86_400_000;

describe("retention", () => {
  it("removes the hits past the policy, a bounded number at a time, and scores stay as they were", async () => {
    const fixture = await memoryCrm({ timezone: "Europe/Paris" });
    const { crm, env, storage } = fixture;
    const now = env.now();
    await crm.scoring.setModel({
      groups: [{ id: "global" }],
      rules: [
        { id: "pricing", points: 10, when: { type: "page", url: "/pricing" } },
        { id: "any", points: 1, when: { type: "page", url: "*" } },
      ],
    });
    // A year of visits: 24 contacts, one every 3 to 5 days each.
    const contacts: string[] = [];
    let expired = 0;
    for (let c = 0; c < 24; c++) {
      const contact = await crm.contacts.create({ email: `visitor${c}@example.com` });
      contacts.push(contact.id);
      const hits = [];
      for (
        let at = now - 365 * day + c * 3_600_000, n = 0;
        at < now;
        at += (3 + (n % 3)) * day, n++
      ) {
        hits.push({
          id: `${c}-${n}`,
          siteId: "web",
          type: "pageview" as const,
          url: n % 4 === 0 ? "https://example.com/pricing" : "https://example.com/blog",
          contactId: contact.id,
          at,
        });
        if (at < now - 90 * day) expired++;
      }
      await crm.scoring.ingest(hits);
    }
    const total = await storage.count({ collection: collections.hits });
    const scores = await Promise.all(contacts.map((id) => crm.scoring.score(id)));
    const explained = await crm.scoring.explain(contacts[0]!);

    await crm.privacy.setRetention({ hits: { days: 90 } });
    // Two processes sweep at once, 400 records a call, until nothing is left to do.
    let removed = 0;
    for (let round = 0; round < 100; round++) {
      const [a, b] = await Promise.all([
        crm.privacy.sweep({ maxRecords: 400 }),
        crm.privacy.sweep({ maxRecords: 400 }),
      ]);
      removed += (a.removed.hits ?? 0) + (b.removed.hits ?? 0);
      if (!a.more && !b.more) break;
    }
    expect(removed).toBe(expired);
    expect(await storage.count({ collection: collections.hits })).toBe(total - expired);
    for await (const batch of storage.scan({ collection: collections.hits }))
      for (const hit of batch)
        expect(String(hit.at) >= new Date(now - 90 * day).toISOString()).toBe(true);
    // Scores come from the ledger: unchanged; explanations keep every contribution, without
    // the URL of the hits that are gone.
    expect(await Promise.all(contacts.map((id) => crm.scoring.score(id)))).toEqual(scores);
    const after = await crm.scoring.explain(contacts[0]!);
    expect(after[0]!.score).toBe(explained[0]!.score);
    expect(after[0]!.contributions.map((c) => [c.ruleId, c.points])).toEqual(
      explained[0]!.contributions.map((c) => [c.ruleId, c.points]),
    );
    expect(after[0]!.contributions.some((c) => c.hit === undefined)).toBe(true);
  }, 60_000);

  it("removes finished runs and delivered outbox entries past their age, and refuses a bad policy", async () => {
    const { crm, env } = await memoryCrm({ timezone: "Europe/Paris" });
    const ada = await crm.contacts.create({ email: "ada@example.com" });
    await crm.automations.create({
      id: "note",
      name: "Note",
      trigger: { type: "activity.done" },
      steps: [{ kind: "notify", message: "done" }],
    });
    await crm.activities.create({ type: "call", contactId: ada.id, status: "done" });
    await crm.automations.runDue();
    env.advance(40 * day);
    await crm.activities.create({ type: "call", contactId: ada.id, status: "done" });
    await crm.automations.runDue();
    await crm.privacy.setRetention({ finishedRuns: { days: 30 } });
    expect(await crm.privacy.sweep()).toMatchObject({
      removed: { automation_runs: 1 },
      more: false,
    });
    expect((await crm.automations.runs({ automationId: "note" })).length).toBe(1);
    expect(await rejection(crm.privacy.setRetention({ hits: { days: 0 } }))).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { path: ["hits", "days"] },
    });
  });
});
