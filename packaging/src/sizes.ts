// What a page pays for each public entry: bundled from the built packages (`dist`, as a registry
// install gets them) with esbuild and with rollup + terser, minified, gzip -9. The ceilings are the
// suite's; `docs/benchmarks.md` keeps the figures before and after.
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import nodeResolve from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";
import { build } from "esbuild";
import { rollup } from "rollup";

/** One thing a page may import, and what it may cost. */
export interface SizeEntry {
  /** A short name for tables. */
  readonly name: string;
  /** The page's module: what it imports and uses. */
  readonly source: string;
  /** The esbuild ceiling in gzip bytes. */
  readonly ceiling: number;
  /** The goal of the browser-weight issue, gzip bytes with esbuild. */
  readonly goal: number;
  /** Text that must not be in the bundle (a locale's message, the collector's wire messages). */
  readonly forbidden?: readonly string[];
  /** Measure this entry beyond another one's bundle (an adapter beyond the core). */
  readonly beyond?: string;
}

const kb = 1024;
// A German message of zod's locales: no locale but English may reach a page that did not ask.
const locale = "Ungültige Eingabe";
const wire = ["an engagement hit needs seconds", "identify needs a signed token"];

/** The entries measured, with their ceilings. */
export const sizeEntries: readonly SizeEntry[] = [
  {
    // Nothing at module top level that a bundler must keep: importing every entry for nothing
    // leaves nothing (an empty module gzips to about 20 B).
    name: "every entry imported, nothing used",
    source: `import "@crmkit/core"; import "@crmkit/core/query"; import "@crmkit/core/reports"; import "@crmkit/core/compensation"; import "@crmkit/core/money"; import "@crmkit/core/storage"; import "@crmkit/storage-memory"; import "@crmkit/storage-indexeddb";`,
    ceiling: 64,
    goal: 64,
  },
  {
    name: "the whole core",
    source: `import * as core from "@crmkit/core"; console.log(core);`,
    // 104 until the reports read stage history as columns (+1.5 KB, docs/benchmarks.md).
    ceiling: 105.5 * kb,
    goal: 60 * kb,
    forbidden: [locale],
  },
  {
    name: "createCrm + memory adapter",
    source: `import { createCrm } from "@crmkit/core"; import { openMemoryStorage } from "@crmkit/storage-memory"; console.log(createCrm, openMemoryStorage);`,
    // 107 until the reports read stage history as columns (+1.7 KB, docs/benchmarks.md).
    ceiling: 108.5 * kb,
    goal: 60 * kb,
    forbidden: [locale],
  },
  {
    name: "@crmkit/core/query",
    source: `import * as query from "@crmkit/core/query"; console.log(query);`,
    ceiling: 23.5 * kb,
    goal: 15 * kb,
    forbidden: [locale, ...wire],
  },
  {
    name: "@crmkit/core/reports",
    source: `import * as reports from "@crmkit/core/reports"; console.log(reports);`,
    // 20 until the reports read stage history as columns (+1.5 KB, docs/benchmarks.md).
    ceiling: 21.5 * kb,
    goal: 15 * kb,
    forbidden: [locale, ...wire],
  },
  {
    name: "@crmkit/core/compensation",
    source: `import * as compensation from "@crmkit/core/compensation"; console.log(compensation);`,
    ceiling: 25 * kb,
    goal: 15 * kb,
    forbidden: [locale, ...wire],
  },
  {
    name: "formatMoney",
    source: `import { formatMoney } from "@crmkit/core/money"; console.log(formatMoney);`,
    ceiling: 2 * kb,
    goal: 15 * kb,
    forbidden: [locale, ...wire],
  },
  {
    name: "openMemoryStorage",
    source: `import { openMemoryStorage } from "@crmkit/storage-memory"; console.log(openMemoryStorage);`,
    ceiling: 17 * kb,
    goal: 10 * kb,
    forbidden: [locale, ...wire],
  },
  {
    name: "IndexedDB adapter beyond the core",
    source: `import * as core from "@crmkit/core"; import * as idb from "@crmkit/storage-indexeddb"; console.log(core, idb);`,
    beyond: "the whole core",
    ceiling: 10 * kb,
    goal: 10 * kb,
    forbidden: [locale],
  },
];

/** What one bundler made of an entry. */
export interface BundleSize {
  /** Minified bytes. */
  readonly minified: number;
  /** gzip -9 bytes. */
  readonly gzip: number;
  /** The bundle's text, for the forbidden-text check. */
  readonly code: string;
}

// The page lives in this package, whose dependencies are the workspace's packages.
const pageDirectory = fileURLToPath(new URL(".", import.meta.url));

function measured(code: string): BundleSize {
  return { minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length, code };
}

/**
 * Bundles a page with esbuild, for the browser, minified, resolving its imports from `directory`
 * (this package's, whose dependencies are the workspace's packages, unless given).
 */
export async function esbuildSize(source: string, directory = pageDirectory): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: source, resolveDir: directory, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  return measured(result.outputFiles[0]!.text);
}

/** Bundles a page with rollup (node-resolve for the browser) and terser. */
export async function rollupSize(source: string): Promise<BundleSize> {
  const page = "\0page";
  const bundle = await rollup({
    input: page,
    onwarn: () => undefined,
    plugins: [
      {
        name: "page",
        resolveId: (id) => (id === page ? page : null),
        load: (id) => (id === page ? source : null),
      },
      nodeResolve({ browser: true, rootDir: pageDirectory }),
    ],
  });
  try {
    const { output } = await bundle.generate({ format: "es", plugins: [terser()] });
    return measured(output[0].code);
  } finally {
    await bundle.close();
  }
}
