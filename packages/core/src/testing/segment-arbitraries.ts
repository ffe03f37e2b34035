// Random contacts and segment queries for property tests (core's and the adapters'). Not published.
import fc from "fast-check";
import type { SegmentQuery } from "../query/index.js";
import type { Taxonomy } from "../records/index.js";
import type { StoredRecord } from "../storage/index.js";
import { fixtureNow } from "./crm-fixture.js";

const statuses = ["customer", "prospect", "competitor", "hot-prospect"];
const tagIds = {
  potential: ["gold", "silver", "bronze"],
  sector: ["retail", "industry", "software"],
};
const countries = ["FR", "DE", "US"];
const day = 86_400_000;

const stamps = { createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z" };

export const taxonomy: Taxonomy = {
  statuses: new Map(
    statuses.map((id) => [id, { id, revision: 1, ...stamps, name: id, builtIn: true }]),
  ),
  categories: new Map([
    [
      "potential",
      { id: "potential", revision: 1, ...stamps, name: "Potential", cardinality: "single" },
    ],
    ["sector", { id: "sector", revision: 1, ...stamps, name: "Sector", cardinality: "multi" }],
  ]),
  tags: new Map(
    Object.entries(tagIds).flatMap(([categoryId, ids]) =>
      ids.map((id) => [id, { id, revision: 1, ...stamps, categoryId, name: id }] as const),
    ),
  ),
  fields: {
    contact: new Map([
      [
        "employees",
        {
          id: "employees",
          revision: 1,
          ...stamps,
          target: "contact",
          label: "E",
          type: "number",
          required: false,
        },
      ],
      [
        "renewal",
        {
          id: "renewal",
          revision: 1,
          ...stamps,
          target: "contact",
          label: "R",
          type: "date",
          required: false,
        },
      ],
      [
        "plan",
        {
          id: "plan",
          revision: 1,
          ...stamps,
          target: "contact",
          label: "P",
          type: "enum",
          required: false,
          options: ["free", "pro"],
        },
      ],
    ]),
    account: new Map(),
  },
};

// Values come from small domains shared by records and queries, with boundaries on purpose (exact
// multiples of days before now, period starts in several timezones), so that equal values and
// edge instants occur often enough to catch an off-by-one.
const edgeInstants = [
  fixtureNow,
  fixtureNow - 30 * day,
  fixtureNow - 7 * day,
  fixtureNow + 5 * day,
  Date.parse("2026-04-01T00:00:00Z"),
  Date.parse("2026-03-31T22:00:00Z"),
  Date.parse("2026-03-31T18:30:00Z"),
  Date.parse("2026-01-01T00:00:00Z"),
  Date.parse("2025-12-31T23:00:00Z"),
  Date.parse("2026-05-11T00:00:00Z"),
];
const instant = fc
  .oneof(
    fc.constantFrom(...edgeInstants),
    fc.integer({ min: fixtureNow - 400 * day, max: fixtureNow + 30 * day }),
  )
  .map((ms) => new Date(ms).toISOString());
const date = fc
  .oneof(
    fc.constantFrom(...edgeInstants),
    fc.integer({ min: fixtureNow - 400 * day, max: fixtureNow + 60 * day }),
  )
  .map((ms) => new Date(ms).toISOString().slice(0, 10));
const number = fc.constantFrom(-20, 0, 8, 49, 50, 51, 120, 500);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Random contacts over small domains, so that random clauses often match. */
export const contactArb: fc.Arbitrary<StoredRecord> = fc
  .record({
    id: fc.uuid(),
    status: fc.constantFrom(...statuses),
    potential: maybe(fc.constantFrom(...tagIds.potential)),
    sectors: fc.subarray(tagIds.sector),
    country: maybe(fc.constantFrom(...countries)),
    ownerId: maybe(fc.constantFrom("u1", "u2")),
    territory: maybe(fc.constantFrom("north", "south")),
    score: maybe(number),
    createdAt: instant,
    updatedAt: instant,
    email: maybe(fc.constantFrom("ada@example.fr", "bob@gmail.com", "Cy@Example.COM", "")),
    firstName: maybe(fc.constantFrom("Ada", "ada", "Bob", "Éloïse")),
    employees: maybe(number),
    renewal: maybe(date),
    plan: maybe(fc.constantFrom("free", "pro")),
  })
  .map((c) => {
    const record: Record<string, unknown> = {
      id: c.id,
      revision: 1,
      status: c.status,
      tags: [...(c.potential ? [c.potential] : []), ...c.sectors],
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      scores: c.score === undefined ? {} : { global: c.score },
      custom: Object.fromEntries(
        Object.entries({ employees: c.employees, renewal: c.renewal, plan: c.plan }).filter(
          ([, v]) => v !== undefined,
        ),
      ),
    };
    for (const key of ["country", "ownerId", "territory", "email", "firstName"] as const)
      if (c[key] !== undefined) record[key] = c[key];
    return record as StoredRecord;
  });

const unit = fc.constantFrom("day", "week", "month", "quarter", "year" as const);
const leaf: fc.Arbitrary<SegmentQuery> = fc.oneof(
  fc.record({
    op: fc.constantFrom("eq", "ne"),
    field: fc.constant("country"),
    value: fc.constantFrom(...countries),
  }),
  fc.record({
    op: fc.constantFrom("in", "notIn"),
    field: fc.constant("status"),
    values: fc.subarray(statuses, { minLength: 1 }),
  }),
  fc.record({
    op: fc.constantFrom("eq", "ne"),
    field: fc.constant("teamId"),
    value: fc.constantFrom("t1", "t2"),
  }),
  fc.record({
    op: fc.constantFrom("lt", "lte", "gt", "gte"),
    field: fc.constantFrom("scores.global", "custom.employees"),
    value: number,
  }),
  fc.record({
    op: fc.constantFrom("lt", "lte", "gt", "gte"),
    field: fc.constantFrom("createdAt", "updatedAt"),
    value: instant,
  }),
  fc.record({
    op: fc.constantFrom("lt", "gte"),
    field: fc.constant("custom.renewal"),
    value: date,
  }),
  fc.record({
    op: fc.constant("between"),
    field: fc.constant("scores.global"),
    from: fc.constantFrom(-20, 0, 49, 50),
    to: fc.constantFrom(50, 51, 120),
  }),
  fc.record({
    op: fc.constantFrom("exists", "empty"),
    field: fc.constantFrom("email", "country", "custom.plan", "tags", "firstName"),
  }),
  fc.record({
    op: fc.constantFrom("contains", "startsWith", "endsWith"),
    field: fc.constantFrom("email", "firstName"),
    value: fc.constantFrom("a", "ex", ".fr", "A", "COM", "é"),
    ignoreCase: fc.boolean(),
  }),
  fc.record({
    op: fc.constant("matches"),
    field: fc.constant("email"),
    pattern: fc.constantFrom("^[a-z]+@", "\\.(fr|com)$", "gmail"),
    ignoreCase: fc.boolean(),
  }),
  fc.record({
    op: fc.constant("hasTag"),
    tag: fc.constantFrom(...tagIds.potential, ...tagIds.sector),
  }),
  fc.record({
    op: fc.constantFrom("hasAnyTag", "hasAllTags"),
    tags: fc.subarray([...tagIds.potential, ...tagIds.sector], { minLength: 1 }),
  }),
  fc.record({
    op: fc.constant("hasTagInCategory"),
    category: fc.constantFrom("potential", "sector"),
  }),
  fc.record({
    op: fc.constant("categoryIs"),
    category: fc.constant("potential"),
    tag: fc.constantFrom(...tagIds.potential),
  }),
  fc.record({
    op: fc.constantFrom("withinLast", "olderThan", "withinNext"),
    field: fc.constantFrom("createdAt", "custom.renewal"),
    amount: fc.constantFrom(0, 1, 5, 7, 30, 90, 400),
    unit,
    timezone: fc.constantFrom("UTC", "Europe/Paris", "Pacific/Auckland"),
  }),
  fc.record({
    op: fc.constant("inPeriod"),
    field: fc.constantFrom("createdAt", "updatedAt", "custom.renewal"),
    unit,
    offset: fc.integer({ min: -3, max: 1 }),
    timezone: fc.constantFrom("UTC", "America/New_York", "Asia/Kolkata"),
  }),
  fc.record({ op: fc.constant("inSegment"), segment: fc.constant("french") }),
) as fc.Arbitrary<SegmentQuery>;

export const queryArb: fc.Arbitrary<SegmentQuery> = fc.letrec<{ node: SegmentQuery }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({
      op: fc.constantFrom("and", "or"),
      of: fc.array(tie("node"), { minLength: 1, maxLength: 4 }),
    }) as fc.Arbitrary<SegmentQuery>,
    fc.record({ op: fc.constant("not"), of: tie("node") }) as fc.Arbitrary<SegmentQuery>,
  ),
})).node;
