import { describe, expect, it } from "vitest";
import { CrmkitError, formatPath, validationError } from "./errors.js";

describe("CrmkitError", () => {
  it("carries a code, details and cause", () => {
    const cause = new Error("disk");
    const error = new CrmkitError("STORAGE_FAILURE", "The store failed.", {
      details: { adapter: "x" },
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("CrmkitError");
    expect(error.code).toBe("STORAGE_FAILURE");
    expect(error.details).toEqual({ adapter: "x" });
    expect(error.cause).toBe(cause);
  });

  it("recognises errors from another copy of the package by their brand, not their class", () => {
    class OtherCopy extends Error {
      code = "NOT_FOUND";
      constructor() {
        super("other");
        Object.defineProperty(this, Symbol.for("crmkit.error"), { value: true });
      }
    }
    const foreign = new OtherCopy();
    expect(foreign instanceof CrmkitError).toBe(false);
    expect(CrmkitError.is(foreign)).toBe(true);
    expect(CrmkitError.is(foreign, "NOT_FOUND")).toBe(true);
    expect(CrmkitError.is(foreign, "REVISION_CONFLICT")).toBe(false);
    expect(CrmkitError.is(new Error("plain"))).toBe(false);
    expect(CrmkitError.is({ code: "NOT_FOUND" })).toBe(false);
    expect(CrmkitError.is(null)).toBe(false);
  });

  it("builds validation errors whose path is the first issue's", () => {
    const error = validationError("contact", [
      { path: ["emails", 2, "address"], message: "not an e-mail", code: "invalid_format" },
      { path: ["name"], message: "required", code: "invalid_type" },
    ]);
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toBe("Invalid contact at emails[2].address: not an e-mail");
    expect(error.details.path).toEqual(["emails", 2, "address"]);
    expect(error.details.issues).toHaveLength(2);
    expect(formatPath([])).toBe("(root)");
  });
});
