// The crmkit quick start. Run it with `pnpm demo` after `pnpm build`; it grows with every
// capability crmkit gains. Everything below runs on the in-memory store with real data.
import {
  CrmkitError,
  createCrm,
  createTestEnvironment,
  crmStorageSchema,
  defineStorageSchema,
  q,
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

// ---------------------------------------------------------------------------------------------
heading("Segments: a workspace with custom statuses and a single-choice potential category");
const crm = await createCrm({
  storage: createMemoryStorage({ schema: crmStorageSchema }),
  environment: env,
  timezone: "Europe/Paris",
});
await crm.statuses.create({ id: "hot-prospect", name: "Hot prospect" });
await crm.statuses.create({ id: "former-customer", name: "Former customer" });
await crm.tags.createCategory({ id: "potential", name: "Potential", cardinality: "single" });
for (const id of ["gold", "silver", "bronze"]) {
  await crm.tags.create({ id, categoryId: "potential", name: id[0]!.toUpperCase() + id.slice(1) });
}
console.log(`statuses: ${(await crm.statuses.list()).map((status) => status.name).join(", ")}`);

heading("Bulk import: 10,000 generated contacts (every 1,000th row broken on purpose)");
const crmStatuses = ["customer", "prospect", "hot-prospect", "former-customer", "competitor"];
const countries = ["FR", "DE", "BE", "ES"];
const rows = Array.from({ length: 10_000 }, (_, i) => ({
  email: i % 1_000 === 999 ? `not an e-mail ${i}` : `lead${i}@example.com`,
  firstName: `Lead ${i}`,
  status: crmStatuses[Math.floor(env.random() ** 1.3 * crmStatuses.length)]!,
  country: countries[Math.floor(env.random() * countries.length)]!,
  tags: [potentials[Math.floor(env.random() * 3)]!],
  scores: { global: Math.round(env.random() * 100) },
}));
let imported = performance.now();
// Spread the creation dates over the last year, as if the contacts had arrived over time.
const report = await crm.contacts.import(rows.slice(0, 5_000), { upsertBy: "email" });
env.advance(-200 * 86_400_000);
const older = await crm.contacts.import(rows.slice(5_000), { upsertBy: "email" });
env.advance(200 * 86_400_000);
imported = performance.now() - imported;
console.log(
  `created ${report.created + older.created} in ${imported.toFixed(0)} ms; rejected ${report.failures.length + older.failures.length}, e.g. row ${report.failures[0]?.row} at ${JSON.stringify(report.failures[0]?.path)}: ${report.failures[0]?.message}`,
);
const again = await crm.contacts.import(rows.slice(0, 5_000), { upsertBy: "email" });
console.log(
  `importing the same file again: ${again.created} created, ${again.unchanged} unchanged`,
);

heading("Segment sizes (with how each was evaluated)");
const goldCustomers = await crm.segments.save({
  name: "Gold customers",
  query: q.and(q.statusIn("customer"), q.categoryIs("potential", "gold")),
});
const hotInFrance = await crm.segments.save({
  name: "Hot prospects in France",
  query: q.and(q.statusIn("hot-prospect"), q.field("country").eq("FR"), q.score("global").gte(50)),
});
const recent = await crm.segments.save({
  name: "Created this quarter (Paris time)",
  query: q.field("createdAt").inPeriod("quarter"),
});
for (const segment of [goldCustomers, hotInFrance, recent]) {
  const { count, examined, plan } = await crm.segments.count(segment.id);
  const how = plan.strategy === "index" ? `index ${plan.index}` : plan.strategy;
  console.log(
    `${segment.name.padEnd(34)} ${String(count).padStart(5)}   (${how}, examined ${examined} of ${plan.total})`,
  );
}

heading("Explain and membership events");
const sample = (
  await crm.segments.members(
    { query: q.and(q.statusIn("customer"), q.categoryIs("potential", "silver")) },
    { limit: 1 },
  )
).records[0]!;
crm.events.on("segment.entered", (event) =>
  console.log(
    `event segment.entered: ${event.recordId} → ${event.segmentId === goldCustomers.id ? goldCustomers.name : event.segmentId}`,
  ),
);
console.log(
  `before: ${(await crm.segments.explain(goldCustomers.id, sample.id)).children!.map((clause) => clause.summary).join("; ")}`,
);
await crm.contacts.addTags(sample.id, ["gold"]); // Silver is replaced: the contact enters the segment
console.log(
  `after:  ${(await crm.segments.explain(goldCustomers.id, sample.id)).children!.map((clause) => clause.summary).join("; ")}`,
);

heading("Bad queries name the bad node");
const problems = await crm.segments.validate(
  q.and(q.field("country").eq("FR"), q.categoryIs("potential", "hot-prospect")),
);
if (!problems.ok)
  console.log(`${JSON.stringify(problems.problems[0]!.path)}: ${problems.problems[0]!.message}`);
