import { describe, expect, it } from "vitest";
import { CrmkitError } from "../errors.js";
import { q } from "../query/builder.js";
import type { SegmentMembershipEvent } from "../segments/index.js";
import { defineTaxonomy, memoryCrm } from "../testing/crm-fixture.js";

async function workspace() {
  const fixture = await memoryCrm();
  await defineTaxonomy(fixture.crm);
  return fixture;
}

describe("contacts", () => {
  it("validates writes against statuses, tags, custom fields and references, writing nothing on failure", async () => {
    const { crm, storage } = await workspace();
    const cases: [unknown, (string | number)[]][] = [
      [{ status: "vip" }, ["status"]],
      [{ tags: ["gold", "silver"] }, ["tags", 1]],
      [{ tags: ["platinum"] }, ["tags", 0]],
      [{ custom: { colour: "red" } }, ["custom", "colour"]],
      [{ custom: { employees: "ten" } }, ["custom", "employees"]],
      [{ custom: { renewal: "2026-13-01" } }, ["custom", "renewal"]],
      [{ custom: { plan: "gold" } }, ["custom", "plan"]],
      [{ email: "not-an-email" }, ["email"]],
      [{ country: "France" }, ["country"]],
      [{ nickname: "x" }, ["nickname"]],
      [{ ownerId: "ghost" }, ["ownerId"]],
      [{ accountId: "ghost" }, ["accountId"]],
    ];
    for (const [input, path] of cases) {
      const error = await crm.contacts.create(input as never).catch((e: unknown) => e);
      expect(CrmkitError.is(error, "VALIDATION_FAILED"), JSON.stringify(input)).toBe(true);
      expect((error as CrmkitError).details.path).toEqual(path);
    }
    expect(await storage.count({ collection: "contacts" })).toBe(0);
  });

  it("normalises e-mail and country, and refuses a second contact with the same e-mail", async () => {
    const { crm } = await workspace();
    const ada = await crm.contacts.create({ email: "  Ada@Example.COM ", country: "fr" });
    expect(ada).toMatchObject({
      email: "ada@example.com",
      country: "FR",
      status: "prospect",
      revision: 1,
    });
    const error = await crm.contacts.create({ email: "ADA@example.com" }).catch((e: unknown) => e);
    expect(CrmkitError.is(error, "UNIQUE_VIOLATION")).toBe(true);
    expect((error as CrmkitError).details.path).toEqual(["email"]);
    expect(await crm.contacts.findBy("email", "ada@example.com")).toMatchObject({ id: ada.id });
  });

  it("replaces a single-choice tag and keeps multi-choice ones", async () => {
    const { crm } = await workspace();
    const c = await crm.contacts.create({ tags: ["silver", "retail"] });
    const gold = await crm.contacts.addTags(c.id, ["gold", "software"]);
    expect(gold.tags).toEqual(["retail", "gold", "software"]);
    const removed = await crm.contacts.removeTags(c.id, ["retail"]);
    expect(removed.tags).toEqual(["gold", "software"]);
  });

  it("updates with a revision check, so a concurrent change is never lost", async () => {
    const { crm } = await workspace();
    const c = await crm.contacts.create({
      firstName: "Ada",
      custom: { employees: 3, plan: "pro" },
    });
    const updated = await crm.contacts.update(
      c.id,
      { firstName: null, custom: { plan: null, employees: 4 } },
      { expectedRevision: 1 },
    );
    expect(updated).toMatchObject({ revision: 2, custom: { employees: 4 } });
    expect("firstName" in updated).toBe(false);
    await expect(
      crm.contacts.update(c.id, { lastName: "L" }, { expectedRevision: 1 }),
    ).rejects.toMatchObject({ code: "REVISION_CONFLICT" });
    expect((await crm.contacts.get(c.id))?.revision).toBe(2);
  });

  it("enforces required custom fields on later writes", async () => {
    const { crm } = await workspace();
    await crm.customFields.create({
      id: "segment",
      target: "contact",
      label: "Segment",
      type: "string",
      required: true,
    });
    await expect(crm.contacts.create({ firstName: "A" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { path: ["custom", "segment"] },
    });
    await expect(
      crm.contacts.create({ firstName: "A", custom: { segment: "smb" } }),
    ).resolves.toMatchObject({ custom: { segment: "smb" } });
  });
});

describe("bulk import", () => {
  it("imports 100,000 rows, keeping every valid row and reporting each bad one", async () => {
    const { crm, storage } = await workspace();
    const rows: unknown[] = [];
    const bad = new Map<number, (string | number)[]>();
    for (let i = 0; i < 100_000; i++) {
      const row: Record<string, unknown> = {
        email: `c${i}@example.com`,
        country: i % 3 ? "FR" : "DE",
        tags: [i % 2 ? "gold" : "silver"],
        custom: { employees: i % 500 },
      };
      if (i % 997 === 0) {
        row.email = `broken-${i}`;
        bad.set(i, ["email"]);
      } else if (i % 1_009 === 0) {
        row.tags = ["gold", "bronze"];
        bad.set(i, ["tags", 1]);
      } else if (i % 1_013 === 0) {
        row.custom = { employees: "many" };
        bad.set(i, ["custom", "employees"]);
      }
      rows.push(row);
    }
    rows.push("not an object");
    bad.set(100_000, []);
    const report = await crm.contacts.import(rows, { upsertBy: "email" });
    expect(report.created).toBe(100_000 - (bad.size - 1));
    expect(report.failures.map((f) => [f.row, f.path])).toEqual(
      [...bad.entries()].sort((a, b) => a[0] - b[0]),
    );
    expect(await storage.count({ collection: "contacts" })).toBe(report.created);
    expect(report.ids.filter((id) => id === null)).toHaveLength(bad.size);

    const again = await crm.contacts.import(rows, { upsertBy: "email" });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: report.created });
  }, 120_000);

  it("upserts by e-mail or external id, merging rows of one file in order", async () => {
    const { crm } = await workspace();
    const existing = await crm.contacts.create({
      email: "a@x.com",
      tags: ["silver", "retail"],
      externalId: "ext-1",
    });
    const report = await crm.contacts.import(
      [
        { email: "a@x.com", tags: ["gold"], country: "FR" },
        { email: "b@x.com", firstName: "B" },
        { email: "b@x.com", lastName: "Bee" },
        { email: "c@x.com", externalId: "ext-1" },
      ],
      { upsertBy: "email" },
    );
    expect(report).toMatchObject({ created: 1, updated: 2, unchanged: 0 });
    expect(report.failures).toMatchObject([
      { row: 3, code: "UNIQUE_VIOLATION", path: ["externalId"] },
    ]);
    expect(await crm.contacts.get(existing.id)).toMatchObject({
      tags: ["retail", "gold"],
      country: "FR",
      revision: 2,
    });
    expect(await crm.contacts.findBy("email", "b@x.com")).toMatchObject({
      firstName: "B",
      lastName: "Bee",
    });
    const byExternal = await crm.contacts.import([{ externalId: "ext-1", firstName: "Ext" }], {
      upsertBy: "externalId",
    });
    expect(byExternal).toMatchObject({ updated: 1, ids: [existing.id] });
  });
});

describe("statuses, tags and custom fields", () => {
  it("refuses to remove a status in use with its count, and migrates atomically with a replacement", async () => {
    const { crm } = await workspace();
    await crm.contacts.create({ status: "hot-prospect" });
    await crm.contacts.create({ status: "hot-prospect" });
    await crm.accounts.create({ name: "Acme", status: "hot-prospect" });
    const segment = await crm.segments.create({
      name: "Hot",
      query: q.statusIn("hot-prospect", "customer"),
    });
    const error = await crm.statuses.remove("hot-prospect").catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "IN_USE",
      details: { count: 4, usedBy: { contacts: 2, accounts: 1, segments: 1 } },
    });
    await crm.statuses.remove("hot-prospect", { replaceWith: "prospect" });
    expect((await crm.segments.count({ query: q.statusIn("prospect") })).count).toBe(2);
    expect((await crm.segments.get(segment.id))?.query).toEqual(q.statusIn("prospect", "customer"));
    expect((await crm.statuses.list()).map((s) => s.id).sort()).toEqual([
      "competitor",
      "customer",
      "prospect",
      "supplier",
    ]);
  });

  it("renames tags without touching records and removes them by the same rule", async () => {
    const { crm } = await workspace();
    const c = await crm.contacts.create({ tags: ["silver"] });
    await crm.tags.update("silver", { name: "Argent" });
    expect((await crm.contacts.get(c.id))?.revision).toBe(1);
    await expect(crm.tags.remove("silver")).rejects.toMatchObject({
      code: "IN_USE",
      details: { count: 1 },
    });
    await crm.tags.remove("silver", { replaceWith: "gold" });
    expect((await crm.contacts.get(c.id))?.tags).toEqual(["gold"]);
    await expect(crm.tags.categories.remove("potential")).rejects.toMatchObject({ code: "IN_USE" });
    await crm.tags.categories.remove("potential", { replaceWith: "retail" });
    expect((await crm.contacts.get(c.id))?.tags).toEqual(["retail"]);
    expect(await crm.tags.list("potential")).toEqual([]);
  });

  it("drops a custom field's values only when asked", async () => {
    const { crm } = await workspace();
    const c = await crm.contacts.create({ custom: { employees: 5 } });
    await expect(crm.customFields.remove("employees")).rejects.toMatchObject({
      code: "IN_USE",
      details: { count: 1 },
    });
    await crm.customFields.remove("employees", { dropValues: true });
    expect((await crm.contacts.get(c.id))?.custom).toEqual({});
  });
});

describe("membership deltas", () => {
  it("emits entered and left after writes, including through the account", async () => {
    const { crm } = await workspace();
    const events: [string, SegmentMembershipEvent][] = [];
    crm.events.onAny((type, event) => {
      if (type.startsWith("segment.")) events.push([type, event as SegmentMembershipEvent]);
    });
    const gold = await crm.segments.create({
      id: "gold",
      name: "Gold",
      query: q.categoryIs("potential", "gold"),
    });
    const acmeGold = await crm.segments.create({
      id: "acme-gold",
      name: "Gold accounts' people",
      query: q.hasTag("gold", "account"),
    });
    const acme = await crm.accounts.create({ name: "Acme" });
    const c = await crm.contacts.create({ tags: ["silver"], accountId: acme.id });
    expect(events).toEqual([]);
    await crm.contacts.addTags(c.id, ["gold"]);
    await crm.accounts.addTags(acme.id, ["gold"]);
    await crm.contacts.addTags(c.id, ["bronze"]);
    await crm.contacts.update(c.id, { accountId: null });
    expect(events.map(([type, e]) => [type, e.segmentId, e.recordId, e.cause])).toEqual([
      ["segment.entered", gold.id, c.id, "write"],
      ["segment.entered", acmeGold.id, c.id, "write"],
      ["segment.left", gold.id, c.id, "write"],
      ["segment.left", acmeGold.id, c.id, "write"],
    ]);
  });

  it("sees a segment or a tag defined between two writes, and skips segments a write cannot move", async () => {
    const { crm } = await workspace();
    const entered: string[] = [];
    crm.events.on("segment.entered", (e) => entered.push(`${e.segmentId}:${e.recordId}`));
    const c = await crm.contacts.create({ country: "FR" });
    await crm.contacts.update(c.id, { country: "DE" }); // the definitions are read and held
    await crm.segments.create({ id: "german", name: "German", query: q.field("country").eq("DE") });
    await crm.segments.create({ id: "named", name: "Named", query: q.field("firstName").exists() });
    await crm.tags.create({ id: "vip", categoryId: "potential", name: "VIP" });
    await crm.segments.create({ id: "vip", name: "VIP", query: q.hasTag("vip") });
    // A write touching only the first name moves the contact into "named", not into "german"
    // (it was already German before the segment existed, and the country did not change).
    await crm.contacts.update(c.id, { firstName: "Ada" });
    await crm.contacts.addTags(c.id, ["vip"]);
    expect(entered).toEqual([`named:${c.id}`, `vip:${c.id}`]);
  });

  it("reports clock-driven changes once, when re-evaluated", async () => {
    const { crm, env } = await workspace();
    const stale = await crm.segments.create({
      id: "stale",
      name: "Not updated for 90 days",
      query: q.field("updatedAt").olderThan(90, "day"),
    });
    const recent = await crm.segments.create({
      id: "recent",
      name: "Created in the last 30 days",
      query: q.field("createdAt").withinLast(30, "day"),
    });
    const entered: string[] = [];
    crm.events.on("segment.entered", (e) => entered.push(`${e.segmentId}:${e.cause}`));
    crm.events.on("segment.left", (e) => entered.push(`left ${e.segmentId}:${e.cause}`));
    const c = await crm.contacts.create({ firstName: "A" });
    expect(entered).toEqual(["recent:write"]);
    env.advance(31 * 86_400_000);
    expect((await crm.segments.reevaluate()).map((d) => [d.segmentId, d.change])).toEqual([
      [recent.id, "left"],
    ]);
    expect(await crm.segments.reevaluate()).toEqual([]);
    env.advance(60 * 86_400_000);
    const deltas = await crm.segments.reevaluate();
    expect(deltas.map((d) => [d.segmentId, d.recordId, d.change, d.cause])).toEqual([
      [stale.id, c.id, "entered", "clock"],
    ]);
    await crm.contacts.update(c.id, { lastName: "B" });
    expect(entered.at(-1)).toBe("left stale:write");
    expect(await crm.segments.reevaluate()).toEqual([]);
  });
});
