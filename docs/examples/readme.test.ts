// The README's first example, extracted from the markdown and run as written: a visit scores a
// lead past its threshold, the hand-off deal is assigned by the rules, and the decision says why.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const scratch = fileURLToPath(new URL("./.readme/", import.meta.url));

/** The TypeScript block under a heading of a markdown file. */
async function blockUnder(file: string, heading: string): Promise<string> {
  const text = await readFile(`${root}${file}`, "utf8");
  const section = text.slice(text.indexOf(`## ${heading}`));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error(`no ts block under "${heading}" in ${file}`);
  return match[1]!;
}

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("the README", () => {
  it("runs its first example as written, and it type-checks", async () => {
    const code = await blockUnder("README.md", "A taste");
    await mkdir(scratch, { recursive: true });
    const file = `${scratch}taste.ts`;
    await writeFile(file, `${code}\nexport {};\n`);
    // Type-checked with the repository's strict settings.
    const config = ts.getParsedCommandLineOfConfigFile(
      `${root}tsconfig.json`,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      },
    )!;
    const program = ts.createProgram([file], { ...config.options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
    // Run: what it prints is what the README says it prints.
    const printed: string[] = [];
    // biome-ignore lint/suspicious/noConsole: the example prints its result; the test reads it
    const terminal = console;
    const log = terminal.log;
    terminal.log = (...args: unknown[]) => printed.push(args.map(String).join(" "));
    try {
      await import(pathToFileURL(file).href);
    } finally {
      terminal.log = log;
    }
    const expected = /\/\/ (Ada Lovelace: .*)\n$/.exec(code)![1];
    expect(printed).toEqual([expected]);
  }, 60_000);
});
