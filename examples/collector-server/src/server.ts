// crmkit's collector in a Node server: `pnpm --filter @crmkit/example-collector-server start`.
// POST hits to http://127.0.0.1:8787/hits (HOST and PORT change where it listens; PORT=0 picks a
// free port); GET /sign?contact=<id> returns an identify token (the
// part of your own backend that knows who is logged in); GET /score?contact=<id> explains a score.
import { createServer } from "node:http";
import { createCrm, crmStorageSchema, q } from "@crmkit/core";
import { createCollector, signIdentity, toNodeListener } from "@crmkit/core/collector";
import { openMemoryStorage } from "@crmkit/storage-memory";

const port = Number(process.env.PORT ?? 8787);
// Loopback by default: put a reverse proxy in front of it to serve the internet.
const host = process.env.HOST ?? "127.0.0.1";
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
crm.events.on("score.thresholdCrossed", (event) => {
  process.stdout.write(`threshold ${event.direction}: ${event.contactId} at ${event.score}\n`);
});

const collect = toNodeListener(
  createCollector({
    scoring: crm.scoring,
    sites: [{ key: "pk_local", hostnames: ["localhost", "127.0.0.1"], exclude: ["/admin/*"] }],
    visitorSecret,
    identitySecret,
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
server.listen(port, host, () => {
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  process.stdout.write(`collector on http://${host}:${bound}/hits; demo contact ${demo.id}\n`);
});
