// The code of docs/segments.md, type-checked and run by segments-guide.test.ts.
import { createCrm, createTestEnvironment, crmStorageSchema, q } from "@crmkit/core";
import { openMemoryStorage } from "@crmkit/storage-memory";

export async function segmentsGuide() {
  const environment = createTestEnvironment({ now: Date.parse("2026-05-15T10:00:00Z") });
  const storage = await openMemoryStorage({ schema: crmStorageSchema });
  const crm = await createCrm({ storage, environment, timezone: "Europe/Paris" });

  // Statuses: four defaults, plus the workspace's own.
  await crm.statuses.create({ id: "hot-prospect", name: "Hot prospect" });

  // A single-choice category: setting Gold replaces Silver.
  await crm.tags.categories.create({ id: "potential", name: "Potential", cardinality: "single" });
  for (const id of ["gold", "silver", "bronze"])
    await crm.tags.create({ id, categoryId: "potential", name: id });

  // Custom fields validate every write.
  await crm.customFields.create({
    id: "employees",
    target: "contact",
    label: "Employees",
    type: "number",
  });

  const ada = await crm.contacts.create({
    firstName: "Ada",
    email: "ada@example.fr",
    country: "FR",
    status: "customer",
    tags: ["silver"],
  });
  await crm.contacts.create({
    firstName: "Bob",
    email: "bob@example.de",
    country: "DE",
    status: "hot-prospect",
    scores: { global: 70 },
  });

  // A saved segment, and its membership events.
  const goldCustomers = await crm.segments.create({
    name: "Gold customers",
    query: q.and(q.statusIn("customer"), q.categoryIs("potential", "gold")),
  });
  const events: string[] = [];
  crm.events.on("segment.entered", (event) =>
    events.push(`${event.recordId} entered ${event.segmentId}`),
  );
  await crm.contacts.addTags(ada.id, ["gold"]); // replaces silver; Ada enters the segment

  // Counting tells how the query was evaluated.
  const hotInFrance = q.and(
    q.statusIn("hot-prospect"),
    q.field("country").eq("FR"),
    q.score("global").gte(60),
  );
  const hot = await crm.segments.count({ query: hotInFrance });

  // Relative dates use the injected clock and the workspace timezone.
  const recent = await crm.segments.count({ query: q.field("createdAt").withinLast(30, "day") });

  // Explain shows every clause with the values compared.
  const why = await crm.segments.explain(goldCustomers.id, ada.id);

  // A query from outside (a request body, a saved UI filter) is checked before it is used: a bad
  // one gets the path of the bad node.
  const fromRequest: unknown = JSON.parse(
    '{"op":"and","of":[{"op":"eq","field":"country","value":"FR"},{"op":"gte","field":"scores.global","value":"high"}]}',
  );
  const invalid = await crm.segments.validate(fromRequest);

  return {
    gold: (await crm.segments.count(goldCustomers.id)).count,
    events,
    hot: {
      count: hot.count,
      examined: hot.examined,
      strategy: hot.plan.strategy,
      index: hot.plan.index,
    },
    recent: recent.count,
    why: why.children?.map((clause) => clause.summary),
    invalid,
  };
}
