import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { type Browser, chromium, type LaunchOptions, type Page } from "playwright-core";

/** The flags this project launches the system Chromium with (see the README). */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * Launches the system Chromium (`CHROMIUM_PATH`, else /usr/bin/chromium) with this project's flags;
 * `options.args` come after them, the other options as given.
 */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    ...options,
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...chromiumArgs, ...(options.args ?? [])],
  });
}

/**
 * Bundles a browser entry (workspace packages read from source), serves it on 127.0.0.1 so it has a
 * real origin for IndexedDB, opens it in the system Chromium and calls the global function it
 * defines. `prepare` runs once the page is loaded, before the call (to set a storage quota, say).
 * Everything is torn down afterwards. Tests of real-browser behaviour that vitest's browser mode
 * cannot set up use it too.
 */
export async function runInChromium<T>(
  entry: string,
  globalFunction: string,
  prepare?: (page: Page) => Promise<void>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "crmkit-bench-"));
  const bundle = join(dir, "bundle.js");
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    target: "es2022",
    conditions: ["@crmkit/source"],
    outfile: bundle,
    logLevel: "error",
  });
  const script = await readFile(bundle);
  const server = createServer((request, response) => {
    if (request.url === "/bundle.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      response.end(script);
    } else {
      response.writeHead(200, { "content-type": "text/html" });
      response.end('<!doctype html><meta charset="utf-8"><script src="/bundle.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await prepare?.(page);
    return (await page.evaluate(`globalThis.${globalFunction}()`)) as T;
  } finally {
    await browser.close();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The Chromium version, for the results' machine description. */
export async function chromiumVersion(): Promise<string> {
  const browser = await launchChromium();
  const version = browser.version();
  await browser.close();
  return version;
}
