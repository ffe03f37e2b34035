import { describe, expect, it } from "vitest";
import { CrmkitError } from "../errors.js";
import { checkCondition, matchesCondition } from "./condition.js";

const pathOf = (condition: unknown) => {
  try {
    checkCondition(condition);
    return "accepted";
  } catch (error) {
    if (!CrmkitError.is(error, "VALIDATION_FAILED")) throw error;
    return error.details.path;
  }
};

describe("record conditions", () => {
  it("refuse a malformed condition with the path of the bad part", () => {
    expect(pathOf({ and: [{ path: ["a"], eq: 1 }, { or: [{ not: { path: [] } }] }] })).toEqual([
      "and",
      1,
      "or",
      0,
      "not",
      "path",
    ]);
    expect(pathOf({ path: ["a"], eq: 1, in: [1] })).toEqual([]);
    expect(pathOf({ path: ["a"], range: { type: "number", gt: "b" } })).toEqual(["range", "gt"]);
    expect(pathOf({ path: ["a"], eq: Number.NaN })).toEqual(["eq"]);
    expect(pathOf({ path: ["a"], fallback: "1", eq: 1 })).toEqual(["fallback"]);
    expect(pathOf({ path: ["a", "b"], hasAll: ["x"] })).toBe("accepted");
  });

  it("read own properties of objects only, and a fallback for absent or null values", () => {
    const record = { id: "r", revision: 1, tags: ["x"], scores: { global: null }, list: [1] };
    expect(matchesCondition(record, { path: ["tags", "length"], eq: 1 })).toBe(false);
    expect(matchesCondition(record, { path: ["scores", "constructor"], empty: true })).toBe(true);
    expect(matchesCondition(record, { path: ["scores", "global"], fallback: 0, eq: 0 })).toBe(true);
    expect(matchesCondition(record, { and: [] })).toBe(true);
    expect(matchesCondition(record, { or: [] })).toBe(false);
  });
});
