import { describe, expect, it } from "vitest";
import type { Crm } from "../crm.js";
import { CrmkitError } from "../errors.js";
import { q } from "../query/builder.js";
import { collections } from "../records/schema.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import { addNewBusinessPipeline, addReps } from "../testing/pipeline-fixture.js";
import type { HitInput, ScoringModel } from "./types.js";

const day = 86_400_000;

const model: ScoringModel = {
  groups: [
    { id: "global", cap: 150 },
    { id: "analytics", decay: { kind: "halfLife", halfLife: "30d" } },
  ],
  rules: [
    {
      id: "pricing",
      name: "Pricing page",
      points: 20,
      when: { type: "page", url: "/pricing" },
      repeat: "day",
    },
    {
      id: "case",
      name: "Case study",
      points: 10,
      when: { type: "page", url: "/cases/*" },
      repeat: "once",
    },
    { id: "careers", points: -5, when: { type: "page", url: "/careers*" }, repeat: "always" },
    {
      id: "demo",
      points: 50,
      when: { type: "event", name: "form.submitted", props: { form: "demo" } },
    },
    {
      id: "fr",
      name: "Based in France",
      points: 20,
      when: { type: "fit", when: q.field("country").eq("FR") },
    },
    {
      id: "an",
      group: "analytics",
      points: 40,
      when: { type: "page", url: "/products/analytics*" },
      repeat: "always",
    },
  ],
  thresholds: [{ group: "global", qualifyAt: 100, unqualifyBelow: 80, nurtureListId: "nurture" }],
};

let seq = 0;
const page = (
  visitorId: string,
  path: string,
  at: number,
  extra: Partial<HitInput> = {},
): HitInput => ({
  id: `h${++seq}`,
  siteId: "web",
  visitorId,
  type: "pageview",
  url: `https://example.com${path}`,
  at,
  ...extra,
});

async function workspace() {
  const fixture = await memoryCrm({ timezone: "Europe/Paris" });
  await addReps(fixture.crm, 2);
  await addNewBusinessPipeline(fixture.crm);
  await fixture.crm.assignment.pools.create({
    id: "inside",
    name: "Inside",
    members: { teamId: "inside" },
    strategy: "roundRobin",
  });
  await fixture.crm.assignment.setRules({
    rules: [{ id: "all", target: { kind: "pool", poolId: "inside" } }],
  });
  await fixture.crm.scoring.setModel(model);
  const events: [string, unknown][] = [];
  fixture.crm.events.onAny((type, event) => events.push([type, event]));
  return { ...fixture, events };
}

async function identified(crm: Crm, visitorId: string, fields: { country?: string } = {}) {
  const contact = await crm.contacts.create({ email: `${visitorId}@example.com`, ...fields });
  await crm.scoring.identify({ siteId: "web", visitorId, contactId: contact.id });
  return contact.id;
}

describe("lead scoring", () => {
  it("scores page visits by their repeat policy and explains every point", async () => {
    const { crm, env } = await workspace();
    const id = await identified(crm, "v1");
    const t = env.now() - 5 * day;
    await crm.scoring.ingest([
      page("v1", "/pricing", t),
      page("v1", "/pricing/", t + 1_000), // same day: no more points
      page("v1", "/pricing?plan=pro", t + day), // next day: the query is ignored
      page("v1", "/cases/acme", t),
      page("v1", "/cases/globex", t + 2_000), // once per contact
      page("v1", "/careers", t),
      page("v1", "/careers/dev", t),
    ]);
    env.advance(2 * day);
    const [global] = await crm.scoring.explain(id, { group: "global" });
    expect(global!.score).toBe(40);
    expect(global!.contributions.map((c) => [c.ruleId, c.value])).toEqual([
      ["pricing", 20],
      ["pricing", 20],
      ["case", 10],
      ["careers", -5],
      ["careers", -5],
    ]);
    expect(global!.contributions.reduce((sum, c) => sum + c.value, 0)).toBe(global!.total);
    expect((await crm.contacts.get(id))!.scores.global).toBe(40);
  });

  it("decays points lazily with the clock, without any job", async () => {
    const { crm, env } = await workspace();
    const id = await identified(crm, "v2");
    const t = env.now();
    await crm.scoring.ingest([page("v2", "/products/analytics", t)]);
    expect((await crm.scoring.score(id)).analytics).toBe(40);
    expect((await crm.scoring.score(id, { at: t + 30 * day })).analytics).toBe(20);
    expect((await crm.scoring.score(id, { at: t + 60 * day })).analytics).toBe(10);
    expect((await crm.scoring.score(id, { at: t - 1 })).analytics).toBe(0);
  });

  it("caps a group's score and shows the excess in the explanation", async () => {
    const { crm, env } = await workspace();
    const id = await identified(crm, "v3");
    const t = env.now() - 5 * day;
    await crm.scoring.ingest(
      Array.from(
        { length: 5 },
        (_, i) =>
          ({
            id: `f${i}`,
            siteId: "web",
            visitorId: "v3",
            type: "event",
            name: "form.submitted",
            props: { form: "demo" },
            url: "https://example.com/demo",
            at: t + i,
          }) as HitInput,
      ),
    );
    const [global] = await crm.scoring.explain(id, { group: "global" });
    expect(global).toMatchObject({ score: 150, total: 250, cap: 150 });
  });

  it("re-checks fit rules when the contact changes", async () => {
    const { crm } = await workspace();
    const contact = await crm.contacts.create({ email: "fr@example.com", country: "FR" });
    expect((await crm.contacts.get(contact.id))!.scores.global).toBe(20);
    await crm.contacts.update(contact.id, { country: "DE" });
    expect((await crm.contacts.get(contact.id))!.scores.global).toBe(0);
    // The ledger holds what counts: the fit entry left with the fit.
    expect(await crm.scoring.ledger(contact.id)).toEqual([]);
    await crm.contacts.update(contact.id, { country: "FR" });
    const [entry] = await crm.scoring.ledger(contact.id);
    expect([entry?.ruleId, entry?.points, entry?.cause]).toEqual(["fr", 20, "fit"]);
  });

  it("refuses input that sets a score scoring maintains", async () => {
    const { crm } = await workspace();
    const error = await crm.contacts
      .create({ email: "x@example.com", scores: { global: 999 } })
      .catch((e) => e);
    expect(CrmkitError.is(error, "VALIDATION_FAILED")).toBe(true);
    expect(error.details.path).toEqual(["scores", "global"]);
    expect(
      await crm.contacts.create({ email: "y@example.com", scores: { other: 3 } }),
    ).toBeTruthy();
  });

  it("scores the anonymous visits of a visitor once, when it is identified", async () => {
    const { crm, env, storage } = await workspace();
    const t = env.now() - 5 * day;
    const report = await crm.scoring.ingest([
      page("anon", "/pricing", t),
      page("anon", "/cases/a", t + 1),
    ]);
    expect(report.accepted).toHaveLength(2);
    expect(await storage.count({ collection: collections.scoreEntries })).toBe(0);
    const id = await identified(crm, "anon");
    expect((await crm.scoring.score(id)).global).toBe(30);
    expect(await crm.scoring.identify({ siteId: "web", visitorId: "anon", contactId: id })).toBe(0);
    await crm.scoring.ingest([page("anon", "/pricing", t + day)]);
    expect((await crm.scoring.score(id)).global).toBe(50);
    expect((await crm.scoring.visits(id)).map((hit) => hit.url)).toEqual([
      "https://example.com/pricing",
      "https://example.com/cases/a",
      "https://example.com/pricing",
    ]);
    expect((await crm.scoring.visits(id)).map((hit) => hit.at)).toEqual(
      [t + day, t + 1, t].map((ms) => new Date(ms).toISOString()),
    );
  });

  it("counts a hit delivered twice once", async () => {
    const { crm, env } = await workspace();
    const id = await identified(crm, "v4");
    const hit = page("v4", "/pricing", env.now());
    const first = await crm.scoring.ingest([hit, hit]);
    expect(first).toEqual({ accepted: [`web:${hit.id}`], duplicates: [`web:${hit.id}`] });
    const again = await crm.scoring.ingest([hit]);
    expect(again.accepted).toEqual([]);
    expect((await crm.scoring.score(id)).global).toBe(20);
  });

  it("gives a rule added later exactly what it would have given from the start, on rescore", async () => {
    const { crm, env } = await workspace();
    const id = await identified(crm, "v5");
    const t = env.now() - 5 * day;
    await crm.scoring.ingest([
      page("v5", "/blog/a", t),
      page("v5", "/blog/b", t + day),
      page("v5", "/blog/c", t + 2 * day),
    ]);
    expect((await crm.scoring.score(id)).global).toBe(0);
    const current = await crm.scoring.model();
    await crm.scoring.setModel({
      ...current,
      rules: [
        ...current.rules,
        { id: "blog", points: 5, when: { type: "page", url: "/blog/*", minVisits: 2 } },
      ],
    });
    const report = await crm.scoring.rescore();
    expect(report.written).toBe(2);
    expect((await crm.scoring.score(id)).global).toBe(10);
    expect((await crm.contacts.get(id))!.scores.global).toBe(10);
  });

  it("qualifies with hysteresis, hands the contact to sales with its history, and nurtures below", async () => {
    const { crm, env, events, storage } = await workspace();
    const id = await identified(crm, "v6");
    const t = env.now() - 5 * day;
    await crm.scoring.ingest([page("v6", "/pricing", t)]);
    expect(events.filter(([type]) => type === "score.nurture")).toHaveLength(1);
    expect(await storage.count({ collection: collections.outbox })).toBe(1);
    await crm.scoring.ingest([
      {
        id: "demo1",
        siteId: "web",
        visitorId: "v6",
        type: "event",
        name: "form.submitted",
        props: { form: "demo" },
        url: "https://example.com/demo",
        at: t + 1,
      },
      page("v6", "/cases/x", t + 2),
      page("v6", "/pricing", t + day),
    ]);
    const crossed = events.filter(([type]) => type === "score.thresholdCrossed");
    expect(crossed).toHaveLength(1);
    const handed = events.find(([type]) => type === "score.handedOff")![1] as { dealId: string };
    const deal = await crm.deals.require(handed.dealId);
    expect(deal.contactId).toBe(id);
    expect(deal.ownerId).toBeDefined();
    const handoff = await crm.scoring.handoff(deal.id);
    expect(handoff!.history).toHaveLength(4);
    expect(handoff!.contributions.reduce((s, c) => s + c.value, 0)).toBe(100);
    // Careers visits take it to 90: under 100 but not under 80, so nothing fires; 75 unqualifies.
    await crm.scoring.ingest([
      page("v6", "/careers", t + day + 1),
      page("v6", "/careers/a", t + day + 2),
    ]);
    expect(events.filter(([type]) => type === "score.thresholdCrossed")).toHaveLength(1);
    await crm.scoring.ingest([
      page("v6", "/careers/b", t + day + 3),
      page("v6", "/careers/c", t + day + 4),
      page("v6", "/careers/d", t + day + 5),
    ]);
    const down = events.filter(([type]) => type === "score.thresholdCrossed");
    expect(down.map(([, e]) => (e as { direction: string }).direction)).toEqual(["up", "down"]);
    // Requalifying while the deal is open hands over the same deal.
    await crm.scoring.ingest([
      page("v6", "/pricing", t + 2 * day),
      page("v6", "/pricing", t + 3 * day),
    ]);
    const handoffs = events.filter(([type]) => type === "score.handedOff");
    expect(handoffs.map(([, e]) => (e as { dealId: string }).dealId)).toEqual([deal.id, deal.id]);
  });

  it("follows decay across thresholds on refresh", async () => {
    const { crm, env, events } = await workspace();
    await crm.scoring.setModel({
      ...model,
      groups: [
        { id: "global", decay: { kind: "linear", percent: 10, every: "7d" } },
        { id: "analytics" },
      ],
      thresholds: [{ group: "global", qualifyAt: 50, unqualifyBelow: 30, handoff: false }],
    });
    const id = await identified(crm, "v7");
    const t = env.now() - 5 * day;
    await crm.scoring.ingest([
      page("v7", "/pricing", t),
      page("v7", "/pricing", t + day),
      page("v7", "/pricing", t + 2 * day),
      page("v7", "/cases/a", t),
    ]);
    expect(events.filter(([type]) => type === "score.thresholdCrossed")).toHaveLength(1);
    env.advance(60 * day);
    expect((await crm.contacts.get(id))!.scores.global).toBeGreaterThan(30);
    await crm.scoring.refresh();
    expect((await crm.contacts.get(id))!.scores.global).toBeLessThan(30);
    expect(
      events
        .filter(([type]) => type === "score.thresholdCrossed")
        .map(([, e]) => (e as { direction: string }).direction),
    ).toEqual(["up", "down"]);
  });

  it("rejects an invalid model with the path of the bad field", async () => {
    const { crm } = await workspace();
    const bad = {
      ...model,
      rules: [
        ...model.rules,
        { id: "x", group: "nope", points: 1, when: { type: "page" as const, url: "/x" } },
      ],
    };
    const error = await crm.scoring.setModel(bad).catch((e) => e);
    expect(error.details.path).toEqual(["rules", 6, "group"]);
    const fit = await crm.scoring
      .setModel({
        ...model,
        rules: [{ id: "f", points: 1, when: { type: "fit", when: q.field("custom.nope").eq(1) } }],
      })
      .catch((e) => e);
    expect(fit.details.path.slice(0, 4)).toEqual(["rules", 0, "when", "when"]);
  });
});
