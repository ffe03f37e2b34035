import { toIsoInstant } from "../environment.js";
import type { Taxonomy } from "../records/index.js";
import type { FieldInfo } from "./fields.js";
import type { Scalar } from "./query.js";
import { isCalendarDate, parseQueryInstant } from "./values.js";

/** A value checked against its field: the normalised value, or why it does not fit. */
export type CheckedValue =
  | { readonly ok: true; readonly value: Scalar }
  | { readonly ok: false; readonly message: string };

const fit = (value: Scalar): CheckedValue => ({ ok: true, value });
const misfit = (message: string): CheckedValue => ({ ok: false, message });

/**
 * Checks one comparison value against the type of its field and normalises it (instants to UTC ISO
 * strings in the query's timezone).
 */
export function checkValue(
  info: FieldInfo,
  raw: Scalar,
  taxonomy: Taxonomy,
  timezone: string,
): CheckedValue {
  switch (info.type) {
    case "number":
      return typeof raw === "number"
        ? fit(raw)
        : misfit(`"${info.name}" is a number; compare it with a number`);
    case "boolean":
      return typeof raw === "boolean"
        ? fit(raw)
        : misfit(`"${info.name}" is a boolean; compare it with true or false`);
    case "instant": {
      if (typeof raw !== "string")
        return misfit(`"${info.name}" is an instant; compare it with an ISO 8601 date-time`);
      const ms = parseQueryInstant(raw, timezone);
      return ms === undefined
        ? misfit(`"${raw}" is not an ISO 8601 date-time or date`)
        : fit(toIsoInstant(ms));
    }
    case "date":
      return typeof raw === "string" && isCalendarDate(raw)
        ? fit(raw)
        : misfit(`"${info.name}" is a date; compare it with YYYY-MM-DD`);
    case "enum":
      if (typeof raw !== "string")
        return misfit(`"${info.name}" is an enum; compare it with one of its values`);
      return info.options?.includes(raw)
        ? fit(raw)
        : misfit(`"${raw}" is not a value of "${info.name}" (${info.options?.join(", ")})`);
    case "status":
      if (typeof raw !== "string")
        return misfit(`"${info.name}" is a status; compare it with a status id`);
      return taxonomy.statuses.has(raw) ? fit(raw) : misfit(`unknown status "${raw}"`);
    case "tags":
      return misfit(`use the tag operators (hasTag, hasAnyTag…) for "${info.name}"`);
    case "list":
      return misfit(`"${info.name}" is a list; test it with exists or empty`);
    default:
      return typeof raw === "string"
        ? fit(raw)
        : misfit(`"${info.name}" is text; compare it with a string`);
  }
}
