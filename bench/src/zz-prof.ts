import { seededRandom } from "@crmkit/core";
import { createMemoryStorage } from "@crmkit/storage-memory";
import { makeBenchContacts } from "./harness.js";

const records = makeBenchContacts(100_000, seededRandom(1));
const schema = {
  version: 1,
  collections: [
    {
      name: "contacts",
      indexes: [
        { name: "email", path: "email", unique: true },
        { name: "status", path: "status" },
        { name: "tags", path: "tags", multiEntry: true },
      ],
    },
  ],
};
const store = createMemoryStorage({ schema });
for (let i = 0; i < records.length; i += 1000)
  await store.write(
    records
      .slice(i, i + 1000)
      .map((record) => ({ type: "put" as const, collection: "contacts", record })),
  );
let t = performance.now();
for (let i = 0; i < 300; i++)
  await store.query({
    collection: "contacts",
    index: "tags",
    where: { eq: i % 2 ? "gold" : "partner" },
    limit: 50,
  });
console.log("query", (performance.now() - t) / 300);
t = performance.now();
for (let i = 0; i < 300; i++)
  await store.count({ collection: "contacts", index: "status", where: { eq: "customer" } });
console.log("count", (performance.now() - t) / 300);
