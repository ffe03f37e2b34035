import { CrmkitError } from "@crmkit/core";
import type {
  KeyRange,
  StorageAdapter,
  StoredRecord,
  WriteOperation,
  WriteOutcome,
} from "@crmkit/core/storage";
import fc from "fast-check";
import { expect } from "vitest";
import type { ConformanceCase } from "./case.js";
import { createReferenceStorage } from "./reference-storage.js";

type Expectation = number | "current" | undefined;
type Step =
  | {
      kind: "write";
      operations: { id: string; fields: Record<string, unknown> | null; expect: Expectation }[];
    }
  | { kind: "get"; ids: string[] }
  | {
      kind: "query";
      index: string | undefined;
      where: KeyRange | undefined;
      order: "asc" | "desc";
      limit: number;
    };

const ids = fc.constantFrom("a", "b", "c", "d", "e", "f");
const fields = fc.record(
  {
    email: fc.constantFrom("x@example.com", "y@example.com", "z@example.com"),
    status: fc.constantFrom("customer", "prospect", "lead", ""),
    scores: fc.record({ global: fc.integer({ min: -3, max: 3 }) }),
    tags: fc.subarray(["gold", "silver", "fr", "FR"]),
    rank: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom("a", "b"), fc.constant(true)),
  },
  { requiredKeys: [] },
);
const expectation: fc.Arbitrary<Expectation> = fc.oneof(
  fc.constant(undefined),
  fc.constant("current" as const),
  fc.integer({ min: 0, max: 3 }),
);
const ranges: Record<string, fc.Arbitrary<KeyRange | undefined>> = {
  email: fc.constantFrom(undefined, { eq: "x@example.com" }, { gt: "x" }),
  status: fc.constantFrom(undefined, { eq: "lead" }, { gte: "", lt: "m" }, { gt: "customer" }),
  score: fc.oneof(
    fc.constant(undefined),
    fc.integer({ min: -3, max: 3 }).map((eq) => ({ eq })),
    fc
      .tuple(fc.integer({ min: -4, max: 4 }), fc.integer({ min: -4, max: 4 }))
      .map(([gte, lt]) => ({ gte, lt })),
  ),
  tags: fc.constantFrom(undefined, { eq: "gold" }, { gte: "FR" }, { gt: "fr", lte: "silver" }),
  rank: fc.constantFrom(undefined, { gte: 1 }, { lt: "b" }, { eq: "a" }),
};
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("write" as const),
      operations: fc.array(
        fc.record({
          id: ids,
          fields: fc.option(fields, { nil: null, freq: 4 }),
          expect: expectation,
        }),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("get" as const),
      ids: fc.array(ids, { maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(undefined, "email", "status", "score", "tags", "rank")
      .chain((index) =>
        fc.record({
          kind: fc.constant("query" as const),
          index: fc.constant(index),
          where:
            index === undefined
              ? fc.constantFrom(undefined, { gte: "b", lt: "e" })
              : ranges[index]!,
          order: fc.constantFrom("asc" as const, "desc" as const),
          limit: fc.integer({ min: 1, max: 4 }),
        }),
      ),
  },
);

async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (!CrmkitError.is(error)) throw error;
    return { ok: false, code: error.code };
  }
}

async function readPages(
  store: StorageAdapter,
  step: Extract<Step, { kind: "query" }>,
): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: { records: StoredRecord[]; cursor: string | null } = await store.query({
      collection: "contacts",
      order: step.order,
      limit: step.limit,
      cursor,
      ...(step.index === undefined ? {} : { index: step.index }),
      ...(step.where === undefined ? {} : { where: step.where }),
    });
    records.push(...page.records);
    cursor = page.cursor;
  } while (cursor !== null);
  return records;
}

async function toOperations(
  model: StorageAdapter,
  step: Extract<Step, { kind: "write" }>,
): Promise<WriteOperation[]> {
  const operations: WriteOperation[] = [];
  for (const { id, fields: values, expect: expected } of step.operations) {
    const expectedRevision =
      expected === "current" ? ((await model.get("contacts", id))?.revision ?? 0) : expected;
    const revision = expectedRevision === undefined ? {} : { expectedRevision };
    operations.push(
      values === null
        ? { type: "delete", collection: "contacts", id, ...revision }
        : { type: "put", collection: "contacts", record: { id, ...values }, ...revision },
    );
  }
  return operations;
}

/**
 * The model-based property test: random sequences of batches, reads and paginated index queries
 * run against the adapter and against the plain-Map reference; every answer must be the same, and
 * every failure must fail alike.
 */
export const modelBasedCase: ConformanceCase = {
  id: "model-based",
  title: "behaves like a plain Map model over random operation sequences (property test)",
  async run({ open, propertyRuns }) {
    const store = await open();
    const model = createReferenceStorage(store.schema);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25, size: "max" }), async (steps) => {
        await store.clear();
        await model.clear();
        for (const current of steps) {
          if (current.kind === "write") {
            const operations = await toOperations(model, current);
            const expected = await settle<WriteOutcome[]>(model.write(operations));
            const actual = await settle<WriteOutcome[]>(store.write(operations));
            expect(actual).toEqual(expected);
          } else if (current.kind === "get") {
            expect(await store.getMany("contacts", current.ids)).toEqual(
              await model.getMany("contacts", current.ids),
            );
          } else {
            expect(await readPages(store, current)).toEqual(await readPages(model, current));
            const selection = {
              collection: "contacts",
              ...(current.index === undefined ? {} : { index: current.index }),
              ...(current.where === undefined ? {} : { where: current.where }),
            };
            expect(await store.count(selection)).toBe(await model.count(selection));
          }
        }
      }),
      { numRuns: propertyRuns },
    );
  },
};
