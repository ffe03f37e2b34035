import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Crm } from "../crm.js";
import { q } from "../query/builder.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import type { HitInput, ScoringModel, ScoringRule } from "./types.js";

const day = 86_400_000;
const start = Date.parse("2026-05-01T08:00:00.000Z");

// A pool of rules touching every mechanism: repeat policies, visit conditions, engagement,
// events with properties, fit, decay and a cap.
const rulePool: ScoringRule[] = [
  { id: "pricing", points: 20, when: { type: "page", url: "/pricing" }, repeat: "day" },
  {
    id: "docs",
    points: 3,
    when: { type: "page", url: "/docs/*" },
    repeat: "always",
    decay: { kind: "halfLife", halfLife: "7d" },
  },
  { id: "first-blog", points: 5, when: { type: "page", url: "/blog*", first: true } },
  { id: "third-visit", points: 7, when: { type: "page", url: "*", minVisits: 3 }, repeat: "week" },
  { id: "comeback", points: 11, when: { type: "page", url: "/pricing", returnAfter: "2d" } },
  { id: "quick", points: 4, when: { type: "page", url: "example.com/docs/*", returnWithin: "1h" } },
  { id: "careers", points: -6, when: { type: "page", url: "/careers" } },
  {
    id: "read",
    points: 15,
    when: { type: "engagement", url: "/docs/*", minSeconds: 120 },
    repeat: "once",
  },
  {
    id: "demo",
    points: 40,
    when: { type: "event", name: "form.submitted", props: { form: ["demo", "trial"] } },
  },
  { id: "fr", points: 9, when: { type: "fit", when: q.field("country").eq("FR") } },
];

const modelOf = (
  ids: readonly string[],
  points: Readonly<Record<string, number>> = {},
): ScoringModel => ({
  groups: [{ id: "global", cap: 120, decay: { kind: "linear", percent: 5, every: "7d" } }],
  rules: rulePool
    .filter((rule) => ids.includes(rule.id))
    .map((rule) => (Object.hasOwn(points, rule.id) ? { ...rule, points: points[rule.id]! } : rule)),
  thresholds: [{ group: "global", qualifyAt: 60, unqualifyBelow: 40, handoff: false }],
});

const pathArb = fc.constantFrom(
  "/pricing",
  "/docs/a",
  "/docs/b",
  "/blog",
  "/blog/x",
  "/careers",
  "/",
  "/pricing?x=1",
);
const hitArb = (visitors: readonly string[]) =>
  fc.record({
    visitor: fc.constantFrom(...visitors),
    kind: fc.constantFrom("pageview", "pageview", "pageview", "engagement", "event"),
    path: pathArb,
    offset: fc.integer({ min: 0, max: 14 * 24 * 60 }), // minutes after start
    seconds: fc.integer({ min: 1, max: 200 }),
    form: fc.constantFrom("demo", "trial", "newsletter"),
  });

type RawHit = {
  visitor: string;
  kind: string;
  path: string;
  offset: number;
  seconds: number;
  form: string;
};

const toInput = (raw: RawHit, index: number): HitInput => ({
  id: `e${index}`,
  siteId: "web",
  visitorId: raw.visitor,
  type: raw.kind as HitInput["type"],
  url: `https://example.com${raw.path}`,
  at: start + raw.offset * 60_000,
  ...(raw.kind === "engagement" ? { seconds: raw.seconds } : {}),
  ...(raw.kind === "event" ? { name: "form.submitted", props: { form: raw.form } } : {}),
});

async function workspace(
  ruleIds: readonly string[],
  points: Readonly<Record<string, number>> = {},
) {
  const fixture = await memoryCrm({ timezone: "Europe/Paris" });
  fixture.env.set(start + 20 * day);
  await fixture.crm.scoring.setModel(modelOf(ruleIds, points));
  const contacts: Record<string, string> = {};
  for (const [visitor, country] of [
    ["a", "FR"],
    ["b", "DE"],
  ] as const) {
    contacts[visitor] = (
      await fixture.crm.contacts.create({ email: `${visitor}@example.com`, country })
    ).id;
  }
  return { ...fixture, contacts };
}

/** What a contact's live ledger holds, and its score at a fixed instant. */
async function state(crm: Crm, contactId: string, at = start + 20 * day) {
  const ledger = await crm.scoring.ledger(contactId);
  // One entry per rule and hit (or fit): the ledger holds exactly what counts.
  expect(new Set(ledger.map((e) => `${e.ruleId} ${e.hitId ?? "fit"}`)).size).toBe(ledger.length);
  const live = ledger
    .map((e) => `${e.ruleId} ${e.hitId ?? "fit"} ${e.points} ${e.hitId === undefined ? "" : e.at}`)
    .sort();
  return { live, score: await crm.scoring.score(contactId, { at }) };
}

/** The cached scores (card and contact) agree with the ledger read at the card's instant. */
async function cacheAgrees(crm: Crm, contactId: string) {
  const card = await crm.scoring.card(contactId);
  if (card === null) return;
  const fromLedger = await crm.scoring.score(contactId, { at: card.at });
  expect(card.scores).toEqual(fromLedger);
  expect((await crm.contacts.get(contactId))!.scores).toMatchObject(fromLedger);
}

describe("scoring properties", () => {
  it("give the same scores whatever the delivery: duplicates, order, batches and identification time", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(hitArb(["a", "b"]), { minLength: 1, maxLength: 25 }),
        fc.subarray(
          rulePool.map((rule) => rule.id),
          { minLength: 1 },
        ),
        fc.integer({ min: 0, max: 1_000_000 }),
        async (raws, ruleIds, seed) => {
          const inputs = raws.map(toInput);
          // Reference: identified first, everything in one ordered batch.
          const ref = await workspace(ruleIds);
          for (const visitor of ["a", "b"])
            await ref.crm.scoring.identify({
              siteId: "web",
              visitorId: visitor,
              contactId: ref.contacts[visitor]!,
            });
          await ref.crm.scoring.ingest(inputs);

          // Shuffled, duplicated, re-batched, identified at random points.
          const other = await workspace(ruleIds);
          const rng = mulberry(seed);
          const deliveries = [...inputs, ...inputs.filter(() => rng() < 0.3)].sort(
            () => rng() - 0.5,
          );
          const identifyAt = {
            a: Math.floor(rng() * (deliveries.length + 1)),
            b: Math.floor(rng() * (deliveries.length + 1)),
          };
          let position = 0;
          while (position <= deliveries.length) {
            for (const visitor of ["a", "b"] as const)
              if (identifyAt[visitor] === position)
                await other.crm.scoring.identify({
                  siteId: "web",
                  visitorId: visitor,
                  contactId: other.contacts[visitor]!,
                });
            if (position === deliveries.length) break;
            const size = 1 + Math.floor(rng() * 4);
            const batch = deliveries.slice(position, position + size);
            await other.crm.scoring.ingest(batch);
            for (let p = position + 1; p < position + batch.length; p++)
              for (const visitor of ["a", "b"] as const)
                if (identifyAt[visitor] === p)
                  await other.crm.scoring.identify({
                    siteId: "web",
                    visitorId: visitor,
                    contactId: other.contacts[visitor]!,
                  });
            position += batch.length;
          }
          for (const visitor of ["a", "b"]) {
            expect(await state(other.crm, other.contacts[visitor]!)).toEqual(
              await state(ref.crm, ref.contacts[visitor]!),
            );
            await cacheAgrees(other.crm, other.contacts[visitor]!);
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it("keep cached scores equal to the ledger through random operations, and rescore to what the final rules give from the start", async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("hits" as const),
        hits: fc.array(hitArb(["a", "b", "c"]), { minLength: 1, maxLength: 5 }),
      }),
      fc.record({ kind: fc.constant("identify" as const), visitor: fc.constantFrom("a", "b") }),
      fc.record({
        kind: fc.constant("rules" as const),
        ids: fc.subarray(rulePool.map((rule) => rule.id)),
        rescore: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant("country" as const),
        visitor: fc.constantFrom("a", "b"),
        country: fc.constantFrom("FR", "DE"),
      }),
      fc.record({ kind: fc.constant("time" as const), days: fc.integer({ min: 0, max: 10 }) }),
      // One rule's points change: a rescore re-derives that rule only.
      fc.record({
        kind: fc.constant("points" as const),
        rule: fc.constantFrom(...rulePool.map((rule) => rule.id)),
        points: fc.integer({ min: -5, max: 30 }).filter((points) => points !== 0),
        rescore: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const w = await workspace(rulePool.map((rule) => rule.id));
        let ids: readonly string[] = rulePool.map((rule) => rule.id);
        const points: Record<string, number> = {};
        let counter = 0;
        for (const step of ops) {
          if (step.kind === "hits")
            await w.crm.scoring.ingest(step.hits.map((raw) => toInput(raw, counter++)));
          else if (step.kind === "identify")
            await w.crm.scoring.identify({
              siteId: "web",
              visitorId: step.visitor,
              contactId: w.contacts[step.visitor]!,
            });
          else if (step.kind === "rules") {
            ids = step.ids;
            await w.crm.scoring.setModel(modelOf(ids, points));
            if (step.rescore) await w.crm.scoring.rescore();
          } else if (step.kind === "points") {
            points[step.rule] = step.points;
            await w.crm.scoring.setModel(modelOf(ids, points));
            if (step.rescore) await w.crm.scoring.rescore();
          } else if (step.kind === "country")
            await w.crm.contacts.update(w.contacts[step.visitor]!, { country: step.country });
          else w.env.advance(step.days * day);
          for (const visitor of ["a", "b"]) await cacheAgrees(w.crm, w.contacts[visitor]!);
        }
        await w.crm.scoring.rescore();
        // Reference: a fresh workspace with the final rules and profiles, fed the same hits.
        const ref = await workspace(ids, points);
        ref.env.set(w.env.now());
        for (const visitor of ["a", "b"]) {
          const contact = (await w.crm.contacts.get(w.contacts[visitor]!))!;
          await ref.crm.contacts.update(ref.contacts[visitor]!, { country: contact.country! });
          const hits = await w.crm.scoring.visits(contact.id);
          if (hits.length > 0)
            await ref.crm.scoring.ingest(
              hits.map((hit) => ({
                id: hit.id.slice("web:".length),
                siteId: "web",
                contactId: ref.contacts[visitor]!,
                type: hit.type,
                ...(hit.url === undefined ? {} : { url: hit.url }),
                ...(hit.name === undefined ? {} : { name: hit.name }),
                ...(hit.props === undefined ? {} : { props: hit.props }),
                ...(hit.seconds === undefined ? {} : { seconds: hit.seconds }),
                at: hit.at,
              })),
            );
          // Fit points count from when the contact matched, so compare now.
          expect(await state(w.crm, contact.id, w.env.now())).toEqual(
            await state(ref.crm, ref.contacts[visitor]!, w.env.now()),
          );
          await cacheAgrees(w.crm, contact.id);
        }
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
