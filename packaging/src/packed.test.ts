// crmkit as a stranger installs it: every package packed as it would be published, the tarballs
// installed with npm into an empty project (no workspace, no source condition), and there a small
// program run in Node, type-checked with skipLibCheck off under the DOM lib and under @types/node,
// and bundled for the browser; each tarball then linted by publint and are-the-types-wrong. Needs
// `pnpm build` first (the README's check runs it before the tests) and the npm registry for the
// packages' own dependencies (zod, nanoid, idb, fast-check).
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { esbuildSize } from "./sizes.js";

const run = promisify(execFile);
const workspace = fileURLToPath(new URL("../../", import.meta.url));
const packages = [
  "core",
  "storage-memory",
  "storage-indexeddb",
  "storage-postgres",
  "storage-conformance",
  "tracker",
];

/** pnpm as the running script was started with (`pnpm run check`), else the one on the PATH. */
function pnpm(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  return execPath?.includes("pnpm") ? [process.execPath, [execPath]] : ["pnpm", []];
}

// The stranger's program: the CRM on the memory store, a segment count, money formatting, the
// query language, and the PostgreSQL adapter without its optional peers installed.
const program = `
import { CrmkitError, createCrm, crmStorageSchema } from "@crmkit/core";
import { formatMoney } from "@crmkit/core/money";
import { q } from "@crmkit/core/query";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { openPostgresStorage } from "@crmkit/storage-postgres";

const storage = await openMemoryStorage({ schema: crmStorageSchema });
const crm = await createCrm({ storage });
const ada = await crm.contacts.create({ firstName: "Ada", lastName: "Lovelace", country: "fr" });
const segment = await crm.segments.create({ name: "French", query: q.field("country").eq("FR") });
const { count: members } = await crm.segments.count(segment.id);
let missing = "";
try {
  await openPostgresStorage({ schema: crmStorageSchema });
} catch (error) {
  if (error instanceof CrmkitError) missing = error.code;
}
const line: string = [ada.country, members, formatMoney(1_234_500, "EUR", { locale: "en-US" }), missing].join(" | ");
console.log(line);
`;

let scratch = "";
const tarballs = new Map<string, string>();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "crmkit-packed-"));
  const packed = join(scratch, "tarballs");
  await mkdir(packed);
  const [command, prefix] = pnpm();
  for (const name of packages) {
    await run(command, [...prefix, "pack", "--pack-destination", packed], {
      cwd: join(workspace, "packages", name),
    });
  }
  for (const file of await readdir(packed)) {
    const name = packages.find((p) => file.startsWith(`crmkit-${p}-`));
    if (name !== undefined) tarballs.set(name, join(packed, file));
  }
  const project = join(scratch, "project");
  await mkdir(project);
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "stranger", private: true, type: "module" }),
  );
  // Peers are the project's to choose: the adapters' @crmkit/core is the tarball installed
  // alongside, vitest (the conformance suite's peer) and the PostgreSQL drivers are left out.
  await run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--legacy-peer-deps",
      "--prefer-offline",
      ...packages.map((name) => tarballs.get(name)!),
    ],
    { cwd: project },
  );
  await writeFile(join(project, "main.ts"), program);
}, 300_000);

afterAll(async () => {
  if (scratch !== "") await rm(scratch, { recursive: true, force: true });
});

describe("the packed packages, installed by a stranger", () => {
  it("packs every package, with its LICENSE and README and no workspace protocol", async () => {
    expect([...tarballs.keys()].sort()).toEqual([...packages].sort());
    for (const name of packages) {
      const { stdout } = await run("tar", ["-tzf", tarballs.get(name)!]);
      expect(stdout).toContain("package/LICENSE");
      expect(stdout).toContain("package/README.md");
      const { stdout: manifest } = await run("tar", [
        "-xzOf",
        tarballs.get(name)!,
        "package/package.json",
      ]);
      expect(manifest).not.toContain("workspace:");
      expect(manifest).not.toContain("@crmkit/source");
    }
  });

  it("runs in Node as ESM, and loads with require() too", async () => {
    const project = join(scratch, "project");
    const compiled = await build({
      entryPoints: [join(project, "main.ts")],
      format: "esm",
      platform: "node",
      write: false,
      logLevel: "silent",
    });
    await writeFile(join(project, "main.mjs"), compiled.outputFiles[0]!.text);
    const { stdout } = await run(process.execPath, ["main.mjs"], { cwd: project });
    expect(stdout.trim()).toBe("FR | 1 | €12,345.00 | CAPABILITY_MISSING");
    const { stdout: required } = await run(
      process.execPath,
      ["-e", `console.log(typeof require("@crmkit/core").createCrm)`],
      { cwd: project },
    );
    expect(required.trim()).toBe("function");
  });

  it.each([
    ["the DOM lib", { lib: ["ES2022", "DOM"], types: [] }],
    ["@types/node", { lib: ["ES2022"], types: ["node"] }],
  ])("type-checks with skipLibCheck off and %s", async (_, libs) => {
    const project = join(scratch, "project");
    const config = join(project, `tsconfig.${libs.types.length === 0 ? "dom" : "node"}.json`);
    await writeFile(
      config,
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: false,
          typeRoots: [join(workspace, "node_modules/@types")],
          ...libs,
        },
        files: ["main.ts"],
      }),
    );
    const tsc = join(workspace, "node_modules/typescript/bin/tsc");
    const result = await run(process.execPath, [tsc, "-p", config], { cwd: project }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout }),
    );
    expect(result.stdout).toBe("");
  });

  it("bundles for the browser", async () => {
    const project = join(scratch, "project");
    const page = `
      import { createCrm, crmStorageSchema } from "@crmkit/core";
      import { openIndexedDbStorage } from "@crmkit/storage-indexeddb";
      import { openMemoryStorage } from "@crmkit/storage-memory";
      console.log(createCrm, crmStorageSchema, openIndexedDbStorage, openMemoryStorage);
    `;
    const bundle = await esbuildSize(page, project);
    expect(bundle.code).toContain("indexedDB");
    expect(bundle.gzip).toBeGreaterThan(0);
  });

  it("passes publint (strict) and are-the-types-wrong (ESM only) on every tarball", async () => {
    const attw = join(workspace, "packaging/node_modules/.bin/attw");
    for (const name of packages) {
      const tarball = await readFile(tarballs.get(name)!);
      const { messages, pkg } = await publint({
        pack: {
          tarball: tarball.buffer.slice(
            tarball.byteOffset,
            tarball.byteOffset + tarball.byteLength,
          ),
        },
        strict: true,
      });
      expect(messages.map((m) => `${name}: ${formatMessage(m, pkg)}`)).toEqual([]);
      const checked = await run(attw, [
        tarballs.get(name)!,
        "--profile",
        "esm-only",
        "--format",
        "ascii",
      ]).catch((error: { stdout: string; code: number }) => ({
        stdout: error.stdout,
        code: error.code,
      }));
      expect("code" in checked ? `${name}:\n${checked.stdout}` : "").toBe("");
    }
  });
});
