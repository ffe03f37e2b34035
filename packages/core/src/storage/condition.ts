import { CrmkitError, type PathSegment } from "../errors.js";
import type { ConditionValue, FieldCondition, RecordCondition } from "./condition-types.js";
import type { StoredRecord } from "./types.js";

/**
 * Whether a record matches a condition: the reference every adapter's native evaluation
 * ({@link StorageAdapter.countMatching}) must agree with, and what the core falls back to.
 */
export function matchesCondition(record: StoredRecord, condition: RecordCondition): boolean {
  if ("and" in condition) return condition.and.every((c) => matchesCondition(record, c));
  if ("or" in condition) return condition.or.some((c) => matchesCondition(record, c));
  if ("not" in condition) return !matchesCondition(record, condition.not);
  return testField(valueAt(record, condition), condition);
}

/** The value a field condition tests: at its path, or its fallback for an absent or null one. */
function valueAt(record: StoredRecord, condition: FieldCondition): unknown {
  let value: unknown = record;
  for (const step of condition.path) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      value = undefined;
      break;
    }
    value = Object.hasOwn(value, step) ? (value as Record<string, unknown>)[step] : undefined;
  }
  if (condition.fallback !== undefined && (value === undefined || value === null))
    return condition.fallback;
  return value;
}

function testField(value: unknown, condition: FieldCondition): boolean {
  if (condition.eq !== undefined) return value === condition.eq;
  if (condition.in !== undefined) return condition.in.includes(value as ConditionValue);
  if (condition.range !== undefined) {
    const { type, gt, gte, lt, lte } = condition.range;
    if (typeof value !== type) return false;
    const v = value as number | string;
    return (
      (gt === undefined || v > gt) &&
      (gte === undefined || v >= gte) &&
      (lt === undefined || v < lt) &&
      (lte === undefined || v <= lte)
    );
  }
  if (condition.empty)
    return (
      value === undefined ||
      value === null ||
      value === "" ||
      (Array.isArray(value) && value.length === 0)
    );
  if (condition.hasAny !== undefined)
    return Array.isArray(value) && condition.hasAny.some((tag) => value.includes(tag));
  if (condition.hasAll !== undefined)
    return Array.isArray(value) && condition.hasAll.every((tag) => value.includes(tag));
  return false;
}

const fieldTests = ["eq", "in", "range", "empty", "hasAny", "hasAll"] as const;

/**
 * Checks that a value is a {@link RecordCondition} (adapters call it on what they are given).
 *
 * @throws CrmkitError `VALIDATION_FAILED` with the path of the first bad part
 */
export function checkCondition(condition: unknown): RecordCondition {
  const fail = (path: PathSegment[], message: string): never => {
    throw new CrmkitError("VALIDATION_FAILED", `Invalid condition: ${message}.`, {
      details: { path, issues: [{ path, message, code: "invalid_condition" }] },
    });
  };
  const scalar = (v: unknown) =>
    v === null ||
    typeof v === "string" ||
    typeof v === "boolean" ||
    (typeof v === "number" && Number.isFinite(v));
  const visit = (node: unknown, path: PathSegment[], depth: number): void => {
    if (depth > 64) fail(path, "nested deeper than 64 levels");
    if (typeof node !== "object" || node === null || Array.isArray(node))
      fail(path, "expected an object");
    const c = node as Record<string, unknown>;
    for (const key of ["and", "or"] as const) {
      if (!Object.hasOwn(c, key)) continue;
      if (!Array.isArray(c[key])) fail([...path, key], "expected an array");
      for (const [i, child] of (c[key] as unknown[]).entries())
        visit(child, [...path, key, i], depth + 1);
      return;
    }
    if (Object.hasOwn(c, "not")) {
      visit(c.not, [...path, "not"], depth + 1);
      return;
    }
    if (
      !Array.isArray(c.path) ||
      c.path.length === 0 ||
      !c.path.every((step) => typeof step === "string")
    )
      fail([...path, "path"], "expected a non-empty array of property names");
    if (
      Object.hasOwn(c, "fallback") &&
      c.fallback !== undefined &&
      !(typeof c.fallback === "number" && Number.isFinite(c.fallback))
    )
      fail([...path, "fallback"], "expected a finite number");
    const tests = fieldTests.filter((t) => Object.hasOwn(c, t) && c[t] !== undefined);
    if (tests.length !== 1) fail(path, `expected exactly one of ${fieldTests.join(", ")}`);
    const test = tests[0]!;
    const value = c[test];
    const at = [...path, test];
    if (test === "eq" && !scalar(value)) fail(at, "expected a JSON scalar");
    if (test === "in" && !(Array.isArray(value) && value.every(scalar)))
      fail(at, "expected an array of JSON scalars");
    if (
      (test === "hasAny" || test === "hasAll") &&
      !(Array.isArray(value) && value.every((v) => typeof v === "string"))
    )
      fail(at, "expected an array of strings");
    if (test === "empty" && value !== true) fail(at, "expected true");
    if (test === "range") {
      const r = value as Record<string, unknown>;
      if (typeof r !== "object" || r === null || (r.type !== "number" && r.type !== "string"))
        fail([...at, "type"], 'expected "number" or "string"');
      for (const bound of ["gt", "gte", "lt", "lte"])
        if (
          r[bound] !== undefined &&
          !(typeof r[bound] === r.type && (r.type === "string" || Number.isFinite(r[bound])))
        )
          fail([...at, bound], `expected a ${r.type === "number" ? "finite number" : "string"}`);
    }
  };
  visit(condition, [], 0);
  return condition as RecordCondition;
}
