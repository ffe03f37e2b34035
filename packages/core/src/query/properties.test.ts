import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StoredRecord } from "../storage/types.js";
import { defineTaxonomy, fixtureNow, memoryCrm } from "../testing/crm-fixture.js";
import { contactArb, queryArb, taxonomy } from "../testing/segment-arbitraries.js";
import { compileQuery, type EvaluationContext } from "./compile.js";
import { explainQuery } from "./explain.js";
import type { SegmentQuery } from "./query.js";
import { resolveQuery } from "./resolve.js";
import type { QueryEnvironment } from "./resolved.js";

const env: QueryEnvironment = {
  target: "contact",
  taxonomy,
  segments: new Map([
    [
      "french",
      { id: "french", target: "contact", query: { op: "eq", field: "country", value: "FR" } },
    ],
  ]),
  at: fixtureNow,
  timezone: "Europe/Paris",
};
const context: EvaluationContext = {
  account: () => null,
  teamOf: (user) => (user === "u1" ? "t1" : undefined),
};

function compiled(query: SegmentQuery) {
  const resolution = resolveQuery(query, env);
  if (resolution.query === undefined) throw new Error(JSON.stringify(resolution.issues));
  return compileQuery(resolution.query);
}
const reference = (query: SegmentQuery, record: StoredRecord) =>
  explainQuery(query, record, env, context).matched;

describe("compiled segments", () => {
  it("agree with the reference interpreter on random contacts and queries", () => {
    fc.assert(
      fc.property(
        queryArb,
        fc.array(contactArb, { minLength: 1, maxLength: 30 }),
        (query, records) => {
          const predicate = compiled(query);
          for (const record of records)
            expect(predicate(record, context)).toBe(reference(query, record));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("obey the algebra: A and B ⊆ A, A or B ⊇ A, not not A = A, De Morgan", () => {
    fc.assert(
      fc.property(
        queryArb,
        queryArb,
        fc.array(contactArb, { minLength: 1, maxLength: 20 }),
        (a, b, records) => {
          const A = compiled(a);
          const B = compiled(b);
          const and = compiled({ op: "and", of: [a, b] });
          const or = compiled({ op: "or", of: [a, b] });
          const notNot = compiled({ op: "not", of: { op: "not", of: a } });
          const notAnd = compiled({ op: "not", of: { op: "and", of: [a, b] } });
          const orNots = compiled({
            op: "or",
            of: [
              { op: "not", of: a },
              { op: "not", of: b },
            ],
          });
          const notOr = compiled({ op: "not", of: { op: "or", of: [a, b] } });
          const andNots = compiled({
            op: "and",
            of: [
              { op: "not", of: a },
              { op: "not", of: b },
            ],
          });
          for (const r of records) {
            if (and(r, context)) expect(A(r, context)).toBe(true);
            if (A(r, context)) expect(or(r, context)).toBe(true);
            expect(notNot(r, context)).toBe(A(r, context));
            expect(notAnd(r, context)).toBe(orNots(r, context));
            expect(notOr(r, context)).toBe(andNots(r, context));
            expect(and(r, context)).toBe(A(r, context) && B(r, context));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("segment evaluation over storage", () => {
  it("counts and pages the same members with and without index pushdown", async () => {
    const { crm, storage } = await memoryCrm({ timezone: "Europe/Paris" });
    await defineTaxonomy(crm);
    await crm.segments.create({
      id: "french",
      name: "French",
      query: { op: "eq", field: "country", value: "FR" },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(contactArb, { minLength: 0, maxLength: 60, selector: (r) => r.id }),
        fc.array(queryArb, { minLength: 1, maxLength: 5 }),
        async (records, queries) => {
          await storage.clear("contacts");
          // E-mails are unique in storage: number them, which keeps what text clauses test.
          const unique = records.map((record, i) =>
            typeof record.email === "string" ? { ...record, email: `${i}${record.email}` } : record,
          );
          await storage.write(
            unique.map((record) => ({
              type: "put" as const,
              collection: "contacts",
              record: { ...record, ownerId: undefined },
            })),
          );
          for (const query of queries.filter((q) => !JSON.stringify(q).includes("teamId"))) {
            const pushed = await crm.segments.count({ query });
            const scanned = await crm.segments.count({ query }, { pushdown: false });
            expect(pushed.count).toBe(scanned.count);
            expect(pushed.examined).toBeLessThanOrEqual(scanned.examined);
            const ids: string[] = [];
            let cursor: string | null = null;
            do {
              const page: { records: StoredRecord[]; cursor: string | null } =
                await crm.segments.members({ query }, { limit: 7, cursor });
              ids.push(...page.records.map((r) => r.id));
              cursor = page.cursor;
            } while (cursor !== null);
            expect(new Set(ids).size).toBe(ids.length);
            expect(ids.length).toBe(scanned.count);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
