// A collector over the memory store, for the loopback benchmark: `node … collector-server.ts <mode>`
// where mode is `scoring` (the real collector) or `bare` (reads and parses the body only). Prints
// the port on its first line.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createCrm, crmStorageSchema } from "@crmkit/core";
import { createCollector, toNodeListener } from "@crmkit/core/collector";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { benchModel } from "./scoring-model.js";

const mode = process.argv[2] ?? "scoring";
const crm = await createCrm({ storage: await openMemoryStorage({ schema: crmStorageSchema }) });
await crm.scoring.setModel(benchModel);
const collect =
  mode === "bare"
    ? async (request: Request) => {
        JSON.parse(await request.text());
        return new Response('{"ok":true}', {
          status: 202,
          headers: { "content-type": "application/json" },
        });
      }
    : createCollector({
        scoring: crm.scoring,
        sites: [{ key: "pk_bench", hostnames: ["example.com"] }],
        visitorSecret: "bench-visitor-secret-0123456789abcdef",
        clientRateLimit: { burst: 1e9, perSecond: 1e9 },
        siteRateLimit: { burst: 1e9, perSecond: 1e9 },
        // The request path only: scoring is another process's drain.
        drain: false,
      });
const listener = toNodeListener(collect);
const server = createServer((req, res) => void listener(req, res));
server.listen(0, "127.0.0.1", () => {
  console.log((server.address() as AddressInfo).port);
});
