import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CrmkitError } from "../errors.js";
import { q } from "../query/index.js";
import { memoryCrm } from "../testing/crm-fixture.js";

async function all<T>(
  read: (cursor: string | null) => Promise<{ records: T[]; cursor: string | null }>,
) {
  const out: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await read(cursor);
    out.push(...page.records);
    cursor = page.cursor;
    pages++;
  } while (cursor !== null && pages < 1_000);
  return out;
}

describe("contacts.list and accounts.list", () => {
  it("pages every matching record exactly once, in creation order, for any page size (property)", async () => {
    const { crm, env } = await memoryCrm();
    const acme = await crm.accounts.create({ name: "Acme", country: "DE" } as never);
    const countries = ["FR", "DE", "ES"];
    const created: Awaited<ReturnType<typeof crm.contacts.create>>[] = [];
    for (let i = 0; i < 60; i++) {
      env.advance(60_000);
      created.push(
        await crm.contacts.create({
          email: `c${i}@example.com`,
          country: countries[i % 3]!,
          ...(i % 4 === 0 ? { accountId: acme.id } : {}),
        }),
      );
    }
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 25 }),
        fc.constantFrom("asc" as const, "desc" as const),
        fc.constantFrom("none", "fr", "account"),
        async (limit, order, filter) => {
          const where =
            filter === "fr"
              ? q.field("country").eq("FR")
              : filter === "account"
                ? q.field("account.country").eq("DE")
                : undefined;
          const listed = await all((cursor) =>
            crm.contacts.list({ limit, order, cursor, ...(where === undefined ? {} : { where }) }),
          );
          const expected = created
            .filter((c, i) =>
              filter === "fr" ? c.country === "FR" : filter === "account" ? i % 4 === 0 : true,
            )
            .map((c) => c.id);
          expect(listed.map((c) => c.id)).toEqual(
            order === "asc" ? expected : [...expected].reverse(),
          );
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);

  it("refuses a bad condition with its path, and a cursor of another listing", async () => {
    const { crm } = await memoryCrm();
    for (let i = 0; i < 3; i++) await crm.contacts.create({ email: `c${i}@example.com` });
    const bad = await crm.contacts
      .list({ where: q.field("country").eq(3 as never) })
      .catch((error: unknown) => error);
    expect(CrmkitError.is(bad, "VALIDATION_FAILED")).toBe(true);
    expect((bad as CrmkitError).details.path?.[0]).toBe("where");
    const page = await crm.contacts.list({ limit: 1 });
    const other = await crm.contacts
      .list({ limit: 1, order: "desc", cursor: page.cursor })
      .catch((error: unknown) => error);
    expect(CrmkitError.is(other, "VALIDATION_FAILED")).toBe(true);
  });
});

describe("deals.list", () => {
  it("pages the deals of a filter exactly once, by creation order without one", async () => {
    const { crm, env } = await memoryCrm();
    await crm.users.create({ id: "anna", name: "Anna", role: "inside" });
    await crm.pipelines.create({
      id: "sales",
      name: "Sales",
      stages: [
        { id: "lead", name: "Lead", probability: 10 },
        { id: "won", name: "Won", kind: "won" },
        { id: "lost", name: "Lost", kind: "lost" },
      ],
    });
    const ids = [];
    for (let i = 0; i < 23; i++) {
      env.advance(1_000);
      ids.push(
        (await crm.deals.create({ title: `D${i}`, pipelineId: "sales", ownerId: "anna" })).id,
      );
    }
    for (const id of ids.slice(0, 5)) await crm.deals.win(id);
    const open = await all((cursor) => crm.deals.list({ state: "open", limit: 4, cursor }));
    expect(open.map((d) => d.id).sort()).toEqual(ids.slice(5).sort());
    const everything = await all((cursor) => crm.deals.list({ limit: 7, cursor }));
    expect(everything.map((d) => d.id)).toEqual(ids);
  });
});
