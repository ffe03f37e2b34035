// Bundles the page and serves it: `pnpm dashboard` from the repository root (or this package's
// `start`), then open the address it prints. The page is bundled from the workspace's TypeScript
// sources by esbuild, so nothing needs building first.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** A strict policy: no inline script, no eval — crmkit's core needs neither. */
export const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

/**
 * Bundles `src/app.ts` for the browser. `fromSource` reads the workspace packages' TypeScript
 * sources (tests); otherwise their built `dist`, as an application would.
 */
export async function bundleApp(options: { readonly fromSource?: boolean } = {}): Promise<string> {
  const result = await build({
    entryPoints: [join(root, "src/app.ts")],
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    conditions: options.fromSource ? ["@crmkit/source"] : [],
    logLevel: "error",
  });
  return result.outputFiles[0]!.text;
}

/** Serves the page on 127.0.0.1 (`port` 0 picks a free one) and returns its address. */
export async function startServer(options: {
  readonly port?: number;
  readonly fromSource?: boolean;
}): Promise<{ readonly url: string; readonly server: Server }> {
  const files: Record<string, [string, string | Buffer]> = {
    "/": ["text/html; charset=utf-8", await readFile(join(root, "public/index.html"))],
    "/style.css": ["text/css", await readFile(join(root, "public/style.css"))],
    "/app.js": ["text/javascript", await bundleApp(options)],
  };
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? "/", "http://localhost").pathname];
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      "content-type": file[0],
      "content-security-policy": contentSecurityPolicy,
      "cache-control": "no-store",
    });
    response.end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, server };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { url } = await startServer({ port: Number(process.env.PORT ?? 8082), fromSource: true });
  process.stdout.write(
    `crmkit dashboard on ${url}\nThe first visit generates a year of sales and stores it in the browser's IndexedDB (a few seconds); add ?reset to start again. Ctrl-C stops.\n`,
  );
}
