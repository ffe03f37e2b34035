// The quick-start's output, line by line: what a newcomer reads after `pnpm run quickstart`. It is
// compared with expected-output.txt (timings and byte sizes masked), and checked for what a sales
// manager would distrust — ids where names belong, amounts in minor units. After an intended
// change, UPDATE_QUICKSTART=1 rewrites the expected file; review its diff like code.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const expectedFile = fileURLToPath(new URL("../expected-output.txt", import.meta.url));
let lines: string[];

/** Timings and byte counts vary by machine and build: masked. */
const masked = (line: string) =>
  line.replace(/\b\d+ ms\b/g, "N ms").replace(/\b\d[\d,]* B\b/g, "N B");

beforeAll(async () => {
  // The demo as `pnpm demo` runs it, from the workspace's sources (no build of the example).
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--conditions=@crmkit/source", "examples/quickstart/src/main.ts"],
    { cwd: root, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
  );
  lines = stdout.trimEnd().split("\n").map(masked);
  if (process.env.UPDATE_QUICKSTART === "1") await writeFile(expectedFile, `${lines.join("\n")}\n`);
}, 150_000);

describe("the quick-start's output", () => {
  it("is the expected output, line by line", async () => {
    const expected = (await readFile(expectedFile, "utf8")).trimEnd().split("\n");
    for (const [i, line] of expected.entries()) expect(lines[i], `line ${i + 1}`).toBe(line);
    expect(lines).toHaveLength(expected.length);
  });

  it("names people, stages and pipelines, never their ids", () => {
    // crmkit's generated ids: 21 characters of nanoid's alphabet, with a digit or a capital.
    const generated = /(?<![\w@.-])(?=[\w-]*[A-Z0-9])[\w-]{21}(?![\w@.-])/;
    // The demo's user, stage and pipeline ids as words (an address like anna@crmkit.dev is fine).
    const ids =
      /(?<![\w@.-])(anna|marc|sam|hugo|lea|chloe|new-business|renewals|qualified|proposal)(?![\w@.-])/;
    for (const line of lines) {
      expect(line, line).not.toMatch(generated);
      expect(line, line).not.toMatch(ids);
    }
  });

  it("writes money formatted, in euros, never in minor units", () => {
    const money = lines.filter((line) => /€|EUR|weighted|revenue|pay|won for/i.test(line));
    expect(money.length).toBeGreaterThan(20);
    for (const line of money) {
      // Every euro amount has its thousands separated and its cents after a point.
      for (const [amount] of line.matchAll(/€\d[\d,]*(?:\.\d+)?/g))
        expect(amount, line).toMatch(/^€\d{1,3}(,\d{3})*\.\d\d$/);
      expect(line, line).not.toMatch(/\b\d+ ?(cents|minor units)\b/);
    }
  });
});
