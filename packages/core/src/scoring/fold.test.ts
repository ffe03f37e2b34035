import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { startOfPeriod } from "../time/index.js";
import { type CompiledRule, compareHits, compileModel } from "./derive.js";
import { advance, compareEntries, foldAll, type GroupFold, scoresOf } from "./fold.js";
import { deriveInOrder, type RuleState } from "./hit-rules.js";
import type { Hit, ScoringModel } from "./types.js";

const day = 86_400_000;
const start = Date.parse("2025-01-01T00:00:00.000Z");

const model = compileModel(
  {
    groups: [
      { id: "global", cap: 400, decay: { kind: "halfLife", halfLife: "30d" } },
      { id: "product", decay: { kind: "linear", percent: 10, every: "7d" } },
      { id: "plain" },
    ],
    rules: [
      { id: "pricing", points: 20, when: { type: "page", url: "/pricing*" }, repeat: "day" },
      { id: "docs", points: 2.5, when: { type: "page", url: "/docs/*" } },
      { id: "third", points: 7, when: { type: "page", url: "*", minVisits: 3 }, repeat: "week" },
      { id: "back", points: 11, when: { type: "page", url: "*", returnAfter: "2d" } },
      { id: "soon", points: 3, when: { type: "page", url: "*", returnWithin: "1h" } },
      { id: "first", points: 5, when: { type: "page", url: "/blog*", first: true } },
      { id: "careers", points: -6, when: { type: "page", url: "/careers" }, repeat: "once" },
      {
        id: "read",
        group: "product",
        points: 15,
        when: { type: "engagement", url: "*", minSeconds: 120 },
        repeat: "day",
      },
      {
        id: "demo",
        group: "plain",
        points: 40,
        when: { type: "event", name: "demo", props: { form: ["a", "b"] } },
      },
      { id: "__proto__", points: 1, when: { type: "page", url: "/" }, decay: "none" },
    ],
    thresholds: [],
  } satisfies ScoringModel,
  1,
);

const paths = ["/", "/pricing", "/docs/a", "/blog", "/careers", "/x"];
const hitArb = fc.record({
  gap: fc.integer({ min: 0, max: 3 * day }),
  kind: fc.constantFrom("pageview", "pageview", "pageview", "engagement", "event"),
  path: fc.constantFrom(...paths),
  seconds: fc.integer({ min: 1, max: 200 }),
  form: fc.constantFrom("a", "b", "c"),
});

type RawHit = { gap: number; kind: string; path: string; seconds: number; form: string };

function history(raws: readonly RawHit[]): Hit[] {
  let at = start;
  return raws.map((raw, index) => {
    at += raw.gap;
    return {
      id: `h${String(index).padStart(5, "0")}`,
      revision: 1,
      siteId: "web",
      contactId: "c",
      type: raw.kind as Hit["type"],
      url: `https://example.com${raw.path}`,
      ...(raw.kind === "engagement" ? { seconds: raw.seconds } : {}),
      ...(raw.kind === "event" ? { name: "demo", props: { form: raw.form } } : {}),
      at: new Date(at).toISOString(),
      receivedAt: new Date(at).toISOString(),
    };
  });
}

/**
 * The reference: each rule's rule written as a filter over the whole sorted history, the way the
 * rules read (the n-th visit, the gap since the previous visit, seconds so far, first in a period).
 */
function reference(hits: readonly Hit[], timezone: string): string[] {
  const sorted = [...hits].sort(compareHits);
  const out: string[] = [];
  for (const compiled of model.hitRules) {
    const when = compiled.rule.when;
    const urlOk = (hit: Hit) =>
      compiled.url === undefined || (hit.url !== undefined && compiled.url.test(new URL(hit.url)));
    let qualifying: Hit[] = [];
    if (when.type === "page") {
      const visits = sorted.filter((hit) => hit.type === "pageview" && urlOk(hit));
      qualifying = visits.filter((hit, index) => {
        if (when.first === true && index > 0) return false;
        if (when.minVisits !== undefined && index + 1 < when.minVisits) return false;
        if (compiled.returnWithin === undefined && compiled.returnAfter === undefined) return true;
        const previous = visits[index - 1];
        if (previous === undefined) return false;
        const gap = Date.parse(hit.at) - Date.parse(previous.at);
        return (
          (compiled.returnWithin === undefined || gap <= compiled.returnWithin) &&
          (compiled.returnAfter === undefined || gap >= compiled.returnAfter)
        );
      });
    } else if (when.type === "engagement") {
      let seconds = 0;
      qualifying = sorted.filter((hit) => {
        if (hit.type !== "engagement" || !urlOk(hit)) return false;
        seconds += hit.seconds ?? 0;
        return seconds >= when.minSeconds;
      });
    } else if (when.type === "event") {
      qualifying = sorted.filter(
        (hit) =>
          hit.type === "event" &&
          hit.name === when.name &&
          ["a", "b"].includes(String(hit.props?.form)),
      );
    }
    out.push(
      ...repeated(compiled, qualifying, timezone).map((hit) => `${compiled.rule.id} ${hit.id}`),
    );
  }
  return out.sort();
}

function repeated(compiled: CompiledRule, hits: Hit[], timezone: string): Hit[] {
  if (compiled.repeat === "always") return hits;
  if (compiled.repeat === "once") return hits.slice(0, 1);
  const seen = new Set<number>();
  return hits.filter((hit) => {
    const period = startOfPeriod(Date.parse(hit.at), compiled.repeat as "day" | "week", timezone);
    if (seen.has(period)) return false;
    seen.add(period);
    return true;
  });
}

/** Everything at once, as a replay does. */
function replay(hits: readonly Hit[], now: number) {
  const entries = deriveInOrder(model, {}, [...hits].sort(compareHits), "Europe/Paris");
  return { entries, ...foldAll(model, entries, now) };
}

/** In batches, each from the state the one before left, the clock moving between them. */
function incremental(hits: readonly Hit[], cuts: readonly number[], now: number) {
  const rules: Record<string, RuleState> = {};
  let groups: Record<string, GroupFold> = {};
  let future: ReturnType<typeof foldAll>["future"] = [];
  const entries: ReturnType<typeof deriveInOrder> = [];
  const sorted = [...hits].sort(compareHits);
  let from = 0;
  for (const cut of [...cuts, sorted.length]) {
    const batch = sorted.slice(from, Math.max(from, cut));
    from = Math.max(from, cut);
    const at = batch.length === 0 ? start : Math.min(now, Date.parse(batch.at(-1)!.at) + day);
    const derived = deriveInOrder(model, rules, batch, "Europe/Paris").sort(compareEntries);
    entries.push(...derived);
    future = advance(model, groups, [...future, ...derived], at);
  }
  future = advance(model, groups, future, now);
  groups = structuredClone(groups);
  return { entries, groups, future };
}

const keys = (entries: readonly { ruleId: string; hitId?: string; points: number }[]) =>
  entries.map((e) => `${e.ruleId} ${e.hitId} ${e.points}`).sort();

describe("the scoring fold", () => {
  it("gives in batches exactly what a replay of the whole history gives, to the last bit", () => {
    fc.assert(
      fc.property(
        fc.array(hitArb, { minLength: 0, maxLength: 400, size: "large" }),
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 400 * day }),
        (raws, cuts, after) => {
          const hits = history(raws);
          const last = hits.length === 0 ? start : Date.parse(hits.at(-1)!.at);
          const now = last + after;
          const whole = replay(hits, now);
          const parts = incremental(
            hits,
            [...cuts].sort((a, b) => a - b),
            now,
          );
          expect(keys(parts.entries)).toEqual(keys(whole.entries));
          expect(whole.entries.map((e) => `${e.ruleId} ${e.hitId}`).sort()).toEqual(
            reference(hits, "Europe/Paris"),
          );
          expect(scoresOf(model, parts.groups, now)).toEqual(scoresOf(model, whole.groups, now));
          expect(parts.future).toEqual(whole.future);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it("keeps a long history's state small and its scores equal to the replay", () => {
    const raws = Array.from({ length: 10_000 }, (_, i) => ({
      gap: ((i * 7919) % 13) * 3_600_000,
      kind: i % 9 === 0 ? "engagement" : i % 23 === 0 ? "event" : "pageview",
      path: paths[(i * 31) % paths.length]!,
      seconds: 30 + (i % 90),
      form: i % 2 === 0 ? "a" : "c",
    }));
    const hits = history(raws);
    const now = Date.parse(hits.at(-1)!.at) + day;
    const whole = replay(hits, now);
    const cuts = Array.from({ length: 99 }, (_, i) => (i + 1) * 100);
    const parts = incremental(hits, cuts, now);
    expect(scoresOf(model, parts.groups, now)).toEqual(scoresOf(model, whole.groups, now));
    // Half-life points are one sum per half-life; linear ones only while they are worth something.
    expect(Object.keys(parts.groups.global!.half)).toHaveLength(1);
    expect(parts.groups.product!.linear.length).toBeLessThan(200);
  });

  it("keeps a rule id named like a prototype property as a key of its own", () => {
    const hits = history([{ gap: 0, kind: "pageview", path: "/", seconds: 1, form: "a" }]);
    const rules: Record<string, RuleState> = {};
    deriveInOrder(model, rules, hits, "UTC");
    expect(Object.hasOwn(rules, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(rules)).toBe(Object.prototype);
  });
});
