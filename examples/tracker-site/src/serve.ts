// The tracker demo: `pnpm --filter @crmkit/example-tracker-site start`, then open
// http://127.0.0.1:8080. It starts its own examples/collector-server (the collector, a scoring model
// and a demo contact) on port 8788 — not 8787, so that the collector example can run beside it —
// and serves this static site on 8080, proxying the collector under /c/hits: first-party, as
// docs/tracker.md recommends, so ad blockers leave it alone. Both listen on 127.0.0.1 only (HOST
// changes it). DROP_BOTS=false makes the collector score automated (headless) browsers too.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import { fileURLToPath } from "node:url";
import { pages, render } from "./pages.js";

const publicDir = fileURLToPath(new URL("../public/", import.meta.url));

/** What the collector answered to the last batch of hits: what the demo's panel reports. */
interface LastAnswer {
  readonly status: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly dropped: number;
  readonly at: string;
}

/**
 * Serves the demo site on `port` (0 picks a free one), proxying the collector server that listens
 * on `collector` (`http://127.0.0.1:8788`). Resolves once it listens.
 */
export async function startSite(options: {
  readonly port?: number;
  readonly host?: string;
  readonly collector: string;
}): Promise<{ readonly url: string; readonly server: Server }> {
  const snippet = await readFile(fileURLToPath(import.meta.resolve("@crmkit/tracker/crmkit.js")));
  const upstream = new URL(options.collector);
  let last: LastAnswer | null = null;

  /** Forwards a request to the collector server, as a reverse proxy in front of it would. */
  function proxy(req: IncomingMessage, res: ServerResponse, path: string): void {
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path,
        method: req.method,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (path !== "/hits") {
          answer.pipe(res);
          return;
        }
        // Hits: pass the answer on, and keep its counts for the panel.
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          res.end(body);
          try {
            const counts = JSON.parse(body.toString("utf8")) as Partial<LastAnswer>;
            last = {
              status: answer.statusCode ?? 0,
              accepted: counts.accepted ?? 0,
              duplicates: counts.duplicates ?? 0,
              dropped: counts.dropped ?? 0,
              at: new Date().toISOString(),
            };
          } catch {
            // Not JSON (a proxy's error page): nothing to report.
          }
        });
      },
    );
    forwarded.on("error", () => res.writeHead(502).end());
    req.pipe(forwarded);
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/crmkit.js") {
      res.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-cache" });
      return res.end(snippet);
    }
    if (url.pathname === "/c/hits") return proxy(req, res, "/hits");
    // The host's backend: who is logged in (a signed identify token), and the demo's panel.
    if (url.pathname === "/api/sign") return proxy(req, res, "/sign");
    if (url.pathname === "/api/score") return proxy(req, res, "/score");
    if (url.pathname === "/api/lead") return proxy(req, res, "/lead");
    if (url.pathname === "/api/last-answer") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(JSON.stringify(last));
    }
    const page = pages[url.pathname];
    if (page !== undefined) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(render(page));
    }
    const asset = { "/panel.js": "text/javascript", "/style.css": "text/css" }[url.pathname];
    if (asset === undefined) return res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": asset });
    return res.end(await readFile(`${publicDir}${url.pathname}`));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(options.port ?? 8080, host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { url: `http://${host}:${port}/`, server };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? "127.0.0.1";
  const collectorPort = Number(process.env.COLLECTOR_PORT ?? 8788);
  const collector = spawn(
    process.execPath,
    [fileURLToPath(new URL("../../collector-server/dist/server.js", import.meta.url))],
    {
      env: { ...process.env, PORT: String(collectorPort) },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const stop = () => {
    collector.kill();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  collector.on("exit", (code) => {
    process.stderr.write(`the collector stopped (${code}); stopping too\n`);
    process.exit(1);
  });
  const { url } = await startSite({
    port,
    host,
    collector: `http://127.0.0.1:${collectorPort}`,
  });
  process.stdout.write(
    `tracker demo site on ${url} (its collector on 127.0.0.1:${collectorPort})\n`,
  );
}
