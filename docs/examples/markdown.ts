// Guides as programs: the TypeScript blocks of a markdown file extracted as written, type-checked
// with the repository's strict settings, run, and what they print compared with what they say
// they print.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "node:util";
import ts from "typescript";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** Where extracted programs are written (ignored by git). */
export const scratch = fileURLToPath(new URL("./.readme/", import.meta.url));

/** Files whose blocks need a browser: they run in Chromium (`browser-guides.test.ts`). */
export const browserOnly: ReadonlySet<string> = new Set([
  "docs/tracker.md",
  "packages/storage-indexeddb/README.md",
]);

/** A markdown file of the documentation, with how many blocks it runs and how many files it shows. */
export interface DocumentedFile {
  /** Its path from the repository's root. */
  readonly path: string;
  /** Its TypeScript blocks that are part of its program. */
  readonly blocks: number;
  /** Its blocks that show a repository file whole (` ```ts file=path `). */
  readonly shown: number;
}

/** The README, the guides in `docs/`, and the READMEs of the packages and the examples. */
export async function markdownFiles(): Promise<DocumentedFile[]> {
  const paths = ["README.md"];
  for (const name of (await readdir(`${root}docs`)).sort())
    if (name.endsWith(".md")) paths.push(`docs/${name}`);
  for (const folder of ["packages", "examples"])
    for (const name of (await readdir(`${root}${folder}`)).sort())
      if (existsSync(`${root}${folder}/${name}/README.md`))
        paths.push(`${folder}/${name}/README.md`);
  return Promise.all(
    paths.map(async (path) => {
      const text = await readFile(`${root}${path}`, "utf8");
      return {
        path,
        blocks: text.match(/```ts\n/g)?.length ?? 0,
        shown: text.match(/```ts file=/g)?.length ?? 0,
      };
    }),
  );
}

/** The TypeScript blocks of a markdown file (under one heading, or all), joined in order. */
export async function programOf(file: string, heading?: string): Promise<string> {
  let text = await readFile(`${root}${file}`, "utf8");
  if (heading !== undefined) {
    text = text.slice(text.indexOf(`## ${heading}`));
    const next = text.indexOf("\n## ", 3);
    if (next !== -1) text = text.slice(0, next);
  }
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  if (blocks.length === 0) throw new Error(`no ts block in ${file}`);
  // Relative imports mean what they mean to a reader of the markdown file: next to it.
  const from = dirname(`${root}${file}`);
  return blocks
    .join("\n")
    .replace(/(from\s+")(\.\.?\/[^"]+)"/g, (_, head: string, path: string) => {
      const target = relative(scratch, resolve(from, path)).replaceAll("\\", "/");
      return `${head}${target.startsWith(".") ? target : `./${target}`}"`;
    });
}

/**
 * The blocks that show a repository file whole (` ```ts file=path `), each with the file's text:
 * a guide that shows a test file shows exactly that file.
 */
export async function shownFiles(
  file: string,
): Promise<{ path: string; shown: string; actual: string }[]> {
  const text = await readFile(`${root}${file}`, "utf8");
  return Promise.all(
    [...text.matchAll(/```ts file=(\S+)\n([\s\S]*?)```/g)].map(async (match) => ({
      path: match[1]!,
      shown: match[2]!,
      actual: await readFile(`${root}${match[1]!}`, "utf8"),
    })),
  );
}

/**
 * What the program says it prints: the comment after a `console.log(…)` on its line, or the
 * comment lines right after a `console.log` line that has none (a loop's lines).
 */
export function expectedOutput(code: string): string[] {
  const out: string[] = [];
  let printing = false;
  // A `console.log(` call the formatter spread over several lines: its comment is on the last.
  let open = 0;
  for (const line of code.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("// ") && open === 0) {
      if (printing) out.push(trimmed.slice(3));
      continue;
    }
    const trailing = / \/\/ (.*)$/.exec(line);
    const code = trailing === null ? line : line.slice(0, trailing.index);
    const logs = open > 0 || code.includes("console.log(");
    if (logs)
      open = Math.max(0, open + depth(code.slice(open > 0 ? 0 : code.indexOf("console.log("))));
    if (logs && open === 0 && trailing !== null) out.push(trailing[1]!);
    printing = logs && open === 0 && trailing === null;
  }
  return out;
}

/** Opened minus closed parentheses, outside string literals. */
function depth(text: string): number {
  let balance = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "(") balance++;
    else if (c === ")") balance--;
  }
  return balance;
}

/** Writes the program to a file of its own, type-checks it, and returns the file and problems. */
export async function compile(
  name: string,
  code: string,
): Promise<{ file: string; problems: string[] }> {
  await mkdir(scratch, { recursive: true });
  const file = `${scratch}${name}.ts`;
  await writeFile(file, `${code}\nexport {};\n`);
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
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
  return { file, problems };
}

/** Runs a compiled program and returns what it printed. */
export async function run(file: string): Promise<string[]> {
  const printed: string[] = [];
  // The programs print their results; the tests read them.
  const terminal = console;
  const log = terminal.log;
  // As Node's console prints them (objects inspected, not "[object Object]").
  terminal.log = (...args: unknown[]) => printed.push(format(...args));
  try {
    await import(pathToFileURL(file).href);
  } finally {
    terminal.log = log;
  }
  return printed;
}

/** A markdown file's blocks of one language (` ```sh `), as written, with their indentation removed. */
export async function blocksOf(file: string, language: string): Promise<string[]> {
  const text = await readFile(`${root}${file}`, "utf8");
  return [...text.matchAll(new RegExp(`( *)\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map(
    (match) =>
      match[2]!
        .split("\n")
        .map((line) => line.slice(match[1]!.length))
        .join("\n"),
  );
}

/** A workspace package as the shell check reads it. */
interface WorkspacePackage {
  readonly scripts: Record<string, string>;
  readonly published: boolean;
  readonly packageManager?: string;
}

let workspace: Promise<Map<string, WorkspacePackage>> | undefined;

/**
 * The workspace's packages, by name (the root as `(root)`): the folders `pnpm-workspace.yaml`
 * lists, read once.
 */
export function workspacePackages(): Promise<Map<string, WorkspacePackage>> {
  workspace ??= (async () => {
    // The `packages:` list: its `- pattern` lines, up to the next top-level key.
    const yaml = (await readFile(`${root}pnpm-workspace.yaml`, "utf8")).split("\n");
    const listed: string[] = [];
    for (const line of yaml.slice(yaml.indexOf("packages:") + 1)) {
      const pattern = /^\s+-\s*"?([^"\s]+)"?\s*$/.exec(line)?.[1];
      if (pattern !== undefined) listed.push(pattern);
      else if (/^\S/.test(line)) break;
    }
    const dirs = ["."];
    for (const pattern of listed)
      if (pattern.endsWith("/*")) {
        const folder = pattern.slice(0, -2);
        for (const name of await readdir(`${root}${folder}`)) dirs.push(`${folder}/${name}`);
      } else dirs.push(pattern);
    const packages = new Map<string, WorkspacePackage>();
    for (const dir of dirs) {
      if (!existsSync(`${root}${dir}/package.json`)) continue;
      const manifest = JSON.parse(await readFile(`${root}${dir}/package.json`, "utf8")) as {
        name?: string;
        private?: boolean;
        scripts?: Record<string, string>;
        packageManager?: string;
      };
      packages.set(dir === "." ? "(root)" : (manifest.name ?? dir), {
        scripts: manifest.scripts ?? {},
        published: manifest.private !== true,
        ...(manifest.packageManager === undefined
          ? {}
          : { packageManager: manifest.packageManager }),
      });
    }
    return packages;
  })();
  return workspace;
}

/**
 * What is wrong with a shell block's commands, checked against the workspace without running them
 * (they install from the registry or start servers): the pnpm version pinned by `packageManager`,
 * root scripts, `--filter` packages and their scripts, and the packages an `npm install` names.
 */
export async function shellProblems(block: string): Promise<string[]> {
  const packages = await workspacePackages();
  const top = packages.get("(root)")!;
  const pinned = top.packageManager;
  const problems: string[] = [];
  for (const raw of block.split("\n")) {
    const line = raw
      .replace(/#.*$/, "")
      .trim()
      .replace(/^(\w+=\S+ )+/, "");
    if (line === "") continue;
    const words = line.split(/\s+/);
    if (words[0] === "npm" && words[1] === "install") {
      for (const name of words.slice(2).filter((w) => w.startsWith("@crmkit/")))
        if (!packages.get(name)?.published)
          problems.push(`${line}: ${name} is not a published package`);
      continue;
    }
    let rest = words;
    if (rest[0] === "npx") {
      rest = rest.slice(1).filter((w) => w !== "--yes");
      if (rest[0] !== pinned) problems.push(`${line}: not the pinned ${pinned}`);
      rest = ["pnpm", ...rest.slice(1)];
    }
    if (rest[0] !== "pnpm") {
      problems.push(`${line}: not a command this check knows`);
      continue;
    }
    rest = rest.slice(1);
    let scripts = top.scripts;
    if (rest[0] === "--filter") {
      const target = packages.get(rest[1]!);
      if (target === undefined) problems.push(`${line}: no package ${rest[1]}`);
      scripts = target?.scripts ?? {};
      rest = rest.slice(2);
    }
    if (rest[0] === "run") rest = rest.slice(1);
    if (rest[0] === "install") continue;
    if (scripts[rest[0]!] === undefined) problems.push(`${line}: no script "${rest[0]}"`);
  }
  return problems;
}
