// crmkit's collector in a Node server: `pnpm --filter @crmkit/example-collector-server start`.
// POST hits to http://127.0.0.1:8787/hits (HOST and PORT change where it listens; PORT=0 picks a
// free port; DROP_BOTS=false scores automated browsers too, for end-to-end tests); GET
// /sign?contact=<id> returns an identify token (the part of your own backend that knows who is
// logged in); GET /score?contact=<id> explains a score; GET /lead?contact=<id> says whether the
// contact qualified, and when.
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { createCrm, crmStorageSchema, q } from "@crmkit/core";
import { createCollector, signIdentity, toNodeListener } from "@crmkit/core/collector";
import { openMemoryStorage } from "@crmkit/storage-memory";

/** Where and how the collector server runs. */
export interface CollectorServerOptions {
  /** 0 picks a free port. @defaultValue 8787 */
  readonly port?: number;
  /** @defaultValue "127.0.0.1" (loopback: put a reverse proxy in front of it to serve the internet) */
  readonly host?: string;
  /** Drop automated browsers' hits, as in production. @defaultValue true */
  readonly dropBots?: boolean;
  /** Where it says what it does (thresholds crossed, its address). @defaultValue process.stdout */
  readonly log?: (line: string) => void;
}

/** Starts the collector server; resolves once it listens. */
export async function startCollectorServer(
  options: CollectorServerOptions = {},
): Promise<{ readonly url: string; readonly server: Server; readonly contactId: string }> {
  const port = options.port ?? 8787;
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  // In production both secrets come from your secret store; never ship them to the browser.
  const identitySecret =
    process.env.CRMKIT_IDENTITY_SECRET ?? "dev-identity-secret-change-me-0123456789";
  const visitorSecret =
    process.env.CRMKIT_VISITOR_SECRET ?? "dev-visitor-secret-change-me-0123456789";

  const crm = await createCrm({ storage: await openMemoryStorage({ schema: crmStorageSchema }) });
  await crm.scoring.setModel({
    groups: [{ id: "global", cap: 200, decay: { kind: "halfLife", halfLife: "30d" } }],
    rules: [
      {
        id: "pricing",
        name: "Pricing page",
        points: 20,
        when: { type: "page", url: "/pricing*" },
        repeat: "day",
      },
      {
        id: "cases",
        name: "Case study",
        points: 10,
        when: { type: "page", url: "/cases/*" },
        repeat: "once",
      },
      {
        id: "demo",
        name: "Demo request",
        points: 50,
        when: { type: "event", name: "form.submitted", props: { form: "demo" } },
      },
      {
        id: "fr",
        name: "Based in France",
        points: 20,
        when: { type: "fit", when: q.field("country").eq("FR") },
      },
    ],
    thresholds: [{ group: "global", qualifyAt: 100, unqualifyBelow: 80, handoff: false }],
  });
  const demo = await crm.contacts.create({
    firstName: "Ada",
    email: "ada@example.com",
    country: "FR",
  });
  // When a contact qualifies (or falls back under the threshold): said here, and kept for /lead.
  const crossings = new Map<string, { direction: string; score: number; at: string }>();
  crm.events.on("score.thresholdCrossed", (event) => {
    crossings.set(event.contactId, {
      direction: event.direction,
      score: event.score,
      at: event.at,
    });
    log(`threshold ${event.direction}: ${event.contactId} at ${event.score}`);
  });

  const collect = toNodeListener(
    createCollector({
      scoring: crm.scoring,
      sites: [{ key: "pk_local", hostnames: ["localhost", "127.0.0.1"], exclude: ["/admin/*"] }],
      visitorSecret,
      identitySecret,
      dropBots: options.dropBots ?? true,
    }),
  );

  const server = createServer(async (req, res) => {
    // The target comes from the client: parse it without trusting the Host header at all.
    const path = (req.url ?? "/").startsWith("/") ? (req.url ?? "/") : "/";
    const url = URL.canParse(path, "http://collector.invalid")
      ? new URL(path, "http://collector.invalid")
      : undefined;
    if (url?.pathname === "/hits") return collect(req, res);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body, null, 2));
    };
    if (url === undefined || req.method !== "GET") return reply(404, { error: "NOT_FOUND" });
    const contact = url.searchParams.get("contact") ?? demo.id;
    try {
      if (url.pathname === "/sign")
        return reply(200, {
          token: await signIdentity(
            { contactId: contact, expiresAt: Date.now() + 600_000 },
            identitySecret,
          ),
        });
      if (url.pathname === "/score") return reply(200, await crm.scoring.explain(contact));
      if (url.pathname === "/lead") {
        const crossing = crossings.get(contact);
        return reply(200, {
          qualified: crossing?.direction === "up",
          ...(crossing === undefined ? {} : { since: crossing.at, score: crossing.score }),
        });
      }
      return reply(404, { error: "NOT_FOUND" });
    } catch {
      // An unknown contact or a bad id: answered, never thrown out of the listener.
      return reply(400, { error: "BAD_REQUEST" });
    }
  });
  // Bounds on slow clients that the listener cannot see: headers must arrive within 10 s and a whole
  // request within 15 s (the listener itself gives a body 5 s).
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  log(`collector on http://${host}:${bound}/hits; demo contact ${demo.id}`);
  return { url: `http://${host}:${bound}`, server, contactId: demo.id };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1])
  await startCollectorServer({
    port: Number(process.env.PORT ?? 8787),
    host: process.env.HOST ?? "127.0.0.1",
    dropBots: process.env.DROP_BOTS !== "false",
  });
