import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob } from "./glob.js";

/** The reference: the same pattern as an anchored regular expression (fine on short inputs). */
function reference(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, "s");
}

const piece = fc.constantFrom("a", "b", "/", ".", "?", "ab", "*", "**");

describe("compileGlob", () => {
  it("matches exactly as the equivalent anchored regular expression (property)", () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 8 }).map((p) => p.join("")),
        fc.array(
          fc
            .array(fc.constantFrom("a", "b", "/", ".", "?"), { maxLength: 10 })
            .map((c) => c.join("")),
          { minLength: 1, maxLength: 8 },
        ),
        (pattern, subjects) => {
          const glob = compileGlob(pattern);
          const regex = reference(pattern);
          for (const subject of subjects)
            expect([pattern, subject, glob.test(subject)]).toEqual([
              pattern,
              subject,
              regex.test(subject),
            ]);
        },
      ),
      { numRuns: 2_000, seed: 42 },
    );
  }, 60_000);

  it("answers many wildcards against a long subject at once", () => {
    const glob = compileGlob("/a*a*a*a*a*a*b");
    expect(glob.test(`/${"a".repeat(100_000)}`)).toBe(false);
    expect(glob.test(`/${"a".repeat(100_000)}b`)).toBe(true);
    expect(compileGlob("*").test("")).toBe(true);
    expect(compileGlob("ab*ba").test("aba")).toBe(false);
  });
});
