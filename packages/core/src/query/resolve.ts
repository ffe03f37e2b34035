// Length: one resolver, one short method per operator family; value checks and the resolved shapes
// are apart.
import { toIsoInstant } from "../environment.js";
import type { PathSegment, ValidationIssue } from "../errors.js";
import { compileRegex } from "../patterns/index.js";
import { isValidTimezone } from "../time/index.js";
import { type FieldInfo, resolveField } from "./fields.js";
import type { Scalar, SegmentQuery } from "./query.js";
import { checkValue } from "./resolve-value.js";
import type { Getter, QueryEnvironment, Resolution, ResolvedQuery } from "./resolved.js";
import { relativeDateSpan, relativeSpan } from "./values.js";

type Path = readonly PathSegment[];
type Node<Op extends SegmentQuery["op"]> = Extract<SegmentQuery, { op: Op }>;

const comparable = new Set(["number", "instant", "date"]);
const textual = new Set(["string", "enum", "id", "status"]);

/**
 * Checks a (shape-valid) query against the workspace and resolves it for evaluation. Unknown fields,
 * tags of the wrong category, comparisons of the wrong type, unsafe patterns, unknown or cyclic
 * segment references are all reported, each with its path.
 *
 * @internal
 */
export function resolveQuery(query: SegmentQuery, env: QueryEnvironment): Resolution {
  const resolver = new Resolver(env);
  const resolved = resolver.walk(query, []);
  const { issues, usesClock, usesAccount, usesTeam } = resolver;
  return {
    ...(issues.length === 0 && resolved !== undefined ? { query: resolved } : {}),
    issues,
    usesClock,
    usesAccount,
    usesTeam,
  };
}

/** One resolution: walks the query once, collecting issues and what the query depends on. */
class Resolver {
  readonly issues: ValidationIssue[] = [];
  usesClock = false;
  usesAccount = false;
  usesTeam = false;
  readonly #env: QueryEnvironment;
  /** The saved segments being inlined, outermost first, to detect cycles. */
  readonly #visiting: string[];

  constructor(env: QueryEnvironment) {
    this.#env = env;
    this.#visiting = env.self === undefined ? [] : [env.self];
  }

  walk(node: SegmentQuery, path: Path): ResolvedQuery | undefined {
    switch (node.op) {
      case "and":
      case "or": {
        const of = node.of.map((child, index) => this.walk(child, [...path, "of", index]));
        return of.every((child) => child !== undefined) ? { k: node.op, of } : undefined;
      }
      case "not": {
        const of = this.walk(node.of, [...path, "of"]);
        return of === undefined ? undefined : { k: "not", of };
      }
      case "eq":
      case "ne":
      case "in":
      case "notIn":
        return this.#equality(node, path);
      case "lt":
      case "lte":
      case "gt":
      case "gte":
      case "between":
        return this.#comparison(node, path);
      case "exists":
      case "empty": {
        const info = this.#field(node.field, path);
        if (info === undefined) return undefined;
        const empty: ResolvedQuery = { k: "empty", get: this.#getter(info) };
        return node.op === "empty" ? empty : { k: "not", of: empty };
      }
      case "contains":
      case "startsWith":
      case "endsWith":
      case "matches":
        return this.#text(node, path);
      case "hasTag":
      case "hasAnyTag":
      case "hasAllTags":
        return this.#tags(node, path);
      case "hasTagInCategory":
      case "categoryIs":
        return this.#category(node, path);
      case "withinLast":
      case "olderThan":
      case "withinNext":
      case "inPeriod":
        return this.#relative(node, path);
      case "activities":
        return this.#activities(node, path);
      case "inSegment":
        return this.#inSegment(node, path);
    }
  }

  #problem(path: Path, message: string, code = "invalid_query"): undefined {
    this.issues.push({ path: [...path], message, code });
    return undefined;
  }

  #field(name: string, path: Path): FieldInfo | undefined {
    const info = resolveField(name, this.#env.target, this.#env.taxonomy);
    if (info === undefined)
      this.#problem(
        [...path, "field"],
        `unknown field "${name}" on ${this.#env.target}s`,
        "unknown_field",
      );
    return info;
  }

  #getter(info: FieldInfo): Getter {
    if (info.source === "account") this.usesAccount = true;
    if (info.source === "team") this.usesTeam = true;
    return {
      source: info.source,
      path: info.path,
      ...(info.fallback === undefined ? {} : { fallback: info.fallback }),
      ...(info.index === undefined ? {} : { index: info.index }),
    };
  }

  /** Checks one value against a field; returns the normalised value or undefined after reporting. */
  #value(info: FieldInfo, raw: Scalar, path: Path): Scalar | undefined {
    const checked = checkValue(info, raw, this.#env.taxonomy, this.#env.timezone);
    return checked.ok ? checked.value : this.#problem(path, checked.message, "wrong_type");
  }

  #equality(node: Node<"eq" | "ne" | "in" | "notIn">, path: Path): ResolvedQuery | undefined {
    const info = this.#field(node.field, path);
    if (info === undefined) return undefined;
    let resolved: ResolvedQuery;
    if (!("values" in node)) {
      const value = this.#value(info, node.value, [...path, "value"]);
      if (value === undefined) return undefined;
      resolved = { k: "eq", get: this.#getter(info), value };
    } else {
      const values = node.values.map((raw, index) =>
        this.#value(info, raw, [...path, "values", index]),
      );
      if (!values.every((entry) => entry !== undefined)) return undefined;
      resolved = { k: "in", get: this.#getter(info), values: [...new Set(values)] };
    }
    return node.op === "eq" || node.op === "in" ? resolved : { k: "not", of: resolved };
  }

  #comparison(
    node: Node<"lt" | "lte" | "gt" | "gte" | "between">,
    path: Path,
  ): ResolvedQuery | undefined {
    const info = this.#field(node.field, path);
    if (info === undefined) return undefined;
    if (!comparable.has(info.type))
      return this.#problem(
        [...path, "op"],
        `"${info.name}" is ${info.type}; ${node.op} needs a number, instant or date field`,
        "wrong_type",
      );
    const kind = info.type === "number" ? "number" : "string";
    const range = { k: "range", kind, relative: false } as const;
    if (node.op === "between") {
      const from = this.#value(info, node.from, [...path, "from"]) as number | string | undefined;
      const to = this.#value(info, node.to, [...path, "to"]) as number | string | undefined;
      if (from === undefined || to === undefined) return undefined;
      if (from > to) return this.#problem([...path, "to"], "between needs from ≤ to");
      const get = this.#getter(info);
      return { ...range, get, lower: from, lowerInclusive: true, upper: to, upperInclusive: true };
    }
    // The field's type is number, instant or date, so a checked value is a number or a string.
    const bound = this.#value(info, node.value, [...path, "value"]) as number | string | undefined;
    if (bound === undefined) return undefined;
    const get = this.#getter(info);
    return node.op === "lt" || node.op === "lte"
      ? { ...range, get, upper: bound, upperInclusive: node.op === "lte", lowerInclusive: false }
      : { ...range, get, lower: bound, lowerInclusive: node.op === "gte", upperInclusive: false };
  }

  #text(
    node: Node<"contains" | "startsWith" | "endsWith" | "matches">,
    path: Path,
  ): ResolvedQuery | undefined {
    const info = this.#field(node.field, path);
    if (info === undefined) return undefined;
    if (!textual.has(info.type))
      return this.#problem(
        [...path, "op"],
        `"${info.name}" is ${info.type}; ${node.op} needs a text field`,
        "wrong_type",
      );
    const ignoreCase = node.ignoreCase ?? false;
    if (node.op === "matches") {
      const compiled = compileRegex(node.pattern, { ignoreCase });
      if (!compiled.ok)
        return this.#problem([...path, "pattern"], compiled.reason, "unsafe_pattern");
      return { k: "regex", get: this.#getter(info), regex: compiled.regex };
    }
    const value = ignoreCase ? node.value.toLowerCase() : node.value;
    return { k: "text", get: this.#getter(info), mode: node.op, value, ignoreCase };
  }

  /** Where the tags a tag operator tests live, for this target and its `of`. */
  #tagGetter(of: "self" | "account" | "contact" | undefined, path: Path): Getter | undefined {
    const target = this.#env.target;
    if (target === "user") return this.#problem([...path, "op"], "users have no tags");
    if (target === "deal") {
      // A deal's view embeds its contact and account; deals themselves carry no tags.
      if (of === "contact" || of === "account") return { source: "self", path: [of, "tags"] };
      return this.#problem(
        [...path, "of"],
        'deals have no tags: test of "contact" or of "account"',
      );
    }
    if (of === "contact")
      return this.#problem([...path, "of"], 'only deal conditions can test "contact" tags');
    if (of === "account") {
      if (target !== "contact")
        return this.#problem([...path, "of"], "only contact queries can test their account's tags");
      this.usesAccount = true;
      return { source: "account", path: ["tags"] };
    }
    return { source: "self", path: ["tags"], index: "tags" };
  }

  #knownTag(tag: string, path: Path): boolean {
    if (this.#env.taxonomy.tags.has(tag)) return true;
    this.#problem(path, `unknown tag "${tag}"`, "unknown_tag");
    return false;
  }

  #tags(node: Node<"hasTag" | "hasAnyTag" | "hasAllTags">, path: Path): ResolvedQuery | undefined {
    const get = this.#tagGetter(node.of, path);
    if (node.op === "hasTag")
      return get && this.#knownTag(node.tag, [...path, "tag"])
        ? { k: "tags", get, mode: "any", tags: [node.tag] }
        : undefined;
    const known = node.tags.map((tag, index) => this.#knownTag(tag, [...path, "tags", index]));
    if (get === undefined || !known.every(Boolean)) return undefined;
    const mode = node.op === "hasAnyTag" ? "any" : "all";
    return { k: "tags", get, mode, tags: [...new Set(node.tags)] };
  }

  #category(node: Node<"hasTagInCategory" | "categoryIs">, path: Path): ResolvedQuery | undefined {
    const { taxonomy } = this.#env;
    const get = this.#tagGetter(node.of, path);
    if (!taxonomy.categories.has(node.category))
      return this.#problem(
        [...path, "category"],
        `unknown tag category "${node.category}"`,
        "unknown_category",
      );
    if (get === undefined) return undefined;
    if (node.op === "categoryIs") {
      const tag = taxonomy.tags.get(node.tag);
      if (tag === undefined)
        return this.#problem([...path, "tag"], `unknown tag "${node.tag}"`, "unknown_tag");
      if (tag.categoryId !== node.category)
        return this.#problem(
          [...path, "tag"],
          `tag "${node.tag}" is not in category "${node.category}"`,
          "wrong_category",
        );
      return { k: "tags", get, mode: "any", tags: [node.tag] };
    }
    const tags = [...taxonomy.tags.values()]
      .filter((tag) => tag.categoryId === node.category)
      .map((tag) => tag.id);
    return tags.length === 0 ? { k: "const", value: false } : { k: "tags", get, mode: "any", tags };
  }

  #relative(
    node: Node<"withinLast" | "olderThan" | "withinNext" | "inPeriod">,
    path: Path,
  ): ResolvedQuery | undefined {
    const info = this.#field(node.field, path);
    if (info === undefined) return undefined;
    if (info.type !== "instant" && info.type !== "date")
      return this.#problem(
        [...path, "op"],
        `"${info.name}" is ${info.type}; relative dates need an instant or date field`,
        "wrong_type",
      );
    const timezone = node.timezone ?? this.#env.timezone;
    if (!isValidTimezone(timezone))
      return this.#problem([...path, "timezone"], `unknown timezone "${timezone}"`);
    this.usesClock = true;
    const amount = node.op === "inPeriod" ? (node.offset ?? 0) : node.amount;
    const range = { k: "range", get: this.#getter(info), kind: "string", relative: true } as const;
    if (info.type === "date") {
      const span = relativeDateSpan(node.op, amount, node.unit, this.#env.at, timezone);
      return { ...range, ...bounds(span.from, span.fromInclusive, span.to, span.toInclusive) };
    }
    const span = relativeSpan(node.op, amount, node.unit, this.#env.at, timezone);
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : toIsoInstant(ms));
    return {
      ...range,
      ...bounds(iso(span.from), span.fromInclusive, iso(span.to), span.toInclusive),
    };
  }

  #activities(node: Node<"activities">, path: Path): ResolvedQuery | undefined {
    if (this.#env.target !== "deal")
      return this.#problem([...path, "op"], "activity facts only apply to deal conditions");
    return {
      k: "activities",
      types: node.types === undefined ? undefined : [...new Set(node.types)],
      since: node.since ?? "stageEntry",
      atLeast: node.atLeast ?? 1,
    };
  }

  /** Inlines a saved segment's query; errors inside it are reported at the reference. */
  #inSegment(node: Node<"inSegment">, path: Path): ResolvedQuery | undefined {
    const { segments, target } = this.#env;
    const segment = segments.get(node.segment);
    const at = [...path, "segment"];
    if (segment === undefined)
      return this.#problem(at, `unknown segment "${node.segment}"`, "unknown_segment");
    if (segment.target !== target)
      return this.#problem(
        at,
        `segment "${node.segment}" selects ${segment.target}s, not ${target}s`,
      );
    if (this.#visiting.includes(segment.id))
      return this.#problem(
        at,
        `segment cycle: ${[...this.#visiting, segment.id].join(" → ")}`,
        "segment_cycle",
      );
    this.#visiting.push(segment.id);
    const before = this.issues.length;
    const inner = this.walk(segment.query, path);
    this.#visiting.pop();
    const inside = this.issues.slice(before);
    if (inside.length > 0 && !inside.some((issue) => issue.code === "segment_cycle")) {
      this.issues.splice(before);
      this.#problem(at, `segment "${segment.id}" is invalid: ${inside[0]!.message}`);
    }
    return inner;
  }
}

function bounds(
  lower: string | undefined,
  lowerInclusive: boolean,
  upper: string | undefined,
  upperInclusive: boolean,
): { lower?: string; lowerInclusive: boolean; upper?: string; upperInclusive: boolean } {
  return {
    ...(lower === undefined ? {} : { lower }),
    lowerInclusive,
    ...(upper === undefined ? {} : { upper }),
    upperInclusive,
  };
}
