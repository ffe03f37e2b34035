import { describe, expect, it } from "vitest";
import { CrmkitError } from "../errors.js";
import { q } from "../query/builder.js";
import { collections } from "../records/schema.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { addNewBusinessPipeline, addReps } from "../testing/pipeline-fixture.js";
import { taskDueAt } from "./task-model.js";

async function workspace() {
  const fixture = await memoryCrm({ timezone: "Europe/Paris" });
  const [owner] = await addReps(fixture.crm, 1);
  await addNewBusinessPipeline(fixture.crm);
  const events: string[] = [];
  fixture.crm.events.onAny((type) => events.push(type));
  return { ...fixture, owner: owner!, events };
}

describe("stage goals", () => {
  it("advance a deal by itself, skip its open tasks and say why in the history", async () => {
    const { crm, env, owner } = await workspace();
    const contact = await crm.contacts.create({ firstName: "Ada", email: "ada@example.com" });
    const deal = await crm.deals.create({ title: "ACME", contactId: contact.id, ownerId: owner });
    expect(deal.stageId).toBe("lead");
    const tasks = await crm.tasks.list({ dealId: deal.id });
    expect(tasks.map((t) => [t.templateId, t.status, t.assigneeId])).toEqual([
      ["research", "open", owner],
      ["call", "open", owner],
    ]);

    env.advance(3_600_000);
    await crm.deals.update(deal.id, { value: 500_000 });
    expect((await crm.deals.require(deal.id)).stageId).toBe("lead"); // phone still missing
    await crm.contacts.update(contact.id, { phone: "+33 1 23 45 67 89" });

    const moved = await crm.deals.require(deal.id);
    expect(moved.stageId).toBe("qualified");
    const after = await crm.tasks.list({ dealId: deal.id });
    expect(after.filter((t) => t.stageId === "lead").map((t) => t.status)).toEqual([
      "skipped",
      "skipped",
    ]);
    expect(after.filter((t) => t.stageId === "qualified").map((t) => t.status)).toEqual(["open"]);
    const history = await crm.deals.history(deal.id);
    expect(history.map((s) => [s.stageId, s.enteredCause, s.leftCause ?? null])).toEqual([
      ["lead", "created", "goalMet"],
      ["qualified", "goalMet", null],
    ]);
    expect(history[0]!.leftAt).toBe(history[1]!.enteredAt);
  });

  it("lists exactly the unmet parts of the goal in words", async () => {
    const { crm, owner } = await workspace();
    const contact = await crm.contacts.create({ email: "bo@example.com" });
    const deal = await crm.deals.create({ title: "Bo", contactId: contact.id, ownerId: owner });
    const status = await crm.deals.whatIsMissing(deal.id);
    expect(status).toMatchObject({ stageId: "lead", hasGoal: true, met: false, blockedBy: [] });
    expect(status.missing.map((part) => [part.text, part.actual, part.path])).toEqual([
      ["Deal value is filled", "missing", ["of", 0]],
      ["Contact's phone is filled", "missing", ["of", 2]],
    ]);
    await crm.deals.update(deal.id, { value: 10_000 });
    expect((await crm.deals.whatIsMissing(deal.id)).missing.map((p) => p.text)).toEqual([
      "Contact's phone is filled",
    ]);
    // Each part names its field and operator, for a UI to match it to the input that fills it.
    const [phone] = (await crm.deals.whatIsMissing(deal.id)).missing;
    expect(phone).toMatchObject({ field: "contact.phone" });
    expect(typeof phone!.op).toBe("string");
  });

  it("repeats while the next goal already holds, and counts activities since stage entry", async () => {
    const { crm, env, owner, events } = await workspace();
    const contact = await crm.contacts.create({ email: "cy@example.com", phone: "+33 6" });
    const deal = await crm.deals.create({
      title: "Cy",
      contactId: contact.id,
      ownerId: owner,
      value: 90_000,
    });
    expect(deal.stageId).toBe("qualified"); // the lead goal held at creation
    const missing = await crm.deals.whatIsMissing(deal.id);
    expect(missing.missing).toEqual([
      {
        path: [],
        op: "activities",
        text: "At least 1 done meeting since entering the stage",
        actual: "0 so far",
      },
    ]);
    env.advance(60_000);
    await crm.activities.create({ type: "call", dealId: deal.id, status: "done" });
    expect((await crm.deals.require(deal.id)).stageId).toBe("qualified");
    const meeting = await crm.activities.create({ type: "meeting", dealId: deal.id });
    await crm.activities.complete(meeting.id, { outcome: "Budget confirmed" });
    expect((await crm.deals.require(deal.id)).stageId).toBe("proposal");
    expect(events.filter((e) => e === "deal.stageChanged")).toHaveLength(3);
    expect(events).toContain("task.skipped");
  });

  it("does not advance into a stage whose entry requirements are unmet, and says so", async () => {
    const { crm, owner } = await workspace();
    await crm.pipelines.update("new-business", {
      name: "New business",
      stages: (await crm.pipelines.require("new-business")).stages.map((stage) =>
        stage.id === "qualified"
          ? { ...stage, entryRequirements: ["value", "expectedCloseDate"] }
          : stage,
      ),
    });
    const contact = await crm.contacts.create({ email: "di@example.com", phone: "+33 7" });
    const deal = await crm.deals.create({
      title: "Di",
      contactId: contact.id,
      ownerId: owner,
      value: 1,
    });
    expect(deal.stageId).toBe("lead");
    const status = await crm.deals.whatIsMissing(deal.id);
    expect(status.met).toBe(true);
    expect(status.blockedBy).toEqual([
      { field: "expectedCloseDate", label: "Expected close date" },
    ]);
  });
});

describe("manual moves", () => {
  it("go forward and back, refuse unmet entry requirements with the missing fields", async () => {
    const { crm, owner } = await workspace();
    const deal = await crm.deals.create({ title: "Ed", ownerId: owner });
    const refused = await crm.deals.move(deal.id, "qualified", { by: owner });
    expect(refused).toEqual({
      ok: false,
      stageId: "qualified",
      missing: [{ field: "value", label: "Deal value" }],
    });
    expect((await crm.deals.require(deal.id)).revision).toBe(deal.revision);

    expect((await crm.deals.move(deal.id, "proposal", { by: owner })).ok).toBe(true);
    const back = await crm.deals.move(deal.id, "lead", { by: owner });
    expect(back.ok && back.deal.stageId).toBe("lead");
    const history = await crm.deals.history(deal.id);
    expect(history.map((s) => [s.stageId, s.enteredCause, s.enteredBy ?? null])).toEqual([
      ["lead", "created", null],
      ["proposal", "manual", owner],
      ["lead", "manual", owner],
    ]);
    // Manual moves leave the old stage's tasks open (only a met goal skips them).
    const open = await crm.tasks.list({ dealId: deal.id, status: "open" });
    expect(open.map((t) => t.templateId).sort()).toEqual(["call", "call", "research", "research"]);
  });

  it("needs a reason to lose, and closing cancels the open tasks", async () => {
    const { crm, owner } = await workspace();
    const deal = await crm.deals.create({ title: "Fi", ownerId: owner });
    expect(await crm.deals.move(deal.id, "lost")).toEqual({
      ok: false,
      stageId: "lost",
      missing: [{ field: "lostReason", label: "Lost reason" }],
    });
    const lost = await crm.deals.lose(deal.id, "Went with a competitor");
    expect(lost.ok && [lost.deal.state, lost.deal.lostReason]).toEqual([
      "lost",
      "Went with a competitor",
    ]);
    const tasks = await crm.tasks.list({ dealId: deal.id });
    expect(tasks.map((t) => t.status)).toEqual(["cancelled", "cancelled"]);
    const reopened = await crm.deals.move(deal.id, "lead");
    expect(reopened.ok && [reopened.deal.state, reopened.deal.lostReason]).toEqual([
      "open",
      undefined,
    ]);
    // Lost, then won straight from the lost stage: the deal no longer carries the old reason.
    await crm.deals.lose(deal.id, "No budget");
    const won = await crm.deals.win(deal.id);
    expect(won.ok && [won.deal.state, won.deal.lostReason]).toEqual(["won", undefined]);
    expect((await crm.deals.get(deal.id))?.lostReason).toBeUndefined();
  });

  it("refuses a stage of another pipeline and a foreign currency, writing nothing", async () => {
    const { crm, storage, owner } = await workspace();
    await crm.pipelines.create({
      id: "renewals",
      name: "Renewals",
      currency: "USD",
      stages: [
        { id: "due", name: "Renewal due", probability: 80 },
        { id: "renewed", name: "Renewed", kind: "won" },
        { id: "churned", name: "Churned", kind: "lost" },
      ],
    });
    const deal = await crm.deals.create({ title: "Gu", ownerId: owner });
    const before = await storage.count({ collection: collections.dealStages });
    const moving = crm.deals.move(deal.id, "due");
    await expect(moving).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
    await expect(
      crm.deals.create({ title: "Ha", ownerId: owner, pipelineId: "renewals", currency: "EUR" }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED", details: { path: ["currency"] } });
    await expect(crm.deals.update(deal.id, { currency: "USD" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { path: ["currency"] },
    });
    await expect(crm.deals.create({ title: "Ix", value: 12.5 })).rejects.toMatchObject({
      details: { path: ["value"] },
    });
    expect(await storage.count({ collection: collections.deals })).toBe(1);
    expect(await storage.count({ collection: collections.dealStages })).toBe(before);
  });

  it("refuses a goal that is not valid for deals, with the path of the bad node", async () => {
    const { crm } = await workspace();
    const creating = crm.pipelines.create({
      name: "Bad",
      stages: [
        {
          id: "a",
          name: "A",
          probability: 5,
          goal: q.and(q.field("value").exists(), { op: "eq", field: "nope", value: 1 }),
        },
        { id: "w", name: "W", kind: "won" },
        { id: "l", name: "L", kind: "lost" },
      ],
    });
    const error = await creating.catch((e: unknown) => e);
    expect(CrmkitError.is(error, "VALIDATION_FAILED")).toBe(true);
    expect((error as CrmkitError).details.path).toEqual(["stages", 0, "goal", "of", 1, "field"]);
  });
});

describe("rotting", () => {
  it("counts idle days from stage entry or the last update, never from creation", async () => {
    const { crm, env, owner } = await workspace();
    const old = await crm.deals.create({ title: "Old", ownerId: owner });
    env.advance(30 * 86_400_000); // created 30 days ago, still in "lead" (no threshold)
    await crm.deals.move(old.id, "proposal");
    env.advance(10 * 86_400_000);
    expect(await crm.deals.rotten()).toEqual([]); // 10 days in proposal, threshold 14
    env.advance(5 * 86_400_000);
    const rotten = await crm.deals.rotten();
    expect(rotten.map((r) => [r.deal.id, r.idleDays, r.rottingDays])).toEqual([[old.id, 15, 14]]);
    await crm.deals.update(old.id, { title: "Old, touched" });
    expect(await crm.deals.rotten()).toEqual([]);
  });
});

describe("routing", () => {
  it("sends a new deal to the first pipeline whose rule matches, else the first pipeline", async () => {
    const { crm, owner } = await workspace();
    await crm.pipelines.create({
      id: "partners",
      name: "Partners",
      stages: [
        { id: "intro", name: "Intro", probability: 20 },
        { id: "signed", name: "Signed", kind: "won" },
        { id: "dropped", name: "Dropped", kind: "lost" },
      ],
    });
    await crm.pipelines.setRouting([
      { id: "partners", when: q.field("source").eq("partner"), pipelineId: "partners" },
    ]);
    const routed: unknown[] = [];
    crm.events.on("deal.created", (event) => routed.push(event.routing));
    const partner = await crm.deals.create({ title: "P", source: "partner", ownerId: owner });
    const direct = await crm.deals.create({ title: "D", source: "web", ownerId: owner });
    expect([partner.pipelineId, direct.pipelineId]).toEqual(["partners", "new-business"]);
    expect(routed).toEqual([
      { pipelineId: "partners", ruleId: "partners", skipped: [] },
      { pipelineId: "new-business", skipped: [] },
    ]);
    await expect(crm.pipelines.remove("partners")).rejects.toMatchObject({ code: "IN_USE" });
  });
});

describe("e-mail list hooks", () => {
  it("queue a subscribe on entry and an unsubscribe on exit, in order", async () => {
    const { crm, owner } = await workspace();
    const contact = await crm.contacts.create({ email: "Jo@Example.com", firstName: "Jo" });
    const deal = await crm.deals.create({ title: "Jo", contactId: contact.id, ownerId: owner });
    await crm.deals.move(deal.id, "proposal");
    const entries = await crm.outbox.list();
    expect(entries.map((e) => [e.request.listId, e.request.status, e.request.email])).toEqual([
      ["nurture", "subscribed", "jo@example.com"],
      ["nurture", "unsubscribed", "jo@example.com"],
    ]);
    expect(entries.every((e) => e.status === "pending" && e.dealId === deal.id)).toBe(true);
  });
});

describe("taskDueAt", () => {
  const friday = Date.parse("2026-05-15T16:00:00Z"); // 18:00 in Paris
  it("adds calendar days at the same wall-clock time, across a DST change", () => {
    const march = Date.parse("2026-03-28T08:00:00Z"); // Saturday 09:00 in Paris, before the change
    expect(
      new Date(taskDueAt(march, { amount: 1, unit: "days" }, "Europe/Paris")).toISOString(),
    ).toBe("2026-03-29T07:00:00.000Z");
  });
  it("skips weekends for days and hours", () => {
    const due = (amount: number, unit: "days" | "hours") =>
      new Date(
        taskDueAt(friday, { amount, unit, skipWeekends: true }, "Europe/Paris"),
      ).toISOString();
    expect(due(1, "days")).toBe("2026-05-18T16:00:00.000Z"); // Monday 18:00
    expect(due(0, "days")).toBe("2026-05-15T16:00:00.000Z");
    expect(due(8, "hours")).toBe("2026-05-18T00:00:00.000Z"); // 6 h Friday, 2 h Monday (02:00)
    // Friday 24:00 is Saturday: a task never falls due on a weekend, so Monday 00:00.
    expect(due(6, "hours")).toBe("2026-05-17T22:00:00.000Z");
    expect(
      new Date(taskDueAt(friday, { amount: 8, unit: "hours" }, "Europe/Paris")).toISOString(),
    ).toBe("2026-05-16T00:00:00.000Z");
  });
});
