import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CrmkitError } from "./errors.js";
import { collections } from "./records/schema.js";
import { memoryCrm } from "./testing/crm-fixture.js";
import { findInputProblem, textProblem } from "./text.js";

/** Any UTF-16 code units, lone surrogates and U+0000 included, biased towards them. */
const anyText = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 0xffff }),
      fc.constantFrom(0, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0x61, 0xe9),
    ),
    { maxLength: 12 },
  )
  .map((units) => String.fromCharCode(...units));

const acceptable = (text: string) => !text.includes("\u0000") && !/[\uD800-\uDFFF]/u.test(text);

describe("textProblem", () => {
  it("refuses exactly lone surrogates and U+0000 (property)", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(textProblem(text) === undefined).toBe(acceptable(text));
      }),
      { numRuns: 3_000 },
    );
  });

  it("finds the first bad string or key in nested input, with its path", () => {
    expect(findInputProblem({ a: [1, { b: "ok", c: "x\u0000" }] })?.path).toEqual(["a", 1, "c"]);
    expect(findInputProblem({ "k\ud800": 1 })?.path).toEqual(["k\ud800"]);
    expect(findInputProblem({ a: "😀", b: ["é"] })).toBeUndefined();
  });
});

describe("text at the entry points", () => {
  it("refuses a contact with bad text, names the field, writes nothing; accepts the rest (property)", async () => {
    const { crm, storage } = await memoryCrm();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        anyText,
        fc.constantFrom("firstName", "lastName", "source"),
        async (text, field) => {
          const before = await storage.count({ collection: collections.contacts });
          const result = await crm.contacts.create({ [field]: `n${text}` } as never).then(
            () => "ok",
            (error: unknown) => error,
          );
          if (acceptable(text)) {
            expect(result).toBe("ok");
            accepted++;
          } else {
            expect(CrmkitError.is(result, "VALIDATION_FAILED")).toBe(true);
            expect((result as CrmkitError).details.path).toEqual([field]);
            expect(await storage.count({ collection: collections.contacts })).toBe(before);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it("keeps every good row of an import and reports each bad one", async () => {
    const { crm } = await memoryCrm();
    const rows = Array.from({ length: 40 }, (_, i) => ({
      email: `row${i}@example.com`,
      firstName: i % 7 === 3 ? `Bob\ud800${i}` : i % 11 === 5 ? `A\u0000${i}` : `Name ${i}`,
    }));
    const report = await crm.contacts.import(rows);
    const bad = rows.flatMap((row, i) => (acceptable(row.firstName) ? [] : [i]));
    expect(report.failures.map((failure) => [failure.row, failure.path])).toEqual(
      bad.map((row) => [row, ["firstName"]]),
    );
    expect(report.created).toBe(rows.length - bad.length);
  });
});
