import { describe, expect, it } from "vitest";
import { CrmkitError } from "../errors.js";
import { collections } from "../records/schema.js";
import { memoryCrm } from "../testing/crm-fixture.js";
import type { HitInput } from "./types.js";

const start = Date.parse("2026-05-04T08:00:00.000Z");

async function workspace() {
  const fixture = await memoryCrm({ timezone: "Europe/Paris" });
  fixture.env.set(start + 86_400_000);
  await fixture.crm.scoring.setModel({
    groups: [{ id: "global", decay: { kind: "halfLife", halfLife: "7d" } }],
    rules: [
      { id: "pricing", points: 20, when: { type: "page", url: "/pricing" }, repeat: "day" },
      { id: "any", points: 1, when: { type: "page", url: "*" } },
    ],
  });
  const ada = await fixture.crm.contacts.create({ email: "ada@example.com" });
  const queued = () => fixture.storage.count({ collection: collections.scoreQueue });
  return { ...fixture, ada: ada.id, queued };
}

let seq = 0;
const hit = (at: number, extra: Partial<HitInput> = {}): HitInput => ({
  id: `h${++seq}`,
  siteId: "web",
  type: "pageview",
  url: "https://example.com/pricing",
  at,
  ...extra,
});

describe("accept, then drain", () => {
  it("stores accepted hits with their queue records and scores them only when drained", async () => {
    const { crm, ada, queued } = await workspace();
    const report = await crm.scoring.accept([hit(start, { contactId: ada })]);
    expect(report.accepted).toHaveLength(1);
    expect(await queued()).toBe(1);
    expect(await crm.scoring.card(ada)).toBeNull();
    expect(await crm.scoring.visits(ada)).toHaveLength(1);

    expect(await crm.scoring.drain()).toEqual({
      scored: 1,
      contacts: 1,
      anonymous: 0,
      more: false,
    });
    expect(await queued()).toBe(0);
    // 21 points (pricing and any), a day into a 7-day half-life.
    expect((await crm.scoring.card(ada))?.scores.global).toBe(
      Math.round(21 * 0.5 ** (1 / 7) * 100) / 100,
    );
    // Draining again finds nothing; accepting the same hit again is a duplicate.
    expect(await crm.scoring.drain()).toMatchObject({ scored: 0 });
    const same = `h${seq}`;
    const again = await crm.scoring.accept([hit(start, { id: same, contactId: ada })]);
    expect(again).toEqual({ accepted: [], duplicates: [`web:${same}`] });
    expect(await queued()).toBe(0);
  });

  it("takes at most `limit` queued hits, and says more are waiting", async () => {
    const { crm, ada, queued } = await workspace();
    await crm.scoring.ingest([hit(start - 60_000, { contactId: ada })]); // scored once: a card
    await crm.scoring.accept(
      Array.from({ length: 7 }, (_, i) => hit(start + i * 60_000, { contactId: ada })),
    );
    expect(await crm.scoring.drain({ limit: 3, batchSize: 2 })).toMatchObject({
      scored: 3,
      more: true,
    });
    expect(await queued()).toBe(4);
    expect(await crm.scoring.drain({ batchSize: 2 })).toMatchObject({ scored: 4, more: false });
    const ledger = await crm.scoring.ledger(ada);
    expect(ledger.filter((e) => e.ruleId === "any")).toHaveLength(8);
    expect(ledger.filter((e) => e.ruleId === "pricing")).toHaveLength(1);
  });

  it("keeps an anonymous visitor's drained hits stored, and scores them at identification", async () => {
    const { crm, ada, queued } = await workspace();
    await crm.scoring.accept([
      hit(start, { visitorId: "v1" }),
      hit(start + 1, { visitorId: "v1" }),
    ]);
    expect(await crm.scoring.drain()).toMatchObject({ scored: 0, anonymous: 2 });
    expect(await queued()).toBe(0);
    expect(await crm.scoring.identify({ siteId: "web", visitorId: "v1", contactId: ada })).toBe(2);
    // Later hits of the visitor carry the contact from acceptance on.
    await crm.scoring.accept([hit(start + 2, { visitorId: "v1" })]);
    expect(await crm.scoring.drain()).toMatchObject({ scored: 1, contacts: 1 });
    const ledger = await crm.scoring.ledger(ada);
    expect(ledger.filter((e) => e.ruleId === "any")).toHaveLength(3);
  });

  it("replays a contact whose hit arrives out of order, with the same result as in order", async () => {
    const late = await workspace();
    const inOrder = await workspace();
    const times = [0, 3, 1, 5, 2].map((d) => start + d * 3_600_000 * 20);
    for (const at of times) {
      await late.crm.scoring.ingest([hit(at, { id: `x${at}`, contactId: late.ada })]);
    }
    await inOrder.crm.scoring.ingest(
      [...times].sort().map((at) => hit(at, { id: `x${at}`, contactId: inOrder.ada })),
    );
    expect(await late.crm.scoring.score(late.ada)).toEqual(
      await inOrder.crm.scoring.score(inOrder.ada),
    );
    expect((await late.crm.scoring.card(late.ada))?.scores).toEqual(
      (await inOrder.crm.scoring.card(inOrder.ada))?.scores,
    );
  });

  it("drains in the background once started, and settle() waits for it", async () => {
    const { crm, ada, queued } = await workspace();
    await crm.scoring.accept([hit(start, { contactId: ada })]);
    crm.scoring.drainInBackground();
    crm.scoring.drainInBackground(); // a second call while running only asks for another round
    await crm.scoring.settle();
    expect(await queued()).toBe(0);
    expect(await crm.scoring.card(ada)).not.toBeNull();
  });

  it("keeps the hits queued when a background drain fails, and reports the failure once", async () => {
    const { crm, ada, queued, storage } = await workspace();
    await crm.scoring.accept([hit(start, { contactId: ada })]);
    const write = storage.write.bind(storage);
    storage.write = async () => {
      throw new CrmkitError("STORAGE_FAILURE", "disk full");
    };
    crm.scoring.drainInBackground();
    await expect(crm.scoring.settle()).rejects.toThrow("disk full");
    await crm.scoring.settle(); // reported once
    storage.write = write;
    expect(await queued()).toBe(1);
    expect(await crm.scoring.drain()).toMatchObject({ scored: 1 });
  });
});
