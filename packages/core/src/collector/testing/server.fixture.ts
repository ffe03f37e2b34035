// A collector behind `toNodeListener` in its own process, for the hostile-client test: it must
// survive whatever the test's clients do. It prints `listening <port>` once ready and answers
// `GET /__stored` with the number of stored hits (outside the adapter, for the test to count).
import { createServer } from "node:http";
import { openMemoryStorage } from "../../../../storage-memory/src/index.js";
import { createCrm } from "../../crm.js";
import { collections, crmStorageSchema } from "../../records/index.js";
import { createCollector } from "../collector.js";
import { toNodeListener } from "../node.js";

const storage = await openMemoryStorage({ schema: crmStorageSchema });
const crm = await createCrm({ storage });
await crm.scoring.setModel({
  groups: [],
  rules: [{ id: "pricing", points: 20, when: { type: "page", url: "/pricing*" } }],
  thresholds: [],
});
const listener = toNodeListener(
  createCollector({
    scoring: crm.scoring,
    sites: [{ key: "pk_local", hostnames: ["localhost", "127.0.0.1"], exclude: ["/admin/*"] }],
    visitorSecret: "hostile-visitor-secret-0123456789abcdef",
    clientRateLimit: { burst: 1_000, perSecond: 100 },
  }),
  { bodyTimeoutMs: Number(process.env.BODY_TIMEOUT_MS ?? 1_000) },
);
const server = createServer((req, res) => {
  if (req.url === "/__stored" && req.method === "GET") {
    void storage.count({ collection: collections.hits }).then((count) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ count }));
    });
    return;
  }
  void listener(req, res);
});
server.headersTimeout = 2_000;
server.requestTimeout = 4_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
