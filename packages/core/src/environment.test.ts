import { describe, expect, it } from "vitest";
import { createEnvironment, createTestEnvironment, seededRandom } from "./environment.js";

describe("createTestEnvironment", () => {
  it("gives the same ids and random numbers for the same seed, and others for another seed", () => {
    const draw = (seed: number) => {
      const env = createTestEnvironment({ seed });
      return [env.newId(), env.newId(), env.random()];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42)[0]).toMatch(/^[\w-]{21}$/);
  });

  it("keeps a fixed clock that the test moves", () => {
    const env = createTestEnvironment({ now: "2026-03-29T00:30:00Z" });
    expect(env.now()).toBe(Date.parse("2026-03-29T00:30:00Z"));
    expect(env.now()).toBe(Date.parse("2026-03-29T00:30:00Z"));
    env.advance(3_600_000);
    expect(new Date(env.now()).toISOString()).toBe("2026-03-29T01:30:00.000Z");
    env.set("2027-01-01T00:00:00Z");
    expect(new Date(env.now()).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("ticks forward after each reading when asked", () => {
    const env = createTestEnvironment({ now: 0, tick: 10 });
    expect([env.now(), env.now(), env.now()]).toEqual([0, 10, 20]);
  });

  it("rejects an invalid starting instant", () => {
    expect(() => createTestEnvironment({ now: "not a date" })).toThrowError(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });
});

describe("seededRandom", () => {
  it("stays in [0, 1) and spreads evenly", () => {
    const random = seededRandom(7);
    const buckets: number[] = new Array(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = random();
      if (value < 0 || value >= 1) outside++;
      else buckets[Math.floor(value * 10)]!++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});

describe("createEnvironment", () => {
  it("reads the system clock and makes distinct ids", () => {
    const env = createEnvironment();
    const before = Date.now();
    expect(env.now()).toBeGreaterThanOrEqual(before);
    expect(env.newId()).not.toBe(env.newId());
    const value = env.random();
    expect(value >= 0 && value < 1).toBe(true);
  });
});
