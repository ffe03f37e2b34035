// Every TypeScript block of the README, the package READMEs and the guides, extracted from the
// markdown and run as written: each file's blocks are one program that type-checks with the
// repository's strict settings and prints what it says it prints.
import { readdir, rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import {
  blocksOf,
  browserOnly,
  compile,
  expectedOutput,
  markdownFiles,
  programOf,
  run,
  scratch,
  shellProblems,
  shownFiles,
} from "./markdown.js";

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const documented = await markdownFiles();
const programs = documented.filter((file) => file.blocks > 0 && !browserOnly.has(file.path));
const showing = documented.filter((file) => file.shown > 0);

describe("the README, the package READMEs and the guides, as written", () => {
  it("finds every markdown file of the repository's documentation", async () => {
    expect(documented.map((file) => file.path)).toContain("README.md");
    expect(documented.map((file) => file.path)).toContain("docs/getting-started.md");
    const guides = (await readdir(new URL("../", import.meta.url))).filter((name) =>
      name.endsWith(".md"),
    );
    for (const guide of guides)
      expect(documented.map((file) => file.path)).toContain(`docs/${guide}`);
    // Blocks that need a browser run in Chromium (docs/examples/browser-guides.test.ts).
    for (const path of browserOnly) expect(documented.map((file) => file.path)).toContain(path);
  });

  it.each(programs.map((file) => [file.path]))(
    "%s type-checks, runs, and prints what it says",
    async (path) => {
      const code = await programOf(path);
      const { file: program, problems } = await compile(path.replace(/[^a-z]+/gi, "-"), code);
      expect(problems).toEqual([]);
      const expected = expectedOutput(code);
      expect(expected.length).toBeGreaterThan(0);
      expect(await run(program)).toEqual(expected);
    },
    60_000,
  );

  it.each(showing.map((file) => [file.path]))(
    "%s shows the repository files it shows whole, as they are",
    async (path) => {
      for (const block of await shownFiles(path)) expect(block.shown).toBe(block.actual);
    },
  );
});

describe("the other blocks", () => {
  it("the command check refuses what does not exist", async () => {
    expect(await shellProblems("pnpm --filter @crmkit/nope start")).toHaveLength(2);
    expect(await shellProblems("npx --yes pnpm@9.0.0 run check")).toHaveLength(1);
    expect(await shellProblems("npm install @crmkit/core @crmkit/docs")).toHaveLength(1);
    expect(await shellProblems("pnpm quickstart\npnpm bench scoring")).toEqual([]);
  });

  it.each(documented.map((file) => [file.path]))(
    "%s: its commands name scripts and packages that exist, its JSON parses",
    async (path) => {
      for (const block of await blocksOf(path, "sh"))
        expect(await shellProblems(block)).toEqual([]);
      for (const block of await blocksOf(path, "json"))
        expect(() => JSON.parse(block)).not.toThrow();
    },
  );
});
