// Test support: a small sales story for the reports, shared by core's tests and the adapters'.
import type { Crm } from "../crm.js";
import type { StorageAdapter } from "../storage/index.js";
import { memoryCrm } from "./crm-fixture.js";

/** lead → qualified → proposal → won | lost, with four deals living through May 2026. */
export async function salesStory(
  crm: Crm,
  env: { set(at: string): void },
): Promise<Record<string, string>> {
  await crm.teams.create({ id: "north", name: "North" });
  await crm.users.create({ id: "anna", name: "Anna", role: "inside", teamId: "north" });
  await crm.users.create({ id: "marc", name: "Marc", role: "inside", teamId: "north" });
  await crm.pipelines.create({
    id: "sales",
    name: "Sales",
    stages: [
      { id: "lead", name: "Lead", probability: 10 },
      { id: "qualified", name: "Qualified", probability: 30, rottingDays: 10 },
      { id: "proposal", name: "Proposal", probability: 60 },
      { id: "won", name: "Won", kind: "won" },
      { id: "lost", name: "Lost", kind: "lost" },
    ],
  });
  const ids: Record<string, string> = {};
  env.set("2026-05-01T09:00:00Z");
  for (const [name, ownerId, value, source] of [
    ["lostAfterQualified", "anna", 100_000, "web"],
    ["won", "anna", 300_000, "referral"],
    ["lostAtLead", "marc", 50_000, "web"],
    ["open", "marc", 200_000, "web"],
  ] as const) {
    ids[name] = (
      await crm.deals.create({
        title: name,
        pipelineId: "sales",
        ownerId,
        value,
        source,
        expectedCloseDate: "2026-06-15",
      })
    ).id;
  }
  env.set("2026-05-04T09:00:00Z");
  await crm.deals.move(ids.lostAfterQualified!, "qualified");
  await crm.deals.move(ids.won!, "qualified");
  await crm.deals.move(ids.open!, "qualified");
  env.set("2026-05-08T09:00:00Z");
  await crm.deals.lose(ids.lostAfterQualified!, "price");
  await crm.deals.move(ids.won!, "proposal");
  await crm.deals.lose(ids.lostAtLead!, "no budget");
  env.set("2026-05-20T09:00:00Z");
  await crm.deals.win(ids.won!);
  return ids;
}

/** The same workspace on another adapter gives the same reports. */
export async function reportsOn(storage: StorageAdapter) {
  const { crm, env } = await memoryCrm({ storage });
  await salesStory(crm, env);
  const range = { from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z" };
  return {
    funnel: await crm.reports.funnel({ pipelineId: "sales", range, dimension: "rep" }),
    performance: await crm.reports.performance({ range, dimension: "source" }),
    pipeline: await crm.reports.pipeline({
      at: Date.parse("2026-05-25T00:00:00Z"),
      dimension: "team",
    }),
    bookings: await crm.reports.bookings({ range, dimension: "rep" }),
  };
}
