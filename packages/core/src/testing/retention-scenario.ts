// One retention scenario for every adapter: a year of generated traffic, a 90-day policy, two
// sweepers at once; exactly the expired hits go, and scores and explanations stay.
import { expect } from "vitest";
import { collections } from "../records/index.js";
import type { Fixture } from "./crm-fixture.js";

const day = 86_400_000;

/** Runs the year of traffic through a retention sweep on the fixture's store and checks it. */
export async function checkRetention(fixture: Fixture, contactCount = 24): Promise<void> {
  const { crm, env, storage } = fixture;
  const now = env.now();
  await crm.scoring.setModel({
    groups: [{ id: "global" }],
    rules: [
      { id: "pricing", points: 10, when: { type: "page", url: "/pricing" } },
      { id: "any", points: 1, when: { type: "page", url: "*" } },
    ],
  });
  // A year of visits: one every 3 to 5 days for each contact.
  const contacts: string[] = [];
  let expired = 0;
  // Per contact, after a model change giving "any page" 2 points: what the removed hits earned
  // under the old rules, and what the kept ones earn under the new.
  const expectedAfterChange: number[] = [];
  for (let c = 0; c < contactCount; c++) {
    const contact = await crm.contacts.create({ email: `visitor${c}@example.com` });
    contacts.push(contact.id);
    const hits = [];
    let expected = 0;
    for (
      let at = now - 365 * day + c * 3_600_000, n = 0;
      at < now;
      at += (3 + (n % 3)) * day, n++
    ) {
      const pricing = n % 4 === 0 ? 10 : 0;
      expected += at < now - 90 * day ? pricing + 1 : pricing + 2;
      hits.push({
        id: `${c}-${n}`,
        siteId: "web",
        type: "pageview" as const,
        url: n % 4 === 0 ? "https://example.com/pricing" : "https://example.com/blog",
        contactId: contact.id,
        at,
      });
      if (at < now - 90 * day) expired++;
    }
    expectedAfterChange.push(expected);
    await crm.scoring.ingest(hits);
  }
  const total = await storage.count({ collection: collections.hits });
  const scores = await Promise.all(contacts.map((id) => crm.scoring.score(id)));
  const explained = await crm.scoring.explain(contacts[0]!);

  await crm.privacy.setRetention({ hits: { days: 90 } });
  // Two processes sweep at once, 400 records a call, until nothing is left to do.
  let removed = 0;
  for (let round = 0; round < 100; round++) {
    const [a, b] = await Promise.all([
      crm.privacy.sweep({ maxRecords: 400 }),
      crm.privacy.sweep({ maxRecords: 400 }),
    ]);
    removed += (a.removed.hits ?? 0) + (b.removed.hits ?? 0);
    if (!a.more && !b.more) break;
  }
  expect(removed).toBe(expired);
  expect(await storage.count({ collection: collections.hits })).toBe(total - expired);
  const cutoff = new Date(now - 90 * day).toISOString();
  for await (const batch of storage.scan({ collection: collections.hits }))
    for (const hit of batch) expect(String(hit.at) >= cutoff).toBe(true);
  // Scores come from the ledger: unchanged; explanations keep every contribution, without
  // the URL of the hits that are gone.
  expect(await Promise.all(contacts.map((id) => crm.scoring.score(id)))).toEqual(scores);
  const after = await crm.scoring.explain(contacts[0]!);
  expect(after[0]!.score).toBe(explained[0]!.score);
  expect(after[0]!.contributions.map((c) => [c.ruleId, c.points])).toEqual(
    explained[0]!.contributions.map((c) => [c.ruleId, c.points]),
  );
  expect(after[0]!.contributions.some((c) => c.hit === undefined)).toBe(true);
  // A rescore replays the hits kept: the contributions of those removed keep what they earned.
  await crm.scoring.rescore();
  expect(await Promise.all(contacts.map((id) => crm.scoring.score(id)))).toEqual(scores);
  // Rules change: the hits kept are judged again, those removed keep what they earned.
  await crm.scoring.setModel({
    groups: [{ id: "global" }],
    rules: [
      { id: "pricing", points: 10, when: { type: "page", url: "/pricing" } },
      { id: "any", points: 2, when: { type: "page", url: "*" } },
    ],
  });
  await crm.scoring.rescore();
  expect(
    (await Promise.all(contacts.map((id) => crm.scoring.score(id)))).map((s) => s.global),
  ).toEqual(expectedAfterChange);
}
