// The README's first example, and whole guides, extracted from the markdown and run as written:
// each type-checks with the repository's strict settings and prints what it says it prints.
import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { compile, expectedOutput, programOf, run, scratch, shownFiles } from "./markdown.js";

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("the README and the guides, as written", () => {
  it.each([
    ["README.md", "A taste"],
    ["docs/getting-started.md", "(the whole guide)"],
    ["docs/privacy.md", "(the whole guide)"],
    ["docs/assignment.md", "(the whole guide)"],
    ["docs/scoring.md", "(the whole guide)"],
    ["docs/collector.md", "(the whole guide)"],
    ["docs/reports.md", "(the whole guide)"],
    ["docs/security.md", "(the whole guide)"],
    ["docs/activities.md", "(the whole guide)"],
    ["docs/automations.md", "(the whole guide)"],
    ["docs/email.md", "(the whole guide)"],
    ["docs/objectives.md", "(the whole guide)"],
    ["docs/compensation.md", "(the whole guide)"],
    ["docs/pipelines.md", "(the whole guide)"],
    ["docs/segments.md", "(the whole guide)"],
    ["docs/storage-adapters.md", "(the whole guide)"],
  ] as const)(
    "%s %s type-checks, runs, and prints what it says",
    async (file, section) => {
      const heading = section.startsWith("(") ? undefined : section;
      const code = await programOf(file, heading);
      const { file: program, problems } = await compile(
        file.replace(/[^a-z]+/gi, "-") + (heading ?? ""),
        code,
      );
      expect(problems).toEqual([]);
      const expected = expectedOutput(code);
      expect(expected.length).toBeGreaterThan(0);
      expect(await run(program)).toEqual(expected);
    },
    60_000,
  );
});

describe("files the guides show whole", () => {
  it("docs/storage-adapters.md shows its adapter's test file as it is", async () => {
    const shown = await shownFiles("docs/storage-adapters.md");
    expect(shown.map((block) => block.path)).toEqual(["docs/examples/snapshot-adapter.test.ts"]);
    for (const block of shown) expect(block.shown).toBe(block.actual);
  });
});
