import { describe, expect, it } from "vitest";
import { pipelinesGuide } from "./pipelines-guide.js";

describe("the pipelines and assignment guides", () => {
  it("give the results the guides show", async () => {
    const result = await pipelinesGuide();
    expect(result.owner).toBe("marc");
    expect(result.why).toBe(
      'rule "inside" matched; Anna skipped: absent; Marc chosen: next in rotation in pool "Inside sales"',
    );
    expect(result.missing).toEqual(["Deal value is filled", "Contact's phone is filled"]);
    expect(result.qualified).toEqual(["qualified", "lea"]);
    expect(result.stage).toBe("proposal");
    expect(result.history).toEqual(["lead (created)", "qualified (goalMet)", "proposal (goalMet)"]);
    expect(result.tasks).toEqual(["Call the lead: skipped", "Meet the decision maker: skipped"]);
    expect(result.refused).toEqual({
      ok: false,
      stageId: "lost",
      missing: [{ field: "lostReason", label: "Lost reason" }],
    });
    expect(result.outbox).toEqual(["nurture subscribed", "nurture unsubscribed"]);
  });
});
