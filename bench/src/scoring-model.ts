// The scoring model of the benchmarks: a realistic site's rules.
import type { ScoringModel } from "@crmkit/core";

export const benchModel: ScoringModel = {
  groups: [
    { id: "global", cap: 500, decay: { kind: "halfLife", halfLife: "30d" } },
    { id: "analytics" },
  ],
  rules: [
    { id: "pricing", points: 20, when: { type: "page", url: "/pricing*" }, repeat: "day" },
    { id: "cases", points: 10, when: { type: "page", url: "/cases/*" }, repeat: "once" },
    { id: "docs", points: 2, when: { type: "page", url: "/docs/*" }, repeat: "always" },
    {
      id: "comeback",
      points: 15,
      when: { type: "page", url: "*", returnAfter: "3d" },
      repeat: "week",
    },
    { id: "careers", points: -10, when: { type: "page", url: "/careers*" }, repeat: "once" },
    {
      id: "analytics",
      group: "analytics",
      points: 25,
      when: { type: "page", url: "/products/analytics*" },
      repeat: "day",
    },
    {
      id: "demo",
      points: 60,
      when: { type: "event", name: "form.submitted", props: { form: "demo" } },
    },
  ],
  thresholds: [{ group: "global", qualifyAt: 100, unqualifyBelow: 80, handoff: false }],
};

/** The pages visitors of the benchmarks browse. */
export const benchPaths = [
  "/",
  "/pricing",
  "/docs/start",
  "/docs/api",
  "/cases/acme",
  "/blog/x",
  "/careers",
  "/products/analytics",
];
