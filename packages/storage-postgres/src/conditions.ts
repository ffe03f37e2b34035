// The storage contract's record conditions compiled to SQL over a record table's jsonb `data`, with
// parameters only. Each field test yields true or false, never NULL, so NOT and OR mean what they
// mean in JavaScript; a test SQL cannot decide exactly (a string bound whose UTF-16 order differs
// from PostgreSQL's byte order, a string PostgreSQL cannot hold) becomes a superset, and the
// adapter then checks every row it reads with `matchesCondition`.
import type { ConditionValue, FieldCondition, RecordCondition } from "@crmkit/core/storage";

/** A compiled condition: SQL over the alias given, and whether it decides exactly. */
export interface ConditionSql {
  /** A boolean SQL expression (never NULL). */
  readonly sql: string;
  /** `false` when `sql` selects a superset, to be filtered with `matchesCondition`. */
  readonly exact: boolean;
}

/** Adds a parameter and returns its placeholder. */
export type Param = (value: unknown) => string;

/**
 * Strings PostgreSQL stores as they are, and whose order by `COLLATE "C"` (bytes of UTF-8, that is
 * code points) is their UTF-16 order against any other string: no NUL, no surrogate, nothing from
 * U+E000 up (a code point there sorts below a supplementary one in code points, above it in UTF-16).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range starts just above U+0000.
const plainForOrder = /^[\u0001-\uD7FF]*$/;
/** Strings PostgreSQL can hold: no NUL, no lone surrogate. */
const storable = (text: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what is looked for.
  !/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

export function conditionSql(
  condition: RecordCondition,
  alias: string,
  param: Param,
): ConditionSql {
  if ("and" in condition || "or" in condition) {
    const parts = ("and" in condition ? condition.and : condition.or).map((c) =>
      conditionSql(c, alias, param),
    );
    const and = "and" in condition;
    if (parts.length === 0) return { sql: and ? "TRUE" : "FALSE", exact: true };
    // A superset of an and is the and of supersets; of an or, the or of supersets.
    return {
      sql: `(${parts.map((p) => p.sql).join(and ? " AND " : " OR ")})`,
      exact: parts.every((p) => p.exact),
    };
  }
  if ("not" in condition) {
    // The negation of a superset is no superset: without an exact inner test, read everything
    // (a dry run first, so that no parameter is added for SQL that is not used).
    if (!conditionSql(condition.not, alias, () => "NULL").exact)
      return { sql: "TRUE", exact: false };
    return { sql: `(NOT ${conditionSql(condition.not, alias, param).sql})`, exact: true };
  }
  return fieldSql(condition, alias, param);
}

function fieldSql(condition: FieldCondition, alias: string, param: Param): ConditionSql {
  // The revision lives in its own column, not in `data`: such a test is left to the filter.
  if (condition.path.length === 0 || condition.path[0] === "revision")
    return { sql: "TRUE", exact: false };
  // The value's expression, built (and its parameters added) only when a test uses it.
  let built: string | undefined;
  const at = (): string => {
    if (built !== undefined) return built;
    let value = `${alias}.data`;
    // One `#>` for the whole path when no step could be read as an array position; else `->`
    // step by step: with a text key it reads an object's own member, and on an array or a
    // scalar it gives NULL, as an absent step does.
    if (condition.path.every((step) => /[^0-9+\-\s]/.test(step)))
      value = `(${value} #> ${param(condition.path)}::text[])`;
    else for (const step of condition.path) value = `(${value} -> ${param(step)}::text)`;
    if (condition.fallback !== undefined)
      value = `COALESCE(NULLIF(${value}, 'null'::jsonb), to_jsonb(${param(condition.fallback)}::float8))`;
    built = value;
    return value;
  };
  const yes = (sql: string): ConditionSql => ({ sql: `COALESCE(${sql}, FALSE)`, exact: true });
  const json = (v: ConditionValue) => `${param(JSON.stringify(v))}::jsonb`;

  if (condition.eq !== undefined) {
    const v = condition.eq;
    if (typeof v === "string" && !storable(v)) return { sql: "FALSE", exact: true };
    return yes(`${at()} = ${json(v)}`);
  }
  if (condition.in !== undefined) {
    const values = condition.in.filter((v) => typeof v !== "string" || storable(v));
    if (values.length === 0) return { sql: "FALSE", exact: true };
    return yes(`${at()} = ANY(${param(values.map((v) => JSON.stringify(v)))}::text[]::jsonb[])`);
  }
  if (condition.range !== undefined) {
    const { type, gt, gte, lt, lte } = condition.range;
    const bounds = [gt, gte, lt, lte].filter((b) => b !== undefined);
    if (bounds.some((b) => typeof b !== type)) return { sql: "FALSE", exact: true };
    if (type === "number" && condition.fallback === undefined) {
      // A strict SQL/JSON path: a step into an array or a scalar, a missing field, a value of
      // another type are all errors, which @? turns into "no match" — JavaScript's absent or
      // mistyped value. About half the cost of the same test through casts in a CASE.
      const steps = condition.path.map((step) => `.${JSON.stringify(step)}`).join("");
      const tests = (
        [
          ["gt", ">"],
          ["gte", ">="],
          ["lt", "<"],
          ["lte", "<="],
        ] as const
      )
        .filter(([name]) => condition.range![name] !== undefined)
        .map(([name, op]) => `@ ${op} ${JSON.stringify(condition.range![name])}`);
      const filter = tests.length === 0 ? '@.type() == "number"' : tests.join(" && ");
      return yes(`${alias}.data @? ${param(`strict $${steps} ? (${filter})`)}::jsonpath`);
    }
    if (type === "string" && bounds.some((b) => !plainForOrder.test(b as string))) {
      return { sql: `COALESCE(jsonb_typeof(${at()}) = 'string', FALSE)`, exact: false };
    }
    const parts = [`jsonb_typeof(${at()}) = '${type}'`];
    const read = type === "number" ? `(${at()})::float8` : `(${at()} #>> '{}') COLLATE "C"`;
    const bound = (b: number | string) =>
      type === "number" ? `${param(b)}::float8` : `${param(b)}::text COLLATE "C"`;
    if (gt !== undefined) parts.push(`${read} > ${bound(gt)}`);
    if (gte !== undefined) parts.push(`${read} >= ${bound(gte)}`);
    if (lt !== undefined) parts.push(`${read} < ${bound(lt)}`);
    if (lte !== undefined) parts.push(`${read} <= ${bound(lte)}`);
    // CASE so the casts run only on values of the right type.
    return yes(
      `CASE WHEN ${parts[0]} THEN ${parts.length === 1 ? "TRUE" : parts.slice(1).join(" AND ")} ELSE FALSE END`,
    );
  }
  if (condition.empty)
    return yes(`(${at()} IS NULL OR ${at()} IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb))`);
  if (condition.hasAny !== undefined || condition.hasAll !== undefined) {
    const all = condition.hasAll !== undefined;
    const tags = (condition.hasAll ?? condition.hasAny)!;
    const kept = tags.filter(storable);
    // No stored array holds a string PostgreSQL cannot store.
    if (all && kept.length < tags.length) return { sql: "FALSE", exact: true };
    if (kept.length === 0)
      return all ? yes(`jsonb_typeof(${at()}) = 'array'`) : { sql: "FALSE", exact: true };
    return yes(
      `(jsonb_typeof(${at()}) = 'array' AND ${at()} ${all ? "?&" : "?|"} ${param(kept)}::text[])`,
    );
  }
  // A field condition without a test matches nothing.
  return { sql: "FALSE", exact: true };
}
