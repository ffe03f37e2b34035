import { isPrototypeName, ownPath, ownValue } from "../own.js";
import type { PartyKind } from "../records/index.js";

/**
 * The kinds of records a query can select or test: contacts and accounts (segments), deals (stage
 * goals, routing and assignment conditions) and users (assignment pools).
 */
export type QueryTarget = PartyKind | "deal" | "user";

import type { Taxonomy } from "../records/index.js";

/**
 * The type of a field as the query language sees it. `instant` fields hold ISO 8601 instants,
 * `date` fields calendar dates (`YYYY-MM-DD`), `status` fields status ids, `id` fields record ids.
 *
 */
export type FieldType =
  | "string"
  | "number"
  | "boolean"
  | "instant"
  | "date"
  | "enum"
  | "status"
  | "id"
  | "tags"
  | "list";

/** Where a field's value is read from. */
export type FieldSource = "self" | "account" | "team";

/** What the query language knows of one field. */
export interface FieldInfo {
  /** The field as named in queries. */
  readonly name: string;
  /** Its type. */
  readonly type: FieldType;
  /** The record holding it: the record itself, its account, or its owner's team (`teamId`). */
  readonly source: FieldSource;
  /** The path of the value in the source record. */
  readonly path: readonly string[];
  /** The storage index on the field, when one exists. */
  readonly index?: string;
  /** For `enum` fields, the allowed values. */
  readonly options?: readonly string[];
  /** The value a missing field counts as (score groups count as 0). */
  readonly fallback?: number;
}

const common: Record<string, [FieldType, string?]> = {
  status: ["status", "status"],
  tags: ["tags", "tags"],
  ownerId: ["id", "ownerId"],
  source: ["string"],
  territory: ["string", "territory"],
  country: ["string", "country"],
  externalId: ["string", "externalId"],
  createdAt: ["instant", "createdAt"],
  updatedAt: ["instant", "updatedAt"],
};

const builtIn: Record<QueryTarget, Record<string, [FieldType, string?]>> = {
  contact: {
    ...common,
    firstName: ["string"],
    lastName: ["string"],
    email: ["string", "email"],
    phone: ["string"],
    accountId: ["id", "accountId"],
    role: ["string"],
  },
  account: { ...common, name: ["string"], domain: ["string", "domain"] },
  deal: {
    title: ["string"],
    pipelineId: ["id"],
    stageId: ["id"],
    state: ["enum"],
    lostReason: ["string"],
    ownerId: ["id"],
    contactId: ["id"],
    accountId: ["id"],
    value: ["number"],
    currency: ["string"],
    products: ["list"],
    source: ["string"],
    territory: ["string"],
    expectedCloseDate: ["date"],
    stageEnteredAt: ["instant"],
    createdAt: ["instant"],
    updatedAt: ["instant"],
  },
  user: {
    name: ["string"],
    email: ["string"],
    role: ["enum"],
    teamId: ["id"],
    territory: ["string"],
    timezone: ["string"],
    active: ["boolean"],
  },
};

const enumOptions: Record<string, readonly string[]> = {
  "deal.state": ["open", "won", "lost"],
  "user.role": ["inside", "field", "manager", "admin"],
};

/**
 * Resolves a field name of a query on `target` records, or returns `undefined` for an unknown field.
 *
 * @internal
 */
export function resolveField(
  name: string,
  target: QueryTarget,
  taxonomy: Taxonomy,
  source: "self" | "account" = "self",
): FieldInfo | undefined {
  const dot = name.indexOf(".");
  if (dot === -1) {
    if (name === "teamId" && target !== "user")
      return { name, type: "id", source: "team", path: ["teamId"] };
    const known = ownValue(builtIn[target], name) as (typeof builtIn)[QueryTarget][string];
    if (known === undefined) return undefined;
    const [type, index] = known;
    const options = ownValue(enumOptions, `${target}.${name}`) as readonly string[] | undefined;
    const base: FieldInfo =
      index === undefined || source === "account"
        ? { name, type, source, path: [name] }
        : { name, type, source, path: [name], index };
    return options === undefined ? base : { ...base, options };
  }
  const head = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  if (target === "user") return undefined;
  if (target === "deal") {
    // A deal's condition reads a view that embeds its contact and account (see the pipelines).
    if (head !== "contact" && head !== "account") return undefined;
    const inner = resolveField(rest, head, taxonomy);
    if (inner === undefined || inner.source !== "self") return undefined;
    const { index: _index, ...unindexed } = inner;
    return { ...unindexed, name, path: [head, ...inner.path] };
  }
  if (head === "account" && target === "contact" && source === "self") {
    const inner = resolveField(rest, "account", taxonomy, "account");
    if (inner === undefined || inner.source === "team") return undefined;
    return { ...inner, name };
  }
  // A name Object.prototype has is never a score group or a custom field (both refuse such ids), so
  // every read a compiled query makes is of an own property or of nothing.
  if (rest.includes(".") || isPrototypeName(rest)) return undefined;
  if (head === "scores") {
    return { name, type: "number", source, path: ["scores", rest], fallback: 0 };
  }
  if (head === "custom") {
    const definition = taxonomy.fields[target].get(rest);
    if (definition === undefined) return undefined;
    const base = { name, type: definition.type, source, path: ["custom", rest] } as const;
    return definition.options === undefined ? base : { ...base, options: definition.options };
  }
  return undefined;
}

/** Reads a value at a path; `undefined` when any step is missing. @internal */
export function readPath(record: unknown, path: readonly string[]): unknown {
  return ownPath(record, path);
}
