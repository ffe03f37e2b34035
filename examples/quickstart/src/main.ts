// The crmkit quick start. Run it with `pnpm demo` after `pnpm build`; it grows with every
// capability crmkit gains. Everything below runs on the in-memory store with real data.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import {
  CrmkitError,
  createCrm,
  createTestEnvironment,
  crmStorageSchema,
  formatMoney,
  missedAppointmentRecovery,
  q,
  recoveryReport,
} from "@crmkit/core";
import { createCollector, signIdentity } from "@crmkit/core/collector";
import {
  type CompensationPlan,
  comparePlans,
  parseActualsDataset,
  simulate,
  validatePlan,
} from "@crmkit/core/compensation";
import { createMemoryEmailSender } from "@crmkit/core/email";
import { allocateBySegment } from "@crmkit/core/objectives";
import {
  funnelReport,
  performanceReport,
  pipelineReport,
  reportCsv,
  toCsv,
} from "@crmkit/core/reports";
import { defineStorageSchema, type StoredRecord } from "@crmkit/core/storage";
import { openMemoryStorage } from "@crmkit/storage-memory";
import { openPostgresStorage } from "@crmkit/storage-postgres";
import { PGlite } from "@electric-sql/pglite";

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
const store = await openMemoryStorage({ schema });
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
    console.log(
      `${who}: ${result.reason.code} — the contact is at revision ${result.reason.details.actualRevision}, not ${result.reason.details.expectedRevision}; nothing was written`,
    );
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
  storage: await openMemoryStorage({ schema: crmStorageSchema }),
  environment: env,
  timezone: "Europe/Paris",
});
await crm.statuses.create({ id: "hot-prospect", name: "Hot prospect" });
await crm.statuses.create({ id: "former-customer", name: "Former customer" });
await crm.tags.categories.create({ id: "potential", name: "Potential", cardinality: "single" });
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
const again = await crm.contacts.import(rows, { upsertBy: "email" });
console.log(
  `importing the same file again: ${again.created} created, ${again.unchanged} unchanged, ${again.failures.length} rejected`,
);

heading("Segment sizes (with how each was evaluated)");
const goldCustomers = await crm.segments.create({
  name: "Gold customers",
  query: q.and(q.statusIn("customer"), q.categoryIs("potential", "gold")),
});
const hotInFrance = await crm.segments.create({
  name: "Hot prospects in France",
  query: q.and(q.statusIn("hot-prospect"), q.field("country").eq("FR"), q.score("global").gte(50)),
});
const recent = await crm.segments.create({
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
const sampleName = `${String(sample.firstName)} (${String(sample.email)})`;
const entered: string[] = [];
const stopListening = crm.events.on("segment.entered", (event) => {
  if (event.recordId === sample.id && event.segmentId === goldCustomers.id)
    entered.push(`event segment.entered: ${sampleName} → ${goldCustomers.name}`);
});
console.log(
  `before: ${(await crm.segments.explain(goldCustomers.id, sample.id)).children!.map((clause) => clause.summary).join("; ")}`,
);
await crm.contacts.addTags(sample.id, ["gold"]); // Silver is replaced: the contact enters the segment
for (const line of entered) console.log(line);
stopListening();
console.log(
  `after:  ${(await crm.segments.explain(goldCustomers.id, sample.id)).children!.map((clause) => clause.summary).join("; ")}`,
);

heading("Bad queries name the bad node");
const problems = await crm.segments.validate(
  q.and(q.field("country").eq("FR"), q.categoryIs("potential", "hot-prospect")),
);
if (!problems.ok)
  console.log(`${JSON.stringify(problems.problems[0]!.path)}: ${problems.problems[0]!.message}`);

heading("Pipelines: two processes, goals that advance deals, stage tasks, routing");
await crm.teams.create({ id: "inside", name: "Inside sales" });
await crm.teams.create({ id: "field", name: "Field sales" });
const people = [
  ["anna", "Anna", "inside", "inside", "Europe/Paris"],
  ["marc", "Marc", "inside", "inside", "Europe/Paris"],
  ["chloe", "Chloé", "inside", "inside", "Europe/Paris"],
  ["sam", "Sam", "inside", "inside", "America/New_York"], // 04:00 there: off duty
  ["lea", "Léa", "field", "field", "Europe/Paris"],
  ["hugo", "Hugo", "field", "field", "Europe/Paris"],
] as const;
for (const [id, name, role, teamId, timezone] of people)
  await crm.users.create({ id, name, role, teamId, timezone });
await crm.users.absences.create("chloe", {
  from: "2026-11-20",
  to: "2026-11-27",
  reason: "holiday",
});
await crm.assignment.pools.create({
  id: "field",
  name: "Field reps",
  members: { query: q.field("role").eq("field") },
  strategy: "leastLoaded",
});
await crm.assignment.pools.create({
  id: "inside",
  name: "Inside sales",
  members: { teamId: "inside" },
  strategy: "roundRobin",
  capacity: { perDay: 40 },
  fallbackPoolId: "field",
});
await crm.assignment.setRules({
  rules: [
    {
      id: "gold-to-field",
      when: q.hasTag("gold", "contact"),
      target: { kind: "pool", poolId: "field" },
    },
    { id: "inside-first", target: { kind: "pool", poolId: "inside" } },
  ],
});

const leadGoal = q.and(q.field("value").exists(), q.field("contact.phone").exists());
await crm.pipelines.create({
  id: "new-business",
  name: "New business",
  stages: [
    {
      id: "lead",
      name: "New lead",
      probability: 10,
      guidance: "Call within a day: budget and a direct phone number.",
      goal: leadGoal,
      tasks: [
        {
          id: "call",
          title: "Call the lead",
          actionType: "call",
          due: { amount: 1, unit: "days" },
        },
      ],
      lists: [{ listId: "nurture" }],
    },
    {
      id: "qualified",
      name: "Qualified",
      probability: 40,
      entryRequirements: ["value"],
      assignOnEntry: { kind: "pool", poolId: "field" },
      goal: q.activities({ types: ["meeting"] }),
      tasks: [
        {
          id: "meet",
          title: "Meet the decision maker",
          actionType: "meeting",
          due: { amount: 3, unit: "days", skipWeekends: true },
        },
      ],
    },
    { id: "proposal", name: "Proposal", probability: 70, rottingDays: 14 },
    { id: "won", name: "Won", kind: "won" },
    { id: "lost", name: "Lost", kind: "lost" },
  ],
});
await crm.pipelines.create({
  id: "renewals",
  name: "Renewals",
  stages: [
    { id: "due", name: "Renewal due", probability: 80, rottingDays: 30 },
    { id: "renewed", name: "Renewed", kind: "won" },
    { id: "churned", name: "Churned", kind: "lost" },
  ],
});
await crm.pipelines.setRouting([
  { id: "customers", when: q.field("contact.status").eq("customer"), pipelineId: "renewals" },
]);
for (const pipeline of await crm.pipelines.list())
  console.log(
    `${pipeline.name}: ${pipeline.stages.map((stage) => stage.name).join(" → ")} (${pipeline.currency})`,
  );
console.log("routing: customers go to Renewals, everyone else to New business");
heading("Routing and assignment: 120 leads from the imported contacts");
const leadContacts = (
  await crm.segments.members({ query: q.field("email").exists() }, { limit: 120 })
).records;
const leads = [];
for (const [i, contact] of leadContacts.entries())
  leads.push(
    await crm.deals.create({
      title: `Lead ${String(contact.email)}`,
      contactId: contact.id,
      value: 250_000 * (1 + (i % 8)), // €2,500 to €20,000
    }),
  );
const tally = (values: (string | undefined)[]) => {
  const counts = new Map<string, number>();
  for (const value of values)
    counts.set(value ?? "(unassigned)", (counts.get(value ?? "(unassigned)") ?? 0) + 1);
  return [...counts].map(([key, count]) => `${key} ${count}`).join(", ");
};
// Names, not ids, in everything a sales manager reads.
const allPipelines = await crm.pipelines.list();
const pipelineNames = new Map(allPipelines.map((p) => [p.id, p.name]));
const stageNames = new Map(
  allPipelines.flatMap((p) => p.stages.map((stage) => [stage.id, stage.name])),
);
const userNames = new Map((await crm.users.list()).map((user) => [user.id, user.name]));
const nameOf = (userId: string | undefined) =>
  userId === undefined ? "(the queue)" : (userNames.get(userId) ?? userId);
console.log(`pipelines: ${tally(leads.map((deal) => pipelineNames.get(deal.pipelineId)))}`);
console.log(`owners:    ${tally(leads.map((deal) => nameOf(deal.ownerId)))}`);
const explained = (await crm.assignment.decisions(leads.find((d) => d.ownerId === "anna")!.id))[0]!;
console.log(`why: ${explained.why}`);
for (const skip of explained.skipped)
  console.log(`  skipped ${nameOf(skip.userId)}: ${skip.detail}`);

heading("One deal's life: what is missing, goals met, hand-off, history");
const lead = leads.find((deal) => deal.pipelineId === "new-business")!;
const goalStatus = await crm.deals.whatIsMissing(lead.id);
console.log(
  `missing in "${stageNames.get(goalStatus.stageId)}": ${goalStatus.missing.map((part) => part.text).join("; ")}`,
);
env.advance(3 * 3_600_000);
await crm.deals.update(lead.id, { value: 4_500_000 }); // €45,000.00, in cents
await crm.contacts.update(lead.contactId!, { phone: "+33 1 23 45 67 89" });
const afterGoal = await crm.deals.require(lead.id);
console.log(
  `after value and phone (${formatMoney(afterGoal.value!, "EUR")}): stage "${stageNames.get(afterGoal.stageId)}", owner ${nameOf(afterGoal.ownerId)} (handed to field sales)`,
);
env.advance(2 * 86_400_000);
const meeting = await crm.activities.create({ type: "meeting", dealId: lead.id });
await crm.activities.complete(meeting.id, { outcome: "Budget confirmed" });
for (const stay of await crm.deals.history(lead.id)) {
  console.log(
    `  ${(stageNames.get(stay.stageId) ?? stay.stageId).padEnd(10)} entered ${stay.enteredAt} (${stay.enteredCause})${stay.leftCause ? `, left (${stay.leftCause})` : ""}`,
  );
}
for (const task of await crm.tasks.list({ dealId: lead.id }))
  console.log(`  task "${task.title}" for ${nameOf(task.assigneeId)}: ${task.status}`);
const lostMove = await crm.deals.move(lead.id, "lost");
if (!lostMove.ok)
  console.log(`move to lost refused, missing: ${lostMove.missing.map((m) => m.label).join(", ")}`);
console.log(
  `outbox: ${(await crm.outbox.list()).length} e-mail list calls queued (delivered by a worker)`,
);

heading("Lead scoring: a visitor's journey through the collector, explained, then handed to sales");
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
      name: "A case study",
      points: 10,
      when: { type: "page", url: "/cases/*" },
      repeat: "once",
    },
    {
      id: "careers",
      name: "Careers page",
      points: -5,
      when: { type: "page", url: "/careers*" },
      repeat: "once",
    },
    {
      id: "demo",
      name: "Demo request",
      points: 50,
      when: { type: "event", name: "form.submitted", props: { form: "demo" } },
    },
    {
      id: "france",
      name: "Based in France",
      points: 20,
      when: { type: "fit", when: q.field("country").eq("FR") },
    },
  ],
  thresholds: [{ group: "global", qualifyAt: 100, unqualifyBelow: 80, nurtureListId: "nurture" }],
});
const identitySecret = "demo-identity-secret-0123456789abcdef";
const collect = createCollector({
  scoring: crm.scoring,
  sites: [{ key: "pk_demo", hostnames: ["www.example.com"], exclude: ["/admin/*"] }],
  visitorSecret: "demo-visitor-secret-0123456789abcdef",
  identitySecret,
  environment: env,
});
const browser = {
  "content-type": "text/plain",
  "user-agent": "Mozilla/5.0 (Macintosh) Chrome/130.0 Safari/537.36",
};
let hitNo = 0;
const visit = async (path: string, extra: Record<string, unknown> = {}) => {
  env.advance(90_000);
  const response = await collect(
    new Request("https://collect.example.com/hits", {
      method: "POST",
      headers: { ...browser, origin: "https://www.example.com" },
      body: JSON.stringify({
        site: "pk_demo",
        id: `demo_hit_${++hitNo}`,
        type: "pageview",
        url: `https://www.example.com${path}`,
        ts: env.now(),
        vid: "visitor_demo_1",
        ...extra,
      }),
    }),
    { ip: "198.51.100.23" },
  );
  // The collector answers once the hits are stored; its background drain scores them just after.
  // The demo waits for that before reading scores (a test would too).
  await crm.scoring.settle();
  return `${response.status} ${await response.text()}`;
};
console.log(
  `anonymous /pricing?utm_source=newsletter → ${await visit("/pricing?utm_source=newsletter")}`,
);
console.log(`anonymous /cases/acme → ${await visit("/cases/acme")}`);
console.log(`the same hit again → ${await visit("/cases/acme", { id: `demo_hit_${hitNo}` })}`);
const forged = await visit("/pricing", { type: "identify", token: "v1.Zm9yZ2Vk.9999999999.AAAA" });
console.log(`identify with a forged token → ${forged}`);
const lena = await crm.contacts.create({
  firstName: "Léna",
  lastName: "Martin",
  email: "lena@example.fr",
  country: "FR",
});
const token = await signIdentity(
  { contactId: lena.id, expiresAt: env.now() + 600_000 },
  identitySecret,
);
console.log(
  `identify with the host's signed token → ${await visit("/pricing", { type: "identify", token })}`,
);
console.log(
  `Léna after identification: ${(await crm.contacts.get(lena.id))!.scores.global} points (her anonymous visits count)`,
);
env.advance(86_400_000);
await visit("/pricing");
await visit("/demo", { type: "event", name: "form.submitted", props: { form: "demo" } });
const [why] = await crm.scoring.explain(lena.id, { group: "global" });
console.log(`score ${why!.score} (total ${why!.total}), as the sum of:`);
for (const part of why!.contributions)
  console.log(
    `  ${String(part.value).padStart(6)}  ${part.ruleName ?? part.ruleId}${part.hit?.url ? ` — ${part.hit.url}` : ""}`,
  );
const card = (await crm.scoring.card(lena.id))!;
const handoff = await crm.scoring.handoff(card.handoffs.global!);
const handedDeal = await crm.deals.require(handoff!.dealId);
console.log(
  `hand-off: deal "${handedDeal.title}" in ${pipelineNames.get(handedDeal.pipelineId)}, owner ${nameOf(handedDeal.ownerId)}, with ${handoff!.history.length} visits attached`,
);
console.log(
  `in 60 days, without any job: ${(await crm.scoring.score(lena.id, { at: env.now() + 60 * 86_400_000 })).global} points (half-life 30 days; fit points do not decay)`,
);

// Accept, then score: storing a hit is all a request waits for; a drain scores it afterwards
// (the collector runs one in the background; a worker can call drain() on a timer instead).
env.advance(86_400_000);
const cachedScore = async () => (await crm.contacts.get(lena.id))!.scores.global;
const accepted = await crm.scoring.accept([
  {
    id: "server_hit_1",
    contactId: lena.id,
    type: "pageview",
    url: "https://www.example.com/pricing",
    at: env.now(),
  },
]);
const waiting = await cachedScore();
const drained = await crm.scoring.drain();
console.log(
  `accept, then score: ${accepted.accepted.length} hit stored, Léna still at ${waiting} points; the drain scored ${drained.scored} hit → ${await cachedScore()} points`,
);

heading("The tracking snippet: one tag on the website sends the hits above");
const snippet = readFileSync(fileURLToPath(import.meta.resolve("@crmkit/tracker/crmkit.js")));
console.log(
  '<script async src="https://collect.example.com/crmkit.js" data-api="https://collect.example.com/hits" data-site="pk_demo"></script>',
);
console.log(
  `@crmkit/tracker/crmkit.js: ${snippet.length} B, ${gzipSync(snippet, { level: 9 }).length} B gzipped, no dependency`,
);
console.log(
  "it sends each hit alone, as text/plain (no CORS preflight): the pageviews and the demo request above had its shape",
);
console.log(
  `visible time on a page, as the snippet reports it when the tab is hidden → ${await visit("/pricing", { type: "engagement", seconds: 42.5 })}`,
);
console.log(
  "SPA navigation, outbox with resend under the same id, DNT/GPC, consent: docs/tracker.md; live: pnpm --filter @crmkit/example-tracker-site start",
);

heading("Activities: a week of appointments for three inside reps, agendas, free slots");
const local = (iso: string, timezone: string) =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
const weekReps = [
  ["anna", "Europe/Paris"],
  ["marc", "Europe/Paris"],
  ["sam", "America/New_York"],
] as const;
const kinds = ["demo", "video", "phone-meeting", "meeting"] as const;
const prospects = [];
for (const [firstName, lastName] of [
  ["Inès", "Garnier"],
  ["Tom", "Becker"],
  ["Sara", "Lind"],
  ["Yann", "Le Goff"],
  ["Mia", "Costa"],
  ["Olek", "Nowak"],
] as const)
  prospects.push(
    await crm.contacts.create({
      firstName,
      lastName,
      email: `${firstName
        .normalize("NFD")
        .replace(/[^a-z]/gi, "")
        .toLowerCase()}@prospect.example`,
    }),
  );
let booked = 0;
for (const [repId] of weekReps) {
  // Two appointments a day, each in the first free hour (30 minutes of buffer around bookings).
  for (let day = 0; day < 5; day++) {
    const dayStart = Date.parse("2026-11-30T00:00:00Z") + day * 86_400_000;
    for (let n = 0; n < 2; n++) {
      const [slot] = await crm.activities.freeSlots({
        userIds: [repId],
        durationMinutes: 60,
        bufferMinutes: 30,
        stepMinutes: 30,
        from: dayStart + (n === 0 ? 0 : 4 * 3_600_000),
        to: dayStart + 86_400_000,
        limit: 1,
      });
      const prospect = prospects[booked % prospects.length]!;
      await crm.activities.create({
        type: kinds[(day + n + booked) % kinds.length]!,
        title: `Appointment ${++booked} with ${prospect.firstName}`,
        ownerId: repId,
        contactId: prospect.id,
        startAt: slot!.start,
        endAt: slot!.end,
      });
    }
  }
}
console.log(
  `${booked} appointments booked from free slots for ${weekReps.map(([id]) => nameOf(id)).join(", ")}`,
);
console.log("Anna's Monday:");
for (const entry of await crm.activities.agenda("anna", { day: "2026-11-30" }))
  console.log(
    `  ${local(entry.activity.startAt!, "Europe/Paris")}–${local(entry.activity.endAt!, "Europe/Paris").slice(-5)}  ${entry.typeName.padEnd(16)} ${entry.colour}  ${entry.activity.title}`,
  );
const [annasFirst] = await crm.activities.agenda("anna", { day: "2026-11-30" });
try {
  await crm.activities.create({
    type: "call",
    ownerId: "anna",
    startAt: annasFirst!.activity.startAt!,
  });
} catch (error) {
  if (!CrmkitError.is(error, "SLOT_TAKEN")) throw error;
  const [conflict] = (error.details?.conflicts ?? []) as { activityId: string }[];
  const inTheWay = conflict === undefined ? null : await crm.activities.get(conflict.activityId);
  console.log(
    `double booking refused (${error.code}): Anna already has "${inTheWay?.title ?? "an appointment"}" at ${local(inTheWay?.startAt ?? annasFirst!.activity.startAt!, "Europe/Paris")}`,
  );
}

heading("Automations: missed appointments recovered over simulated days");
await crm.automations.create(missedAppointmentRecovery({ reminderAfterDays: 3, callAfterDays: 3 }));
const outbox = createMemoryEmailSender();
env.set("2026-11-30T17:30:00Z"); // Monday evening: three prospects did not show up
const missed = [];
for (const [repId] of weekReps) {
  const [first] = await crm.activities.agenda(repId, { day: "2026-11-30" });
  missed.push(await crm.activities.markMissed(first!.activity.id, { outcome: "No show" }));
}
console.log(`missed: ${missed.map((a) => `"${a.title}" (${nameOf(a.ownerId)})`).join(", ")}`);
await crm.automations.runDue({ email: outbox });
const daysLater = async (days: number, what: string) => {
  env.advance(days * 86_400_000);
  const report = await crm.automations.runDue({ email: outbox });
  console.log(`+${days} day(s), ${what}: ${report.steps} step(s) run`);
};
// One prospect books again on Tuesday, from the proposal.
env.advance(86_400_000);
const rebooker = missed[0]!;
const [newSlot] = await crm.activities.freeSlots({
  userIds: [rebooker.ownerId!],
  durationMinutes: 60,
  from: env.now() + 86_400_000,
  to: env.now() + 8 * 86_400_000,
  limit: 1,
});
await crm.activities.create({
  type: "demo",
  title: "Rebooked demo",
  ownerId: rebooker.ownerId!,
  contactId: rebooker.contactId!,
  startAt: newSlot!.start,
  endAt: newSlot!.end,
});
await daysLater(2, "reminders due");
await daysLater(3, "phone calls due");
for (const message of outbox.sent)
  console.log(
    `  sent to ${message.to}: "${message.subject}"${message.text.includes("\n") ? ` — ${message.text.split("\n").filter((line) => /\d{2}:\d{2}/.test(line)).length} slots` : ""}`,
  );
// The recovery's phone calls land in each rep's one to-do list, beside stage tasks.
for (const [repId] of weekReps) {
  const todo = await crm.tasks.todo(repId, { at: env.now() + 86_400_000 }); // tomorrow's list
  const name = (await crm.users.get(repId))!.name;
  const calls = [...todo.overdue, ...todo.due].filter((task) => task.source === "automation");
  for (const call of calls)
    console.log(
      `  ${name}'s to-do for ${todo.day}, at ${local(call.dueAt, todo.timezone)}: ${call.title}`,
    );
}
console.log("the first of them, as sent:");
for (const line of outbox.sent[0]!.text.split("\n")) console.log(`  | ${line}`);
const recovery = await recoveryReport(crm.automations);
const share = (part: number | null) => (part === null ? "—" : `${Math.round(part * 100)} %`);
console.log(
  `recovery: ${recovery.missed} missed, ${recovery.rebooked} rebooked (${share(recovery.rebookedShare)}), ${recovery.handedOver} handed to a rep (${share(recovery.handedOverShare)}), ${recovery.running} still running`,
);

heading("Objectives and variable pay: seasonality, progress, a plan replayed on last year");
// Anna's 2027 revenue objective books half the year in Q4; Q4's target follows from it.
await crm.objectives.set({
  subject: { kind: "user", id: "anna" },
  metric: { kind: "revenue" },
  period: "2027",
  target: 50_000_000,
  seasonality: [15, 15, 20, 50],
});
const q4 = await crm.objectives.targetFor(
  { kind: "user", id: "anna" },
  { kind: "revenue" },
  "2027-Q4",
);
console.log(
  `Anna, revenue 2027: €500,000.00; Q4 by seasonality: ${formatMoney(q4!.target, "EUR")}`,
);
// This week's meetings against a monthly objective, with the 50 / 90 / 100 % alerts.
crm.events.on("objective.alert", (alert) =>
  console.log(
    `  alert: ${nameOf(alert.subject.id)} reached ${alert.threshold} % of the month's meetings`,
  ),
);
for (const [repId] of weekReps)
  await crm.objectives.set({
    subject: { kind: "user", id: repId },
    metric: { kind: "meetingsHeld" },
    period: "2026-12",
    target: 4,
  });
for (const [repId] of weekReps) {
  const [first] = await crm.activities.agenda(repId, { day: "2026-12-02" });
  if (first) await crm.activities.complete(first.activity.id, { outcome: "Held" });
  const [second] = await crm.activities.agenda(repId, { day: "2026-12-03" });
  if (second && repId === "anna") await crm.activities.complete(second.activity.id);
}
await crm.objectives.checkAlerts("2026-12");
for (const progress of await crm.objectives.progress("2026-12"))
  console.log(
    `  ${nameOf(progress.subject.id)}: ${progress.actual} of ${progress.target.target} meetings (${progress.attainment} %), next alert at ${progress.next ?? "—"} %`,
  );
const allocation = allocateBySegment({
  total: 150_000_000,
  shares: { smb: 35, enterprise: 25 },
  mode: "proportional",
  reps: weekReps.map(([repId]) => ({ repId })),
});
console.log(
  `company split 35/25 (proportional): ${nameOf(allocation.reps[0]!.repId)} carries ${Object.entries(
    allocation.reps[0]!.bySegment,
  )
    .map(
      ([segment, amount]) =>
        `${{ smb: "small businesses", enterprise: "enterprise", other: "the rest" }[segment] ?? segment} ${formatMoney(amount, "EUR")}`,
    )
    .join(", ")}`,
);
// Last year's figures, before any data lived in crmkit: Sam's meetings were never recorded.
const lastYear = parseActualsDataset(
  [
    "rep,name,revenue,meetingsPerWeek",
    "anna,Anna,56000000,8.6",
    "marc,Marc,47500000,7.9",
    "sam,Sam,51000000,",
  ].join("\n"),
  { period: "2025", currency: "EUR" },
);
const terms = weekReps.map(([repId]) => ({ repId, onTargetPay: 1_200_000 }));
const current: CompensationPlan = {
  id: "inside",
  name: "Inside sales",
  version: 1,
  currency: "EUR",
  criteria: [
    {
      id: "revenue",
      metric: { kind: "revenue" },
      weight: 100,
      target: { source: "fixed", value: 50_000_000 },
      curve: { tiers: [{ from: 0, rate: 1 }], steps: [{ at: 100, add: 10 }], cap: 150 },
    },
  ],
  reps: terms,
};
const proposal: CompensationPlan = {
  ...current,
  version: 2,
  criteria: [
    {
      ...current.criteria[0]!,
      weight: 70,
      curve: {
        floor: 50,
        tiers: [
          { from: 50, rate: 2 },
          { from: 100, rate: 1.5 },
        ],
        cap: 200,
      },
    },
    {
      id: "meetings",
      metric: { kind: "meetingsPerWeek" },
      weight: 30,
      target: { source: "fixed", value: 8 },
      curve: { floor: 50, tiers: [{ from: 50, rate: 2 }], cap: 120 },
    },
  ],
  collective: { metric: { kind: "revenue" }, gate: 90 },
};
const review = validatePlan(current);
if (review.ok)
  for (const warning of review.warnings) console.log(`  current plan review: ${warning.message}`);
const replayed = comparePlans(current, proposal, lastYear, "2025");
for (const rep of replayed.reps)
  console.log(
    `  ${nameOf(rep.repId).padEnd(5)} current ${formatMoney(rep.current ?? 0, "EUR").padStart(14)}  proposed ${rep.proposed === null ? "not computed".padStart(14) : formatMoney(rep.proposed, "EUR").padStart(14)}`,
  );
for (const gap of replayed.proposed.gaps)
  console.log(
    `  gap: ${nameOf(gap.repId)}, ${gap.metric === "meetingsPerWeek" ? "meetings per week" : gap.metric} — ${gap.reason}`,
  );
console.log("  why Anna gets what she gets:");
for (const line of replayed.proposed.reps[0]!.explanation) console.log(`    ${line}`);
// The most common pay plan of all, beside the weighted one: a commission on revenue, 2 % up to
// the €500,000 quota and 3 % above, at most €24,000 a year.
const commissionPlan: CompensationPlan = {
  id: "inside-commission",
  name: "Inside sales, commission",
  version: 1,
  currency: "EUR",
  criteria: [],
  commissions: [
    {
      id: "revenue",
      name: "Commission",
      metric: { kind: "revenue" },
      target: { source: "fixed", value: 50_000_000 },
      tiers: [
        { from: 0, rate: 2 },
        { from: 100, rate: 3 },
      ],
      cap: 2_400_000,
    },
  ],
  reps: terms,
};
const commissionReview = validatePlan(commissionPlan);
if (commissionReview.ok)
  console.log(
    `  commission plan review: ${commissionReview.warnings.length} warning(s); remark: ${commissionReview.remarks.map((r) => r.message).join(" ")}`,
  );
const byCommission = simulate(commissionPlan, lastYear, "2025");
for (const rep of byCommission.reps) {
  const weighted = replayed.proposed.reps.find((r) => r.repId === rep.repId)!;
  console.log(
    `  ${nameOf(rep.repId).padEnd(5)} weighted plan ${weighted.payout === null ? "not computed" : formatMoney(weighted.payout, "EUR")}, commission plan ${rep.payout === null ? "not computed" : formatMoney(rep.payout, "EUR")}`,
  );
}
console.log(`  Anna's commission: ${byCommission.reps[0]!.explanation[1]}`);

heading("Indicators: a short KPI summary of the demo's pipeline");
{
  // Close a few deals so the summary has a win and losses: the deal at the proposal stage is won,
  // two leads are lost.
  const [atProposal] = (await crm.deals.list({ pipelineId: "new-business", stageId: "proposal" }))
    .records;
  if (atProposal) await crm.deals.win(atProposal.id);
  const leads = (await crm.deals.list({ pipelineId: "new-business", stageId: "lead", limit: 2 }))
    .records;
  for (const lead of leads) await crm.deals.lose(lead.id, "no budget");
  const data = await crm.reports.data({ pipelineId: "new-business" });
  const everything = { from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" };
  const [funnel] = funnelReport(data, { pipelineId: "new-business", range: everything }).groups;
  for (const step of funnel?.steps ?? [])
    console.log(
      `  ${stageNames.get(step.from)} → ${stageNames.get(step.to)}: ${step.reached} of ${step.entered} (${step.conversion === null ? "—" : `${Math.round(step.conversion * 100)} %`})`,
    );
  const [performance] = performanceReport(data, { range: everything });
  console.log(
    `  closed ${performance?.closed ?? 0}, won ${performance?.won ?? 0}, win rate ${performance?.winRate === null || performance === undefined ? "—" : `${Math.round(performance.winRate * 100)} %`}`,
  );
  const open = pipelineReport(data, { at: crm.environment.now() });
  const weighted = open.byStage.reduce((sum, row) => sum + row.weightedValue, 0);
  const deals = open.byStage.reduce((sum, row) => sum + row.count, 0);
  console.log(
    `  open pipeline: ${deals} deals, weighted ${formatMoney(Math.round(weighted), "EUR")}`,
  );
  // Bookings by month and rep, exported with the report's CSV preset (drill-down ids last).
  const bookings = await crm.reports.bookings({ range: everything, dimension: "rep" });
  for (const row of bookings) {
    const rep = (await crm.users.get(row.key))?.name ?? row.key;
    console.log(
      `  booked in ${row.month}: ${rep}, ${row.won} deal(s) won for ${formatMoney(row.value, "EUR")}`,
    );
  }
  // The preset (minor units, ids: for machines) and a sheet for people (names, euros).
  const preset = reportCsv.bookings(bookings).trimEnd().split("\r\n");
  console.log(
    `  the CSV preset, for another system: ${preset.length - 1} row(s) under "${preset[0]}"`,
  );
  const sheet = toCsv(bookings, [
    { header: "Month", value: (row) => row.month },
    { header: "Rep", value: (row) => nameOf(row.key) },
    { header: "Deals won", value: (row) => row.won },
    { header: "Won (EUR)", value: (row) => (row.value / 100).toFixed(2) },
  ]);
  for (const line of sheet.trimEnd().split("\r\n")) console.log(`  | ${line}`);
  // Quota attainment as report rows, from the objectives set above.
  for (const row of await crm.reports.attainment("2026-12"))
    console.log(
      `  attainment ${nameOf(row.subjectId)} / ${row.label}: ${row.attainment === null ? (row.gap ?? "—") : `${Math.round(row.attainment)} %`} (target ${row.target}, expected by now ${row.expectedByNow.toFixed(1)})`,
    );
}

heading("The unassigned queue: leads of the night, taken when the working day starts");
{
  // Monday 02:30 in Paris (20:30 on Sunday in New York): every inside and field rep is off duty.
  env.set("2026-12-07T01:30:00Z");
  const night = [];
  for (const [contact, value] of [
    [prospects[3]!, 1_800_000],
    [prospects[4]!, 950_000],
    [prospects[5]!, 2_400_000],
  ] as const) {
    const deal = await crm.deals.create({
      title: `Inbound: ${contact.firstName} ${contact.lastName}`,
      contactId: contact.id,
      value,
    });
    night.push(deal);
    env.advance(40 * 60_000);
  }
  for (const deal of night)
    console.log(
      `  ${local(deal.createdAt, "Europe/Paris")}  ${deal.title} (${formatMoney(deal.value!, "EUR")}): ${deal.queue === "unassigned" ? "waiting in the unassigned queue" : `assigned to ${deal.ownerId}`}`,
    );
  // 09:00 in Paris: the usual runDue drains the queue, oldest lead first.
  env.set("2026-12-07T08:00:00Z");
  await crm.automations.runDue({ email: outbox });
  for (const deal of night) {
    const now = await crm.deals.require(deal.id);
    const owner =
      now.ownerId === undefined ? "nobody yet" : (await crm.users.get(now.ownerId))!.name;
    const decision = (await crm.assignment.decisions(deal.id)).find((d) => d.trigger === "queue");
    console.log(`  ${deal.title} → ${owner}: ${decision?.why.split("; ").slice(0, 2).join("; ")}`);
  }
}

heading("Privacy: Léna, the scored visitor, asks what is held about her, then to be forgotten");
{
  const person = lena;
  await crm.privacy.recordConsent(person.id, {
    purpose: "email",
    granted: false,
    source: "e-mail to the DPO",
    textVersion: "privacy-2026-01",
  });
  const held = await crm.privacy.export(person.id);
  console.log(
    `  export for ${String(held.contact.firstName)} ${String(held.contact.lastName)}: ${Object.entries(
      held.records,
    )
      .map(([collection, records]) => `${records.length} ${collection.replace("_", " ")}`)
      .join(", ")}`,
  );
  const revenueBefore = (await crm.deals.list({ state: "won", limit: 1_000 })).records.reduce(
    (sum, deal) => sum + (deal.value ?? 0),
    0,
  );
  const erasure = await crm.privacy.erase(person.id);
  for (const row of erasure.collections)
    console.log(
      `  ${row.collection.replace("_", " ").padEnd(16)} ${row.removed} removed, ${row.anonymised} kept but unlinked`,
    );
  for (const call of erasure.queued) console.log(`  queued for the provider: ${call}`);
  for (const todo of erasure.hostTodo) console.log(`  still the host's job: ${todo}`);
  const revenueAfter = (await crm.deals.list({ state: "won", limit: 1_000 })).records.reduce(
    (sum, deal) => sum + (deal.value ?? 0),
    0,
  );
  console.log(
    `  won revenue before and after: ${formatMoney(revenueBefore, "EUR")} / ${formatMoney(revenueAfter, "EUR")}; a second erasure finds ${(await crm.privacy.erase(person.id)).found ? "her again" : "nothing"}`,
  );
}

heading(
  "PostgreSQL: the same workspace over SQL, two servers sharing one database (embedded PGlite)",
);
const database = await PGlite.create(); // PostgreSQL in WebAssembly; a real server takes a connection string
const openServer = () =>
  openPostgresStorage({ schema: crmStorageSchema, connection: { pglite: database } });
const [serverA, serverB] = [await openServer(), await openServer()]; // the second finds the tables migrated
const crmA = await createCrm({ storage: serverA, environment: createTestEnvironment({ seed: 3 }) });
const crmB = await createCrm({ storage: serverB, environment: createTestEnvironment({ seed: 4 }) });
serverA.watch?.((batch) => {
  if (batch.origin === "remote")
    console.log(
      `server A heard (LISTEN/NOTIFY): ${batch.changes.map((c) => `a change to ${c.collection}, revision ${c.revision}`).join(", ")}`,
    );
});
const ada = await crmB.contacts.create({
  firstName: "Ada",
  email: "ada@example.com",
  country: "FR",
});
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(`server A reads what B wrote: ${(await crmA.contacts.get(ada.id))?.email}`);
// Both servers change Ada from the same revision: the database refuses the second write.
await crmA.contacts.update(ada.id, { status: "customer" }, { expectedRevision: ada.revision });
try {
  await crmB.contacts.update(ada.id, { status: "competitor" }, { expectedRevision: ada.revision });
} catch (error) {
  if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
  console.log(
    `server B's stale update refused: ${error.code} — Ada is at revision ${error.details.actualRevision}, not ${error.details.expectedRevision}; nothing was written`,
  );
}
await new Promise((resolve) => setTimeout(resolve, 50));
await serverA.close();
await serverB.close();
await database.close();
