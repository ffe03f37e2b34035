// Names that Object.prototype has (constructor, __proto__, toString, valueOf, hasOwnProperty…)
// given wherever crmkit takes a user-chosen key: each is refused with VALIDATION_FAILED and a path,
// or handled as the plain name it is. Never a TypeError, never a field that "exists" everywhere,
// never a required field that is not enforced. Every name is tried at every entry point.
import { describe, expect, it } from "vitest";
import { renderTemplate } from "./email/template.js";
import { CrmkitError } from "./errors.js";
import { isPrototypeName, ownPath, ownValue } from "./own.js";
import { q } from "./query/builder.js";
import { collections } from "./records/schema.js";
import { memoryCrm } from "./testing/crm-fixture.js";

const names = Object.getOwnPropertyNames(Object.prototype);

async function refusal(promise: Promise<unknown>): Promise<CrmkitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(CrmkitError.is(error, "VALIDATION_FAILED"), String(error)).toBe(true);
  return error as CrmkitError;
}

describe("own-property reads", () => {
  it("knows every Object.prototype name, and only those", () => {
    expect(names).toContain("__proto__");
    for (const name of names) expect(isPrototypeName(name)).toBe(true);
    for (const name of ["status", "custom", "Constructor", "proto", ""])
      expect(isPrototypeName(name)).toBe(false);
    expect(ownValue({}, "constructor")).toBeUndefined();
    expect(ownPath({ a: {} }, ["a", "toString"])).toBeUndefined();
    expect(ownPath(JSON.parse('{"a":{"valueOf":3}}'), ["a", "valueOf"])).toBe(3);
  });

  it("refuses each as the id of a custom field, a score group, a user or a team", async () => {
    const { crm } = await memoryCrm();
    for (const name of names) {
      const field = await refusal(
        crm.customFields.create({ id: name, target: "contact", label: "X", type: "number" }),
      );
      expect(field.details.path).toEqual(["id"]);
      await refusal(crm.scoring.setModel({ groups: [{ id: name }], rules: [], thresholds: [] }));
      expect(
        (await refusal(crm.users.create({ id: name, name: "X", role: "inside" }))).details.path,
      ).toEqual(["id"]);
      expect((await refusal(crm.teams.create({ id: name, name: "X" }))).details.path).toEqual([
        "id",
      ]);
    }
    // The lower-case ids of statuses, categories and tags: `constructor` is the one that fits.
    await refusal(crm.statuses.create({ id: "constructor", name: "X" }));
    await refusal(
      crm.tags.categories.create({ id: "constructor", name: "X", cardinality: "multi" }),
    );
    expect(await crm.customFields.list()).toEqual([]);
  });

  it("answers segment validation with problems, never a TypeError, for each as a field", async () => {
    const { crm } = await memoryCrm();
    for (const name of names)
      for (const field of [name, `scores.${name}`, `custom.${name}`, `account.${name}`]) {
        if (!/^[A-Za-z_]/.test(field)) continue;
        const result = await crm.segments.validate({ op: "exists", field });
        expect([field, result.ok]).toEqual([field, false]);
      }
  });

  it("does not find inherited names in contacts: custom values, scores, required fields", async () => {
    const { crm, storage } = await memoryCrm();
    await crm.customFields.create({
      id: "plan",
      target: "contact",
      label: "Plan",
      type: "string",
      required: true,
    });
    for (const name of names) {
      const error = await refusal(
        crm.contacts.create({ email: "a@example.com", custom: { [name]: "x", plan: "p" } }),
      );
      expect(error.details.path).toEqual(["custom", name]);
    }
    // The required field is enforced whatever the prototype has.
    await refusal(crm.contacts.create({ email: "b@example.com" }));
    await crm.contacts.create({ email: "c@example.com", custom: { plan: "pro" } });
    expect((await crm.segments.count({ query: q.field("scores.global").gte(0) })).count).toBe(1);
    expect(await storage.count({ collection: collections.contacts })).toBe(1);
  });

  it("refuses each as an event property, in a rule and in a hit", async () => {
    const { crm } = await memoryCrm();
    for (const name of names) {
      const rule = await refusal(
        crm.scoring.setModel({
          groups: [],
          rules: [{ id: "r", points: 1, when: { type: "event", name: "e", props: { [name]: 1 } } }],
          thresholds: [],
        }),
      );
      expect(rule.details.path?.slice(-1)).toEqual([name]);
      await refusal(
        crm.scoring.ingest([
          {
            id: "hit-00000001",
            siteId: "s",
            visitorId: "visitor-1",
            type: "event",
            name: "e",
            url: "https://example.com/",
            props: JSON.parse(`{${JSON.stringify(name)}:1}`),
            at: Date.parse("2026-05-15T09:00:00Z"),
          },
        ]),
      );
    }
  });

  it("refuses __proto__ as a key anywhere in a stored record", async () => {
    const { storage } = await memoryCrm();
    const error = await refusal(
      storage.write([
        {
          type: "put",
          collection: collections.contacts,
          record: JSON.parse('{"id":"x","custom":{"__proto__":{"polluted":true}}}'),
        },
      ]),
    );
    expect(error.details.path).toEqual([0, "record", "custom", "__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("renders a template placeholder named after a prototype property as missing", () => {
    for (const name of names.filter((n) => /^[A-Za-z_]\w*$/.test(n))) {
      const rendered = renderTemplate(
        { subject: `{{contact.${name}}}`, text: "" },
        { contact: {} },
      );
      expect([name, rendered.subject, rendered.missing]).toEqual([name, "", [`contact.${name}`]]);
    }
  });
});
