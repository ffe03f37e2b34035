import { beforeAll, describe, expect, it } from "vitest";
import type { Crm } from "../crm.js";
import { CrmkitError } from "../errors.js";
import { q } from "../query/builder.js";
import type { SegmentQuery } from "../query/query.js";
import { defineTaxonomy, fixtureNow, memoryCrm } from "../testing/crm-fixture.js";

let crm: Crm;

// fixtureNow is 2026-05-15T10:00:00Z.
const people = [
  {
    id: "ada",
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.fr",
    country: "FR",
    status: "customer",
    tags: ["gold", "software"],
    ownerId: "u1",
    territory: "north",
    scores: { global: 80 },
    custom: { employees: 120, renewal: "2026-05-20", plan: "pro" },
    accountId: "acme",
  },
  {
    id: "bob",
    firstName: "Bob",
    email: "bob@gmail.com",
    country: "DE",
    status: "prospect",
    tags: ["silver"],
    ownerId: "u2",
    territory: "south",
    scores: { global: 50 },
    custom: { employees: 8, plan: "free" },
  },
  {
    id: "cy",
    firstName: "Cy",
    country: "FR",
    status: "hot-prospect",
    tags: ["retail", "industry"],
    ownerId: "u1",
    scores: { global: 49.5 },
    custom: {},
    accountId: "globex",
  },
  {
    id: "dee",
    lastName: "Dee",
    email: "DEE@Example.com",
    status: "competitor",
    tags: [],
    custom: { renewal: "2026-04-01" },
  },
];
const created: Record<string, string> = {
  ada: "2026-05-15T09:59:59.999Z", // a millisecond before now
  bob: "2026-04-15T10:00:00.000Z", // exactly 30 days before now
  cy: "2026-03-31T22:30:00.000Z", // 00:30 on 1 April in Paris, still 31 March in UTC
  dee: "2025-12-31T23:00:00.000Z", // new year in Paris, not in UTC
};

beforeAll(async () => {
  const fixture = await memoryCrm();
  crm = fixture.crm;
  await defineTaxonomy(crm);
  await crm.teams.create({ id: "t1", name: "North" });
  await crm.users.create({
    id: "u1",
    name: "Anna",
    role: "inside",
    teamId: "t1",
    timezone: "Europe/Paris",
  });
  await crm.users.create({ id: "u2", name: "Marc", role: "field", timezone: "Europe/Paris" });
  await crm.accounts.create({
    id: "acme",
    name: "Acme",
    country: "FR",
    status: "customer",
    tags: ["gold"],
    custom: { industry: "chemicals" },
  });
  await crm.accounts.create({ id: "globex", name: "Globex", country: "US", status: "prospect" });
  for (const person of people) {
    fixture.env.set(Date.parse(created[person.id]!));
    await crm.contacts.create(person);
  }
  fixture.env.set(fixtureNow);
});

async function ids(query: SegmentQuery, options: { timezone?: string } = {}): Promise<string[]> {
  const page = await crm.segments.members(
    { query: options.timezone ? withTimezone(query, options.timezone) : query },
    { limit: 100 },
  );
  return page.records.map((r) => r.id).sort();
}
function withTimezone(query: SegmentQuery, timezone: string): SegmentQuery {
  return { ...query, timezone } as SegmentQuery;
}

describe("segment operators", () => {
  it("compare with eq, ne, in and notIn; a missing field matches ne and notIn only", async () => {
    expect(await ids(q.field("country").eq("FR"))).toEqual(["ada", "cy"]);
    expect(await ids(q.field("country").ne("FR"))).toEqual(["bob", "dee"]);
    expect(await ids(q.field("country").in("DE", "FR"))).toEqual(["ada", "bob", "cy"]);
    expect(await ids(q.field("country").notIn("DE", "FR"))).toEqual(["dee"]);
    expect(await ids(q.statusIn("customer", "hot-prospect"))).toEqual(["ada", "cy"]);
    expect(await ids(q.field("ownerId").in("u1"))).toEqual(["ada", "cy"]);
    expect(await ids(q.field("teamId").eq("t1"))).toEqual(["ada", "cy"]);
    expect(await ids(q.field("territory").eq("north"))).toEqual(["ada"]);
    expect(await ids(q.custom("plan").eq("pro"))).toEqual(["ada"]);
  });

  it("order numbers, with a missing score group counting as 0", async () => {
    expect(await ids(q.score("global").gte(50))).toEqual(["ada", "bob"]);
    expect(await ids(q.score("global").gt(50))).toEqual(["ada"]);
    expect(await ids(q.score("global").lt(50))).toEqual(["cy", "dee"]);
    expect(await ids(q.score("global").lte(50))).toEqual(["bob", "cy", "dee"]);
    expect(await ids(q.score("global").between(49.5, 50))).toEqual(["bob", "cy"]);
    expect(await ids(q.custom("employees").between(8, 120))).toEqual(["ada", "bob"]);
    expect(await ids(q.custom("employees").lt(100))).toEqual(["bob"]);
  });

  it("order instants and dates, a calendar date meaning midnight in the workspace timezone", async () => {
    expect(await ids(q.field("createdAt").gt("2026-04-15T10:00:00Z"))).toEqual(["ada"]);
    expect(await ids(q.field("createdAt").gte("2026-04-15T12:00:00+02:00"))).toEqual([
      "ada",
      "bob",
    ]);
    expect(await ids(q.field("createdAt").lt("2026-01-01"))).toEqual(["dee"]);
    expect(await ids(q.field("createdAt").between("2026-03-31", "2026-04-01"))).toEqual(["cy"]);
    expect(await ids(q.custom("renewal").gte("2026-05-01"))).toEqual(["ada"]);
  });

  it("test presence with exists and empty, which are complements", async () => {
    expect(await ids(q.field("email").exists())).toEqual(["ada", "bob", "dee"]);
    expect(await ids(q.field("email").empty())).toEqual(["cy"]);
    expect(await ids(q.field("tags").empty())).toEqual(["dee"]);
    expect(await ids(q.custom("employees").exists())).toEqual(["ada", "bob"]);
    expect(await ids(q.field("accountId").exists())).toEqual(["ada", "cy"]);
  });

  it("match text with contains, startsWith and endsWith, optionally ignoring case", async () => {
    expect(await ids(q.field("email").contains("example"))).toEqual(["ada", "dee"]);
    expect(await ids(q.field("firstName").startsWith("a"))).toEqual([]);
    expect(await ids(q.field("firstName").startsWith("a", { ignoreCase: true }))).toEqual(["ada"]);
    expect(await ids(q.field("email").endsWith(".FR", { ignoreCase: true }))).toEqual(["ada"]);
    expect(await ids(q.field("lastName").endsWith("ee"))).toEqual(["dee"]);
  });

  it("match regular expressions in linear time, and refuse what an NFA cannot run", async () => {
    expect(await ids(q.field("email").matches("^[a-z]+@(gmail|yahoo)\\.com$"))).toEqual(["bob"]);
    expect(await ids(q.field("firstName").matches("^c", { ignoreCase: true }))).toEqual(["cy"]);
    // Shapes that make a backtracking engine take exponential time run like any other pattern.
    expect(await ids(q.field("email").matches("^(\\w+\\.?)*@(a?a?)+example\\.fr$"))).toEqual([
      "ada",
    ]);
    for (const pattern of ["(a+)+$", "(a|aa)*b", "(\\w+\\s?)*$", "(.*a){1,20}", "^(a?a?)+$"])
      expect((await crm.segments.validate(q.field("email").matches(pattern))).ok, pattern).toBe(
        true,
      );
    for (const pattern of ["(x)\\1", "(?=a)a", "a{1,5000}", "(a{1,1000}){1,1000}"]) {
      const error = await crm.segments
        .count({ query: q.field("email").matches(pattern) })
        .catch((e: unknown) => e);
      expect(CrmkitError.is(error, "VALIDATION_FAILED"), pattern).toBe(true);
      expect((error as CrmkitError).details.path).toEqual(["pattern"]);
    }
    const tooLong = await crm.segments.validate(q.field("email").matches("a".repeat(201)));
    expect(tooLong.ok).toBe(false);
  });

  it("test tags: has, any, all, in category, category is — on the record or its account", async () => {
    expect(await ids(q.hasTag("gold"))).toEqual(["ada"]);
    expect(await ids(q.hasAnyTag(["gold", "retail"]))).toEqual(["ada", "cy"]);
    expect(await ids(q.hasAllTags(["retail", "industry"]))).toEqual(["cy"]);
    expect(await ids(q.hasTagInCategory("potential"))).toEqual(["ada", "bob"]);
    expect(await ids(q.hasTagInCategory("sector"))).toEqual(["ada", "cy"]);
    expect(await ids(q.categoryIs("potential", "silver"))).toEqual(["bob"]);
    expect(await ids(q.hasTag("gold", "account"))).toEqual(["ada"]);
  });

  it("read account fields from a contact", async () => {
    expect(await ids(q.field("account.country").eq("US"))).toEqual(["cy"]);
    expect(await ids(q.field("account.status").in("customer"))).toEqual(["ada"]);
    expect(await ids(q.field("account.custom.industry").contains("chem"))).toEqual(["ada"]);
    expect(await ids(q.field("account.name").empty())).toEqual(["bob", "dee"]);
  });

  it("nest and, or and not", async () => {
    expect(
      await ids(
        q.or(
          q.and(q.field("country").eq("FR"), q.score("global").gte(60)),
          q.statusIn("competitor"),
        ),
      ),
    ).toEqual(["ada", "dee"]);
    expect(
      await ids(q.not(q.or(q.field("country").eq("FR"), q.field("country").eq("DE")))),
    ).toEqual(["dee"]);
  });

  it("evaluate relative dates against the injected clock, boundaries included", async () => {
    expect(await ids(q.field("createdAt").withinLast(30, "day"))).toEqual(["ada", "bob"]);
    expect(await ids(q.field("createdAt").olderThan(30, "day"))).toEqual(["cy", "dee"]);
    expect(await ids(q.field("createdAt").withinLast(1, "month"))).toEqual(["ada", "bob"]);
    expect(await ids(q.field("createdAt").withinLast(0, "day"))).toEqual([]);
    expect(await ids(q.custom("renewal").withinNext(5, "day"))).toEqual(["ada"]);
    expect(await ids(q.custom("renewal").withinNext(4, "day"))).toEqual([]);
    expect(await ids(q.field("updatedAt").olderThan(90, "day"))).toEqual(["dee"]);
  });

  it("evaluate calendar periods in the workspace timezone or the clause's own", async () => {
    expect(await ids(q.field("createdAt").inPeriod("quarter"))).toEqual(["ada", "bob"]);
    expect(
      await ids(q.field("createdAt").inPeriod("quarter", 0, { timezone: "Europe/Paris" })),
    ).toEqual(["ada", "bob", "cy"]);
    expect(await ids(q.field("createdAt").inPeriod("quarter", -1))).toEqual(["cy"]);
    expect(
      await ids(q.field("createdAt").inPeriod("year", 0, { timezone: "Europe/Paris" })),
    ).toEqual(["ada", "bob", "cy", "dee"]);
    expect(await ids(q.field("createdAt").inPeriod("year", -1))).toEqual(["dee"]);
    expect(await ids(q.field("createdAt").inPeriod("day"))).toEqual(["ada"]);
    expect(await ids(q.custom("renewal").inPeriod("month", -1))).toEqual(["dee"]);
  });

  it("refer to saved segments and reject cycles", async () => {
    const french = await crm.segments.create({
      id: "french",
      name: "French",
      query: q.field("country").eq("FR"),
    });
    expect(await ids(q.and(q.inSegment(french.id), q.statusIn("customer")))).toEqual(["ada"]);
    const outer = await crm.segments.create({
      id: "outer",
      name: "Outer",
      query: q.inSegment("french"),
    });
    const error = await crm.segments
      .update("french", { query: q.inSegment(outer.id) })
      .catch((e: unknown) => e);
    expect(CrmkitError.is(error, "VALIDATION_FAILED")).toBe(true);
    expect((error as CrmkitError).message).toMatch(/cycle: french → outer → french/);
    const self = await crm.segments
      .create({ id: "self", name: "Self", query: q.inSegment("self") })
      .catch((e: unknown) => e);
    expect(CrmkitError.is(self, "VALIDATION_FAILED")).toBe(true);
    await expect(crm.segments.remove("french")).rejects.toMatchObject({ code: "IN_USE" });
  });
});

describe("segment query validation", () => {
  const problem = async (query: unknown) => {
    const error = await crm.segments
      .count({ query: query as SegmentQuery })
      .catch((e: unknown) => e);
    expect(CrmkitError.is(error, "VALIDATION_FAILED")).toBe(true);
    return (error as CrmkitError).details;
  };

  it("names the path of an unknown field, deep in the tree", async () => {
    const details = await problem(
      q.and(
        q.field("country").eq("FR"),
        q.or(q.statusIn("customer"), q.field("colour" as never).eq("red")),
      ),
    );
    expect(details.path).toEqual(["of", 1, "of", 1, "field"]);
  });

  it("refuses comparisons of the wrong type", async () => {
    expect((await problem(q.score("global").gte("50"))).path).toEqual(["value"]);
    expect((await problem(q.field("country").gt("FR"))).path).toEqual(["op"]);
    expect((await problem(q.field("createdAt").gt("yesterday"))).path).toEqual(["value"]);
    expect((await problem(q.custom("plan").eq("platinum"))).path).toEqual(["value"]);
    expect((await problem(q.custom("renewal").eq("2026-02-30"))).path).toEqual(["value"]);
    expect((await problem(q.field("tags").eq("gold"))).path).toEqual(["value"]);
    expect((await problem(q.field("email").withinLast(3, "day"))).path).toEqual(["op"]);
    expect((await problem(q.field("createdAt").between("2026-02-01", "2026-01-01"))).path).toEqual([
      "to",
    ]);
  });

  it("refuses unknown statuses, unknown tags and tags of the wrong category", async () => {
    expect((await problem(q.statusIn("customer", "vip"))).path).toEqual(["values", 1]);
    expect((await problem(q.hasAnyTag(["gold", "platinum"]))).path).toEqual(["tags", 1]);
    expect((await problem(q.categoryIs("potential", "retail"))).path).toEqual(["tag"]);
    expect((await problem(q.hasTagInCategory("size"))).path).toEqual(["category"]);
  });

  it("refuses malformed JSON with the path of the bad node", async () => {
    expect((await problem({ op: "and", of: [{ op: "eq", field: "country" }] })).path).toEqual([
      "of",
      0,
      "value",
    ]);
    expect(
      (await problem({ op: "between", field: "x", from: 1, to: 2, extra: true })).path,
    ).toEqual(["extra"]);
    expect((await problem({ op: "or", of: [] })).path).toEqual(["of"]);
    expect((await problem({ op: "unknown" })).path).toEqual(["op"]);
  });

  it("answers validate with a result object", async () => {
    expect(await crm.segments.validate(q.field("country").eq("FR"))).toEqual({ ok: true });
    const result = await crm.segments.validate(q.field("nope" as never).eq("FR"));
    expect(result.ok).toBe(false);
  });
});

describe("explain", () => {
  it("lists each clause with the values compared", async () => {
    const explained = await crm.segments.explain(
      {
        query: q.and(
          q.field("country").eq("FR"),
          q.score("global").gte(60),
          q.field("createdAt").withinLast(30, "day"),
        ),
      },
      "cy",
    );
    expect(explained.matched).toBe(false);
    expect(explained.children?.map((c) => [c.matched, c.actual])).toEqual([
      [true, "FR"],
      [false, 49.5],
      [false, "2026-03-31T22:30:00.000Z"],
    ]);
    expect(explained.children?.[1]?.summary).toBe("scores.global gte 60: actual 49.5 → no");
    expect(explained.children?.[2]?.expected).toEqual({
      from: "2026-04-15T10:00:00.000Z",
      fromInclusive: true,
      to: "2026-05-15T10:00:00.000Z",
      toInclusive: true,
    });
  });
});

describe("index pushdown", () => {
  it("reads only the candidates of the most selective indexed clause", async () => {
    const result = await crm.segments.count({
      query: q.and(q.field("territory").eq("north"), q.score("global").gte(0)),
    });
    expect(result).toMatchObject({
      count: 1,
      examined: 1,
      plan: { strategy: "index", index: "territory", total: 4 },
    });
    const tags = await crm.segments.count({ query: q.hasAnyTag(["gold", "retail"]) });
    expect(tags).toMatchObject({
      count: 2,
      examined: 2,
      plan: { strategy: "index", index: "tags", estimated: 2 },
    });
    // Three tags would read 3 of 4 records: a scan is cheaper.
    expect(
      (await crm.segments.count({ query: q.hasAnyTag(["software", "gold", "retail"]) })).plan
        .strategy,
    ).toBe("scan");
    const scan = await crm.segments.count({ query: q.score("global").gte(50) });
    expect(scan).toMatchObject({ count: 2, examined: 4, plan: { strategy: "scan" } });
    const without = await crm.segments.count(
      { query: q.field("territory").eq("north") },
      { pushdown: false },
    );
    expect(without).toMatchObject({ count: 1, examined: 4 });
  });

  it("counts from the index alone when its entries are exactly the members", async () => {
    expect(await crm.segments.count({ query: q.field("territory").eq("north") })).toMatchObject({
      count: 1,
      examined: 0,
      plan: { strategy: "index", index: "territory" },
    });
    expect(await crm.segments.count({ query: q.hasAnyTag(["gold"]) })).toMatchObject({
      examined: 0,
      plan: { strategy: "index", index: "tags" },
    });
    // Two tags of a multi-entry index may list a record twice: its entries are not the count.
    expect((await crm.segments.count({ query: q.hasAnyTag(["gold", "retail"]) })).examined).toBe(2);
  });

  it("pages members across index ranges without duplicates", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<Crm["segments"]["members"]>> = await crm.segments.members(
        { query: q.hasAnyTag(["gold", "software", "retail", "industry", "silver"]) },
        { limit: 1, cursor },
      );
      seen.push(...page.records.map((r) => r.id));
      cursor = page.cursor;
    } while (cursor !== null);
    expect(seen.sort()).toEqual(["ada", "bob", "cy"]);
  });
});
