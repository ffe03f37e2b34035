import { describe, expect, it } from "vitest";
import { fixtureNow } from "../testing/crm-fixture.js";
import { taxonomy } from "../testing/segment-arbitraries.js";
import type { SegmentQuery } from "./query.js";
import { resolveQuery } from "./resolve.js";
import type { QueryEnvironment, SegmentDefinitionLike } from "./resolved.js";

const loop = (id: string, to: string): SegmentDefinitionLike => ({
  id,
  target: "contact",
  query: { op: "inSegment", segment: to },
});
const env: QueryEnvironment = {
  target: "contact",
  taxonomy,
  segments: new Map<string, SegmentDefinitionLike>([
    ["a", loop("a", "b")],
    ["b", loop("b", "a")],
    ["broken", { id: "broken", target: "contact", query: { op: "eq", field: "nope", value: 1 } }],
    [
      "accounts",
      { id: "accounts", target: "account", query: { op: "eq", field: "name", value: "x" } },
    ],
  ]),
  at: fixtureNow,
  timezone: "Europe/Paris",
};

const issuesOf = (query: SegmentQuery, at: Partial<QueryEnvironment> = {}) =>
  resolveQuery(query, { ...env, ...at }).issues.map(({ path, code }) => ({ path, code }));

describe("resolveQuery", () => {
  it("reports every bad node with its path and a stable code, and resolves nothing", () => {
    const query: SegmentQuery = {
      op: "and",
      of: [
        { op: "eq", field: "nope", value: 1 },
        { op: "gt", field: "country", value: "FR" },
        { op: "in", field: "status", values: ["customer", "ghost"] },
        { op: "hasAnyTag", tags: ["gold", "unknown"] },
        { op: "categoryIs", category: "potential", tag: "retail" },
        { op: "matches", field: "email", pattern: "(a" },
      ],
    };
    const resolution = resolveQuery(query, env);
    expect(resolution.query).toBeUndefined();
    expect(issuesOf(query)).toEqual([
      { path: ["of", 0, "field"], code: "unknown_field" },
      { path: ["of", 1, "op"], code: "wrong_type" },
      { path: ["of", 2, "values", 1], code: "wrong_type" },
      { path: ["of", 3, "tags", 1], code: "unknown_tag" },
      { path: ["of", 4, "tag"], code: "wrong_category" },
      { path: ["of", 5, "pattern"], code: "unsafe_pattern" },
    ]);
  });

  it("refuses a between whose bounds are reversed, and a relative date on a text field", () => {
    expect(
      issuesOf({ op: "between", field: "createdAt", from: "2026-02-01", to: "2026-01-01" }),
    ).toEqual([{ path: ["to"], code: "invalid_query" }]);
    expect(issuesOf({ op: "withinLast", field: "country", amount: 3, unit: "day" })).toEqual([
      { path: ["op"], code: "wrong_type" },
    ]);
  });

  it("inlines saved segments, reports cycles, wrong targets, and errors inside at the reference", () => {
    expect(issuesOf({ op: "inSegment", segment: "a" })).toEqual([
      { path: ["segment"], code: "segment_cycle" },
    ]);
    expect(issuesOf({ op: "inSegment", segment: "a" }, { self: "b" })).toEqual([
      { path: ["segment"], code: "segment_cycle" },
    ]);
    expect(issuesOf({ op: "inSegment", segment: "accounts" })).toEqual([
      { path: ["segment"], code: "invalid_query" },
    ]);
    const broken = resolveQuery({ op: "not", of: { op: "inSegment", segment: "broken" } }, env);
    expect(broken.issues).toEqual([
      {
        path: ["of", "segment"],
        code: "invalid_query",
        message: expect.stringContaining('segment "broken" is invalid: unknown field "nope"'),
      },
    ]);
  });

  it("normalises values and says what the query depends on", () => {
    const resolution = resolveQuery(
      {
        op: "and",
        of: [
          { op: "gte", field: "createdAt", value: "2026-03-01" },
          { op: "hasTag", tag: "gold", of: "account" },
          { op: "withinLast", field: "updatedAt", amount: 7, unit: "day" },
          { op: "in", field: "country", values: ["FR", "FR", "DE"] },
        ],
      },
      env,
    );
    expect(resolution.issues).toEqual([]);
    expect(resolution).toMatchObject({ usesClock: true, usesAccount: true, usesTeam: false });
    if (resolution.query?.k !== "and") throw new Error("expected an and");
    const [since, , , countries] = resolution.query.of;
    // A calendar date compared with an instant is midnight in the workspace's timezone, in UTC.
    expect(since).toMatchObject({
      k: "range",
      lower: "2026-02-28T23:00:00.000Z",
      lowerInclusive: true,
    });
    expect(countries).toMatchObject({ k: "in", values: ["FR", "DE"] });
  });

  it("keeps tags where each target has them", () => {
    expect(issuesOf({ op: "hasTag", tag: "gold" }, { target: "user" })).toEqual([
      { path: ["op"], code: "invalid_query" },
    ]);
    expect(issuesOf({ op: "hasTag", tag: "gold" }, { target: "deal" })).toEqual([
      { path: ["of"], code: "invalid_query" },
    ]);
    expect(issuesOf({ op: "hasTag", tag: "gold", of: "contact" }, { target: "deal" })).toEqual([]);
  });
});
