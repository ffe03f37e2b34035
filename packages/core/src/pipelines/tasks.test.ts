// One to-do list per rep: stage tasks, automation tasks and tasks made by hand are one model, in
// one list by day (overdue first), and doing one logs the activity goals and automations see.
import { describe, expect, it } from "vitest";
import { CrmkitError } from "../errors.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { addNewBusinessPipeline } from "../testing/pipeline-fixture.js";
import { rejection } from "../testing/rejection.js";

const hour = 3_600_000;

// The fixture's clock: Friday 2026-05-15 10:00 UTC, 12:00 in Paris.
async function workspace() {
  const fixture = await memoryCrm({ timezone: "Europe/Paris" });
  const { crm } = fixture;
  await addNewBusinessPipeline(crm);
  await crm.teams.create({ id: "inside", name: "Inside sales" });
  for (const [id, name, timezone] of [
    ["anna", "Anna Roux", "Europe/Paris"],
    ["gwen", "Gwen Hall", "America/New_York"],
  ] as const)
    await crm.users.create({ id, name, role: "inside", teamId: "inside", timezone });
  const ada = await crm.contacts.create({
    firstName: "Ada",
    lastName: "Lovelace",
    ownerId: "anna",
  });
  return { ...fixture, ada };
}

describe("tasks", () => {
  it("make one list per rep and day: overdue first, then due, then done, whoever made them", async () => {
    const { crm, env, ada } = await workspace();
    const deal = await crm.deals.create({ title: "Acme", contactId: ada.id, ownerId: "anna" });
    const stage = await crm.tasks.list({ dealId: deal.id });
    expect(stage.map((t) => [t.title, t.source, t.contactId])).toEqual([
      ["Research the account", "stage", ada.id],
      ["Call the lead", "stage", ada.id],
    ]);
    const late = await crm.tasks.create({
      title: "Send the revised quote",
      actionType: "email",
      assigneeId: "anna",
      contactId: ada.id,
      dueAt: new Date(env.now() - 30 * hour).toISOString(), // Thursday
    });
    const team = await crm.tasks.create({
      title: "Sort the trade-fair badges",
      assigneeTeamId: "inside",
      dueAt: "2026-05-15T15:00:00Z",
    });
    const today = await crm.tasks.todo("anna");
    expect(today.day).toBe("2026-05-15");
    expect(today.overdue.map((t) => t.id)).toEqual([late.id]);
    // Due today: the research (14:00 UTC) and the team's task nobody took; the call is Saturday's.
    expect(today.due.map((t) => t.title)).toEqual([
      "Research the account",
      "Sort the trade-fair badges",
    ]);
    expect(today.done).toEqual([]);
    await crm.tasks.complete(late.id);
    expect((await crm.tasks.todo("anna")).done.map((t) => t.id)).toEqual([late.id]);
    // Gwen's Friday in New York ends at 04:00 UTC on Saturday: the team task is hers too.
    expect((await crm.tasks.todo("gwen")).due.map((t) => t.id)).toEqual([team.id]);
    // Saturday: the research and the team task are overdue, the call is due.
    const saturday = await crm.tasks.todo("anna", { at: env.now() + 24 * hour });
    expect(saturday.overdue.map((t) => t.title)).toEqual([
      "Research the account",
      "Sort the trade-fair badges",
    ]);
    expect(saturday.due.map((t) => t.title)).toEqual(["Call the lead"]);
  });

  it("log the activity they asked for when done, which moves the deal on", async () => {
    const { crm, ada } = await workspace();
    const deal = await crm.deals.create({
      title: "Acme",
      contactId: ada.id,
      ownerId: "anna",
      value: 1_200_000,
      stageId: "qualified",
    });
    const [meet] = await crm.tasks.list({ dealId: deal.id });
    expect(meet).toMatchObject({ title: "Book a meeting", actionType: "meeting" });
    // The stage's goal is a meeting held: doing the task logs it.
    const done = await crm.tasks.complete(meet!.id, { outcome: "Met the buyer" });
    expect(done).toMatchObject({ status: "done", outcome: "Met the buyer" });
    expect(await crm.activities.get(done.activityId!)).toMatchObject({
      type: "meeting",
      status: "done",
      dealId: deal.id,
      contactId: ada.id,
      ownerId: "anna",
    });
    expect((await crm.deals.require(deal.id)).stageId).toBe("proposal");
    expect(await rejection(crm.tasks.complete(meet!.id))).toMatchObject({
      code: "INVALID_TRANSITION",
    });
  });

  it("log the activity once when completing again after the log failed", async () => {
    const { crm, storage, ada } = await workspace();
    const task = await crm.tasks.create({
      title: "Call Ada",
      actionType: "call",
      assigneeId: "anna",
      contactId: ada.id,
      dueAt: "2026-05-15T15:00:00Z",
    });
    const write = storage.write.bind(storage);
    let fail = true;
    storage.write = async (operations) => {
      if (
        fail &&
        operations.some((op) => op.type === "put" && op.record.id === `task-${task.id}`)
      ) {
        fail = false;
        throw new CrmkitError("STORAGE_FAILURE", "the disk is full (simulated)");
      }
      return write(operations);
    };
    expect(await rejection(crm.tasks.complete(task.id))).toMatchObject({ code: "STORAGE_FAILURE" });
    expect(await crm.activities.forContact(ada.id)).toEqual([]);
    await crm.tasks.complete(task.id); // logs the call
    expect(await rejection(crm.tasks.complete(task.id))).toMatchObject({
      code: "INVALID_TRANSITION",
    });
    expect((await crm.activities.forContact(ada.id)).map((a) => [a.type, a.status])).toEqual([
      ["call", "done"],
    ]);
  });

  it("refuse a task for nobody or about an unknown record, and outlive their deal's close", async () => {
    const { crm, env, ada } = await workspace();
    const due = new Date(env.now() + hour).toISOString();
    expect(await rejection(crm.tasks.create({ title: "x", dueAt: due }))).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { path: ["assigneeId"] },
    });
    expect(
      await rejection(
        crm.tasks.create({ title: "x", assigneeId: "anna", dealId: "nope", dueAt: due }),
      ),
    ).toMatchObject({ code: "VALIDATION_FAILED", details: { path: ["dealId"] } });
    const deal = await crm.deals.create({ title: "Acme", contactId: ada.id, ownerId: "anna" });
    const thanks = await crm.tasks.create({
      title: "Send a thank-you card",
      assigneeId: "anna",
      dealId: deal.id,
      dueAt: due,
    });
    await crm.deals.lose(deal.id, "budget");
    const after = await crm.tasks.list({ dealId: deal.id });
    // The stage's tasks went with the deal; the one made by hand is still to do.
    expect(after.map((t) => [t.title, t.status])).toEqual([
      ["Send a thank-you card", "open"],
      ["Research the account", "cancelled"],
      ["Call the lead", "cancelled"],
    ]);
    expect(thanks.source).toBe("manual");
    // Process adoption reads the stage's tasks only: a task made by hand is not the process's.
    const data = await crm.reports.data();
    expect(data.tasks.get(deal.id)?.map((t) => t.status)).toEqual(["cancelled", "cancelled"]);
  });
});
