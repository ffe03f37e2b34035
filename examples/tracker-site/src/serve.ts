// The tracker demo: `pnpm --filter @crmkit/example-tracker-site start`, then open
// http://127.0.0.1:8080. It starts its own examples/collector-server (the collector, a scoring model
// and a demo contact) on port 8788 — not 8787, so that the collector example can run beside it —
// and serves this static site on 8080, proxying the collector under /c/hits: first-party, as
// docs/tracker.md recommends, so ad blockers leave it alone. Both listen on 127.0.0.1 only (HOST
// changes it).
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { pages, render } from "./pages.js";

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "127.0.0.1";
const collectorPort = Number(process.env.COLLECTOR_PORT ?? 8788);
const publicDir = fileURLToPath(new URL("../public/", import.meta.url));
const snippet = await readFile(fileURLToPath(import.meta.resolve("@crmkit/tracker/crmkit.js")));

const collector = spawn(
  process.execPath,
  [fileURLToPath(new URL("../../collector-server/dist/server.js", import.meta.url))],
  { env: { ...process.env, PORT: String(collectorPort) }, stdio: ["ignore", "inherit", "inherit"] },
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

/** Forwards a request to the collector server, as a reverse proxy in front of it would. */
function proxy(req: IncomingMessage, res: ServerResponse, path: string): void {
  const upstream = request(
    {
      host: "127.0.0.1",
      port: collectorPort,
      path,
      method: req.method,
      headers: { ...req.headers, host: `localhost:${collectorPort}` },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => res.writeHead(502).end());
  req.pipe(upstream);
}

createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/crmkit.js") {
    res.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-cache" });
    return res.end(snippet);
  }
  if (url.pathname === "/c/hits") return proxy(req, res, "/hits");
  // The host's backend: who is logged in (a signed identify token), and the demo's score panel.
  if (url.pathname === "/api/sign") return proxy(req, res, "/sign");
  if (url.pathname === "/api/score") return proxy(req, res, "/score");
  const page = pages[url.pathname];
  if (page !== undefined) {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    return res.end(render(page));
  }
  const asset = { "/panel.js": "text/javascript", "/style.css": "text/css" }[url.pathname];
  if (asset === undefined) return res.writeHead(404).end("not found");
  res.writeHead(200, { "content-type": asset });
  return res.end(await readFile(`${publicDir}${url.pathname}`));
}).listen(port, host, () => {
  process.stdout.write(
    `tracker demo site on http://${host}:${port}/ (its collector on 127.0.0.1:${collectorPort})\n`,
  );
});
