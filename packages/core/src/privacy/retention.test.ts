// Retention over a year of generated traffic: exactly what the policy says is removed, by any
// number of sweepers, a bounded number at a time; scores and their explanations stay.
import { describe, expect, it } from "vitest";
import { memoryCrm } from "../testing/crm-fixture.js";
import { rejection } from "../testing/rejection.js";
import { checkRetention } from "../testing/retention-scenario.js";

const day = 86_400_000;

describe("retention", () => {
  it("removes the hits past the policy, a bounded number at a time, and scores stay as they were", async () => {
    await checkRetention(await memoryCrm({ timezone: "Europe/Paris" }));
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
