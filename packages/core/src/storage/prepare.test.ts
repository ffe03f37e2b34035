import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { operationsSchema, wellFormed } from "./batch-shape.js";
import { copyJson, prepareWrite } from "./prepare.js";
import { createSchemaCatalog, defineStorageSchema } from "./schema.js";

const catalog = createSchemaCatalog({
  version: 1,
  collections: [{ name: "contacts", indexes: [{ name: "tags", path: "tags", multiEntry: true }] }],
});

const failsAt = (run: () => unknown, path: readonly (string | number)[]) =>
  expect(run).toThrowError(
    expect.objectContaining({
      code: "VALIDATION_FAILED",
      details: expect.objectContaining({ path }),
    }),
  );

describe("prepareWrite", () => {
  it("copies records, drops undefined fields, ignores a given revision and computes index keys", () => {
    const record = {
      id: "a",
      revision: 7,
      tags: ["x", "y"],
      skip: undefined,
      nested: { list: [1] },
    };
    const [prepared] = prepareWrite(catalog, [{ type: "put", collection: "contacts", record }]);
    expect(prepared).toMatchObject({
      type: "put",
      id: "a",
      opIndex: 0,
      keys: { tags: ["x", "y"] },
    });
    if (prepared?.type !== "put") throw new Error("expected a put");
    expect(prepared.record).toEqual({
      id: "a",
      revision: 0,
      tags: ["x", "y"],
      nested: { list: [1] },
    });
    expect(Object.keys(prepared.record)).toEqual(["id", "revision", "tags", "nested"]);
    record.nested.list.push(2);
    expect(prepared.record.nested).toEqual({ list: [1] });
  });

  it("reports the path of the first bad field", () => {
    failsAt(
      () =>
        prepareWrite(catalog, [
          { type: "put", collection: "contacts", record: { id: "a", when: new Date() } },
        ]),
      [0, "record", "when"],
    );
    failsAt(
      () =>
        prepareWrite(catalog, [
          { type: "put", collection: "contacts", record: { id: "a", list: [1, undefined] } },
        ]),
      [0, "record", "list", 1],
    );
    failsAt(
      () =>
        prepareWrite(catalog, [
          { type: "put", collection: "contacts", record: { id: "a", big: 10n } },
        ]),
      [0, "record", "big"],
    );
    failsAt(
      () =>
        prepareWrite(catalog, [
          { type: "delete", collection: "contacts", id: "a" },
          { type: "move" } as never,
        ]),
      [1, "type"],
    );
    failsAt(
      () =>
        prepareWrite(catalog, [
          { type: "delete", collection: "contacts", id: "a", extra: 1 } as never,
        ]),
      [0, "extra"],
    );
  });

  it("rejects cycles and absurd nesting instead of overflowing the stack", () => {
    const cyclic: Record<string, unknown> = { id: "a" };
    cyclic.self = cyclic;
    expect(() =>
      prepareWrite(catalog, [
        { type: "put", collection: "contacts", record: cyclic as { id: string } },
      ]),
    ).toThrowError(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("copyJson", () => {
  it("accepts null-prototype objects and copies deeply", () => {
    const value = Object.assign(Object.create(null) as object, { a: [{ b: 1 }] });
    const copy = copyJson(value) as { a: { b: number }[] };
    expect(copy).toEqual({ a: [{ b: 1 }] });
    (value as { a: { b: number }[] }).a[0]!.b = 2;
    expect(copy.a[0]!.b).toBe(1);
  });
});

describe("defineStorageSchema", () => {
  it("rejects duplicate names and bad paths with the path of the definition", () => {
    failsAt(
      () => defineStorageSchema({ version: 1, collections: [{ name: "a" }, { name: "a" }] }),
      ["collections", 1, "name"],
    );
    failsAt(
      () =>
        defineStorageSchema({
          version: 1,
          collections: [{ name: "a", indexes: [{ name: "x", path: "a..b" }] }],
        }),
      ["collections", 0, "indexes", 0, "path"],
    );
    failsAt(() => defineStorageSchema({ version: 0, collections: [] }), ["version"]);
  });
});

describe("the quick shape check of a write batch", () => {
  it("accepts exactly the batches the schema accepts", () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.constantFrom(0, 1, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53),
      fc.constantFrom("", "a", "x".repeat(513), "\u0000", "\ud800", "put", "delete"),
      fc.constant([]),
      fc.record({ id: fc.constantFrom("a", "", 7, "\ud800") }, { requiredKeys: [] }),
    );
    // Well-formed operations, so that acceptance is tested as much as refusal.
    const id = fc.string({ minLength: 1, maxLength: 4 });
    const revision = fc.integer({ min: 0, max: 9 });
    const put = fc.record(
      {
        type: fc.constant("put"),
        collection: fc.constant("contacts"),
        record: fc.record({ id, name: fc.string() }),
        expectedRevision: revision,
      },
      { requiredKeys: ["type", "collection", "record"] },
    );
    const remove = fc.record(
      {
        type: fc.constant("delete"),
        collection: fc.constant("contacts"),
        id,
        expectedRevision: revision,
      },
      { requiredKeys: ["type", "collection", "id"] },
    );
    const operation = fc.oneof(
      put,
      remove,
      fc.record(
        {
          type: fc.constantFrom("put", "delete", "patch", 1),
          collection: fc.oneof(fc.constant("contacts"), value),
          record: value,
          id: value,
          expectedRevision: value,
          extra: value,
        },
        { requiredKeys: [] },
      ),
      value,
    );
    fc.assert(
      fc.property(fc.oneof(fc.array(operation, { maxLength: 4 }), value), (batch) => {
        expect(wellFormed(batch)).toBe(operationsSchema.safeParse(batch).success);
      }),
      { numRuns: 3_000 },
    );
  });
});
