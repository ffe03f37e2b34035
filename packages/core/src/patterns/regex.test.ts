import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRegex, maxProgramSize } from "./regex.js";

const atoms = [
  "a",
  "b",
  "k",
  ".",
  "[ab]",
  "[^a]",
  "[a-k]",
  "\\d",
  "\\w",
  "\\W",
  "\\s",
  "😀",
  "ſ",
  "\\u212A",
  "\\u{1F600}",
  "\\.",
  "\\-",
];
const assertions = ["^", "$", "\\b", "\\B"];
const quantifiers = ["*", "+", "?", "{2}", "{0,2}", "{1,}", "*?", "+?", "??", "{1,3}?"];

const patternArbitrary = fc.letrec<{ alt: string; seq: string; term: string }>((tie) => ({
  alt: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("seq"),
    fc.tuple(tie("seq"), tie("seq")).map(([a, b]) => `${a}|${b}`),
  ),
  seq: fc.array(tie("term"), { minLength: 0, maxLength: 4 }).map((terms) => terms.join("")),
  term: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...atoms),
    fc.constantFrom(...assertions),
    fc.tuple(fc.constantFrom(...atoms), fc.constantFrom(...quantifiers)).map(([a, q]) => a + q),
    fc
      .tuple(fc.constantFrom("(", "(?:", "(?<n>"), tie("alt"), fc.constantFrom("", ...quantifiers))
      .map(([open, inner, q]) => `${open}${inner})${q}`),
  ),
})).alt;

const textArbitrary = fc
  .array(fc.constantFrom("a", "b", "A", "k", "K", "s", "ſ", " ", "1", "😀", "-", "."), {
    maxLength: 10,
  })
  .map((chars) => chars.join(""));

function native(pattern: string, ignoreCase: boolean): RegExp | undefined {
  try {
    // Named groups must be unique: the generator may repeat `(?<n>`.
    return new RegExp(pattern, ignoreCase ? "iu" : "u");
  } catch {
    return undefined;
  }
}

describe("compileRegex", () => {
  it("answers exactly as JavaScript's RegExp on random patterns and texts (property)", () => {
    fc.assert(
      fc.property(
        patternArbitrary,
        fc.array(textArbitrary, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (pattern, texts, ignoreCase) => {
          const reference = native(pattern, ignoreCase);
          const compiled = compileRegex(pattern, { ignoreCase });
          if (reference === undefined) {
            expect(compiled.ok).toBe(false);
            return;
          }
          expect(compiled.ok).toBe(true);
          if (!compiled.ok) return;
          for (const text of texts)
            expect([pattern, text, compiled.regex.test(text)]).toEqual([
              pattern,
              text,
              reference.test(text),
            ]);
        },
      ),
      { numRuns: 1_500, seed: 20261206 },
    );
  }, 120_000);

  it("matches the shapes that freeze a backtracking engine, on long inputs, at once", () => {
    const long = `${"a".repeat(50_000)}!`;
    const cases: [string, string, boolean][] = [
      ["^(a?a?)+$", long, false],
      ["^(a?a?)+$", "a".repeat(50_000), true],
      ["(?:a?b?)+$", long, true],
      ["^(.?.?)+!$", long, true],
      ["(a+)+$", long, false],
      ["^(a+)+$", long, false],
      ["(a|aa)*b", long, false],
      ["(\\w+\\s?)*$", long, true],
      ["^(\\w+\\s?)*$", long, false],
      ["(.*a){1,20}x", long, false],
      ["^(a|a?)+$", long, false],
    ];
    for (const [pattern, text, expected] of cases) {
      const compiled = compileRegex(pattern);
      expect(compiled.ok, pattern).toBe(true);
      if (compiled.ok) expect([pattern, compiled.regex.test(text)]).toEqual([pattern, expected]);
    }
  });

  it("refuses backreferences, lookarounds, modifiers, bounds over 1000 and huge programs", () => {
    for (const [pattern, reason] of [
      ["(a)\\1", "backreferences"],
      ["(?<x>a)\\k<x>", "backreferences"],
      ["(?=a)a", "lookarounds"],
      ["(?!a)b", "lookarounds"],
      ["(?<=a)b", "lookarounds"],
      ["(?<!a)b", "lookarounds"],
      ["a{1,5000}", "bounds above 1000"],
      ["(a{1,1000}){1,1000}", "too complex"],
      ["((a|b){1,30}){1,30}", "too complex"],
      ["(", "not a valid"],
      ["a**", "not a valid"],
      ["\\q", "not a valid"],
    ] as const) {
      const compiled = compileRegex(pattern);
      expect([pattern, compiled.ok]).toEqual([pattern, false]);
      if (!compiled.ok) expect(compiled.reason).toContain(reason);
    }
  });

  it("bounds its program, so the work per character is bounded", () => {
    const compiled = compileRegex("[a-z]{1,900}@example\\.com");
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(compiled.regex.size).toBeLessThanOrEqual(maxProgramSize);
  });

  it("reads astral characters as one character and folds case as JavaScript does", () => {
    const tests: [string, boolean, string, boolean][] = [
      ["^.$", false, "😀", true],
      ["^\\u{1F600}$", false, "😀", true],
      ["^\\uD83D\\uDE00$", false, "😀", true],
      ["^k$", true, "\u212A", true],
      ["^\\w$", true, "ſ", true],
      ["^\\w$", false, "ſ", false],
      ["\\bé", false, "café", true],
      ["^\\p{Lu}+$", false, "ÉCOLE", true],
    ];
    for (const [pattern, ignoreCase, text, expected] of tests) {
      const compiled = compileRegex(pattern, { ignoreCase });
      expect(compiled.ok, pattern).toBe(true);
      if (compiled.ok)
        expect([pattern, text, compiled.regex.test(text)]).toEqual([pattern, text, expected]);
    }
  });
});
