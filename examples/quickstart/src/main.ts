// The crmkit quick start. Run it with `pnpm demo` after `pnpm build`; it grows with every
// capability crmkit gains. Everything below runs on the in-memory store with real data.
import {
  CrmkitError,
  createTestEnvironment,
  defineStorageSchema,
  type StoredRecord,
} from "@crmkit/core";
import { createMemoryStorage } from "@crmkit/storage-memory";

const schema = defineStorageSchema({
  version: 1,
  collections: [
    {
      name: "contacts",
      indexes: [
        { name: "email", path: "email", unique: true },
        { name: "status", path: "status" },
        { name: "tags", path: "tags", multiEntry: true },
        { name: "score", path: "scores.global" },
      ],
    },
  ],
});

const env = createTestEnvironment({ now: "2026-11-23T09:00:00Z", seed: 2026 });
const store = createMemoryStorage({ schema });
const heading = (text: string) => console.log(`\n== ${text}`);

heading("Storage: 10,000 contacts written in one atomic batch");
const statuses = ["customer", "prospect", "hot prospect", "competitor", "supplier"];
const potentials = ["gold", "silver", "bronze"];
const contacts = Array.from({ length: 10_000 }, (_, i) => ({
  id: env.newId(),
  name: `Contact ${i + 1}`,
  email: `contact${i + 1}@example.com`,
  status: statuses[Math.floor(env.random() ** 1.5 * statuses.length)]!,
  tags: [potentials[Math.floor(env.random() * 3)]!, ...(env.random() < 0.3 ? ["france"] : [])],
  scores: { global: Math.round(env.random() * 100) },
  createdAt: new Date(env.now() - Math.floor(env.random() * 365) * 86_400_000).toISOString(),
}));
let changes = 0;
const stopWatching = store.watch((batch) => {
  changes += batch.changes.length;
});
const started = performance.now();
await store.write(
  contacts.map((record) => ({ type: "put", collection: "contacts", record, expectedRevision: 0 })),
);
console.log(
  `wrote ${contacts.length} records in ${(performance.now() - started).toFixed(0)} ms; watchers saw ${changes} changes`,
);

heading("Index queries: counts by status (each answered from the status index)");
for (const status of statuses) {
  const count = await store.count({
    collection: "contacts",
    index: "status",
    where: { eq: status },
  });
  console.log(`${status.padEnd(14)} ${String(count).padStart(5)}`);
}

heading("Range query: the five best scores among all contacts, highest first");
const top = await store.query({
  collection: "contacts",
  index: "score",
  where: { gte: 90 },
  order: "desc",
  limit: 5,
});
for (const record of top.records)
  console.log(
    `${String((record.scores as { global: number }).global).padStart(3)}  ${record.name}  <${record.email}>`,
  );

heading("Multi-entry index with cursor pagination: every gold contact, 1,000 at a time");
let cursor: string | null = null;
let pages = 0;
let gold = 0;
do {
  const page: { records: StoredRecord[]; cursor: string | null } = await store.query({
    collection: "contacts",
    index: "tags",
    where: { eq: "gold" },
    limit: 1000,
    cursor,
  });
  pages++;
  gold += page.records.length;
  cursor = page.cursor;
} while (cursor !== null);
console.log(`${gold} gold contacts in ${pages} pages`);

heading("Optimistic concurrency: two reps update the same contact at once");
const [first] = contacts;
const [tabA, tabB] = await Promise.all([
  store.get("contacts", first!.id),
  store.get("contacts", first!.id),
]);
const results = await Promise.allSettled([
  store.write([
    {
      type: "put",
      collection: "contacts",
      record: { ...tabA!, status: "customer" },
      expectedRevision: tabA!.revision,
    },
  ]),
  store.write([
    {
      type: "put",
      collection: "contacts",
      record: { ...tabB!, status: "competitor" },
      expectedRevision: tabB!.revision,
    },
  ]),
]);
for (const [i, result] of results.entries()) {
  const who = i === 0 ? "rep A" : "rep B";
  if (result.status === "fulfilled")
    console.log(`${who}: saved as revision ${result.value[0]!.revision}`);
  else if (CrmkitError.is(result.reason))
    console.log(`${who}: ${result.reason.code} — ${result.reason.message}`);
}
console.log(
  `stored status: ${(await store.get("contacts", first!.id))!.status} (no update was lost silently)`,
);

heading("Atomic batches: a batch with one bad operation writes nothing");
const before = await store.count({ collection: "contacts" });
try {
  await store.write([
    {
      type: "put",
      collection: "contacts",
      record: { id: "new-1", email: "fresh@example.com", status: "prospect" },
    },
    {
      type: "put",
      collection: "contacts",
      record: { id: "new-2", email: contacts[1]!.email, status: "prospect" },
    },
  ]);
} catch (error) {
  if (!CrmkitError.is(error)) throw error;
  console.log(`${error.code}: ${error.message}`);
}
console.log(
  `contacts before: ${before}, after: ${await store.count({ collection: "contacts" })}; new-1 stored: ${(await store.get("contacts", "new-1")) !== null}`,
);

heading("Validation: bad input names the bad field");
try {
  await store.write([
    { type: "put", collection: "contacts", record: { id: "x", lastCall: new Date() } },
  ]);
} catch (error) {
  if (!CrmkitError.is(error)) throw error;
  console.log(`${error.code} at ${JSON.stringify(error.details.path)}: ${error.message}`);
}

stopWatching();
await store.close();
