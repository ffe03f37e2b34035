import { createCrm, createTestEnvironment, crmStorageSchema } from "@crmkit/core";
import { createCollector } from "@crmkit/core/collector";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { benchModel, benchPaths } from "./scoring-model.js";
import { zipfVisitors } from "./scoring.bench.js";
const drain = process.argv[2] === "drain";
const start = Date.parse("2026-05-18T10:00:00Z");
const crm = await createCrm({ storage: await openMemoryStorage({ schema: crmStorageSchema }), environment: createTestEnvironment({ now: start }) });
await crm.scoring.setModel(benchModel);
await crm.contacts.import(Array.from({ length: 1000 }, (_, i) => ({ id: `c${i}`, email: `v${i}@example.com` })));
for (let i = 0; i < 1000; i++) await crm.scoring.identify({ siteId: "pk_bench", visitorId: `visitor_${String(i).padStart(6, "0")}`, contactId: `c${i}` });
const collect = createCollector({ scoring: crm.scoring, sites: [{ key: "pk_bench", hostnames: ["example.com"] }], visitorSecret: "bench-visitor-secret-0123456789abcdef", environment: createTestEnvironment({ now: start }), clientRateLimit: { burst: 1e9, perSecond: 1e9 }, siteRateLimit: { burst: 1e9, perSecond: 1e9 }, drain });
const who = zipfVisitors(20000, 1000);
const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
const t0 = performance.now();
for (let i = 0; i < 20000; i++) {
  const body = JSON.stringify({ site: "pk_bench", id: `evt_${String(i).padStart(10, "0")}`, type: "pageview", url: `https://example.com${benchPaths[i % benchPaths.length]}`, ts: start - (20000 - i) * 1000, vid: `visitor_${String(who[i]).padStart(6, "0")}` });
  const r = await collect(new Request("https://collect.example.com/", { method: "POST", headers: { "content-type": "text/plain", "user-agent": chrome }, body }), { ip: "203.0.113.7" });
  if (r.status !== 202) throw new Error(String(r.status));
}
await crm.scoring.settle();
console.log("µs/hit", ((performance.now() - t0) / 20000 * 1000).toFixed(1));
