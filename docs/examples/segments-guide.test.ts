import { describe, expect, it } from "vitest";
import { segmentsGuide } from "./segments-guide.js";

describe("the segments guide", () => {
  it("gives the results the guide shows", async () => {
    const result = await segmentsGuide();
    expect(result.gold).toBe(1);
    expect(result.events).toHaveLength(1);
    expect(result.hot).toEqual({ count: 0, examined: 1, strategy: "index", index: "status" });
    expect(result.recent).toBe(2);
    expect(result.why).toEqual([
      'status in ["customer"]: actual "customer" → yes',
      'tags categoryIs "gold": actual ["gold"] → yes',
    ]);
    expect(result.invalid).toMatchObject({ ok: false, problems: [{ path: ["of", 1, "value"] }] });
  });
});
