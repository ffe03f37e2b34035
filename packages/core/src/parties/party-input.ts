import type { PathSegment, ValidationIssue } from "../errors.js";
import type { PartyKind, Taxonomy } from "../records/index.js";
import type { JsonValue } from "../storage/index.js";
import * as z from "../zod.js";

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const id = z.string().check(z.minLength(1), z.maxLength(128));
const email = z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.email());
const country = z
  .string()
  .check(
    z.trim(),
    z.toUpperCase(),
    z.regex(/^[A-Z]{2}$/, "use an ISO 3166-1 alpha-2 code such as FR"),
  );
const domain = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, "use a domain such as example.com"),
  );
const scores = z.record(
  z.string().check(z.regex(/^\w{1,64}$/, "use letters, digits and _")),
  z.number().check(z.refine(Number.isFinite, "use a finite number")),
);

const common = {
  status: z.optional(id),
  tags: z.optional(z.array(id).check(z.maxLength(200))),
  ownerId: z.optional(id),
  source: z.optional(text(100)),
  territory: z.optional(text(100)),
  country: z.optional(country),
  externalId: z.optional(text(200)),
  custom: z.optional(z.record(z.string(), z.unknown())),
  scores: z.optional(scores),
};

/** The zod schema of a new contact.  @internal */
export const contactInputSchema = z.strictObject({
  id: z.optional(id),
  firstName: z.optional(text(200)),
  lastName: z.optional(text(200)),
  email: z.optional(email),
  phone: z.optional(text(50)),
  accountId: z.optional(id),
  role: z.optional(text(64)),
  ...common,
});

/** The zod schema of a new account.  @internal */
export const accountInputSchema = z.strictObject({
  id: z.optional(id),
  name: text(300),
  domain: z.optional(domain),
  ...common,
});

/** The fields a new contact and a new account share. */
export interface PartyInputFields {
  /** The status id. @defaultValue the workspace's default status, `prospect` */
  readonly status?: string;
  /** Tag ids; at most one per `single` category. */
  readonly tags?: readonly string[];
  /** The owning user's id. */
  readonly ownerId?: string;
  /** Where the record came from. */
  readonly source?: string;
  /** The sales territory. */
  readonly territory?: string;
  /** An ISO 3166-1 alpha-2 country code, any case. */
  readonly country?: string;
  /** The id in another system, unique per kind. */
  readonly externalId?: string;
  /** Custom field values by key; each key must be a declared custom field. */
  readonly custom?: Readonly<Record<string, unknown>>;
  /** Points per score group. */
  readonly scores?: Readonly<Record<string, number>>;
}

/** The fields a contact update and an account update share. */
export interface PartyPatchFields {
  /** The status id. */
  readonly status?: string;
  /** The complete new list of tag ids. */
  readonly tags?: readonly string[];
  /** The owning user's id; `null` clears it. */
  readonly ownerId?: string | null;
  /** Where the record came from; `null` clears it. */
  readonly source?: string | null;
  /** The sales territory; `null` clears it. */
  readonly territory?: string | null;
  /** An ISO 3166-1 alpha-2 country code; `null` clears it. */
  readonly country?: string | null;
  /** The id in another system; `null` clears it. */
  readonly externalId?: string | null;
  /** Custom field changes by key; `null` removes a value. */
  readonly custom?: Readonly<Record<string, unknown>>;
  /** Score groups to set (others are kept). */
  readonly scores?: Readonly<Record<string, number>>;
}

/** A new contact, as given to `crm.contacts.create` or imported. */
export interface ContactInput extends PartyInputFields {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The first name. */
  readonly firstName?: string;
  /** The last name. */
  readonly lastName?: string;
  /** The e-mail address; trimmed, lower-cased, unique among contacts. */
  readonly email?: string;
  /** The phone number. */
  readonly phone?: string;
  /** The account's id. */
  readonly accountId?: string;
  /** The role in the buying decision (see {@link contactRoles}). */
  readonly role?: string;
}

/** A new account, as given to `crm.accounts.create` or imported. */
export interface AccountInput extends PartyInputFields {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The company name. */
  readonly name: string;
  /** The web domain (`example.com`). */
  readonly domain?: string;
}

const nullable = <T extends z.ZodMiniType>(schema: T) => z.optional(z.nullable(schema));

const commonPatch = {
  status: common.status,
  tags: common.tags,
  ownerId: nullable(id),
  source: nullable(text(100)),
  territory: nullable(text(100)),
  country: nullable(country),
  externalId: nullable(text(200)),
  custom: common.custom,
  scores: common.scores,
};

/** The zod schema of a contact update: `null` clears an optional field.  @internal */
export const contactPatchSchema = z.strictObject({
  firstName: nullable(text(200)),
  lastName: nullable(text(200)),
  email: nullable(email),
  phone: nullable(text(50)),
  accountId: nullable(id),
  role: nullable(text(64)),
  ...commonPatch,
});

/** The zod schema of an account update: `null` clears an optional field.  @internal */
export const accountPatchSchema = z.strictObject({
  name: z.optional(text(300)),
  domain: nullable(domain),
  ...commonPatch,
});

/**
 * A contact update. Given fields replace the stored ones; `null` clears an optional field; `custom`
 * is merged key by key (`null` removes a key); `tags`, when given, is the new complete list.
 */
export interface ContactPatch extends PartyPatchFields {
  /** The first name; `null` clears it. */
  readonly firstName?: string | null;
  /** The last name; `null` clears it. */
  readonly lastName?: string | null;
  /** The e-mail address; `null` clears it. */
  readonly email?: string | null;
  /** The phone number; `null` clears it. */
  readonly phone?: string | null;
  /** The account's id; `null` detaches the contact. */
  readonly accountId?: string | null;
  /** The role; `null` clears it. */
  readonly role?: string | null;
}

/** An account update, with the same rules as {@link ContactPatch}. */
export interface AccountPatch extends PartyPatchFields {
  /** The company name. */
  readonly name?: string;
  /** The web domain; `null` clears it. */
  readonly domain?: string | null;
}

/**
 * Checks a record about to be written against the workspace's definitions: its status and tags
 * exist, no two tags share a `single` category, and its custom fields are declared, typed and
 * complete. Returns the problems with their paths.
 */
export function checkParty(
  record: Readonly<Record<string, unknown>>,
  kind: PartyKind,
  taxonomy: Taxonomy,
): ValidationIssue[] {
  const tags: readonly unknown[] = Array.isArray(record.tags) ? record.tags : [];
  const custom = typeof record.custom === "object" && record.custom !== null ? record.custom : {};
  const issues: ValidationIssue[] = [];
  const problem = (path: PathSegment[], message: string, code: string) =>
    issues.push({ path, message, code });
  if (typeof record.status !== "string" || !taxonomy.statuses.has(record.status)) {
    problem(["status"], `unknown status "${String(record.status)}"`, "unknown_status");
  }
  const singles = new Map<string, string>();
  tags.forEach((tagId, position) => {
    const tag = typeof tagId === "string" ? taxonomy.tags.get(tagId) : undefined;
    if (typeof tagId !== "string" || tag === undefined) {
      problem(["tags", position], `unknown tag "${tagId}"`, "unknown_tag");
      return;
    }
    if (taxonomy.categories.get(tag.categoryId)?.cardinality !== "single") return;
    const other = singles.get(tag.categoryId);
    if (other !== undefined && other !== tagId) {
      problem(
        ["tags", position],
        `tags "${other}" and "${tagId}" are both in single-choice category "${tag.categoryId}"`,
        "single_category",
      );
    }
    singles.set(tag.categoryId, tagId);
  });
  const fields = taxonomy.fields[kind];
  for (const [key, value] of Object.entries(custom)) {
    const field = fields.get(key);
    const path = ["custom", key];
    if (field === undefined) {
      problem(path, `unknown custom field "${key}" on ${kind}s`, "unknown_field");
      continue;
    }
    const fail = (expected: string) => problem(path, `"${key}" must be ${expected}`, "wrong_type");
    switch (field.type) {
      case "string":
        if (typeof value !== "string" || value.length > 10_000)
          fail("a string of at most 10,000 characters");
        break;
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value)) fail("a finite number");
        break;
      case "boolean":
        if (typeof value !== "boolean") fail("true or false");
        break;
      case "date":
        if (typeof value !== "string" || !z.iso.date().safeParse(value).success)
          fail("a date YYYY-MM-DD");
        break;
      case "enum":
        if (typeof value !== "string" || !field.options?.includes(value))
          fail(`one of ${field.options?.join(", ")}`);
        break;
    }
  }
  for (const field of fields.values()) {
    if (field.required && !Object.hasOwn(custom, field.id)) {
      problem(["custom", field.id], `custom field "${field.id}" is required`, "required");
    }
  }
  return issues;
}

/** Applies `custom` changes: keys set to `null` are removed, others replaced. */
export function mergeCustom(
  current: Readonly<Record<string, JsonValue>>,
  changes: Readonly<Record<string, unknown>> | undefined,
): Record<string, JsonValue> {
  const merged: Record<string, JsonValue> = { ...current };
  for (const [key, value] of Object.entries(changes ?? {})) {
    if (value === null || value === undefined) delete merged[key];
    else merged[key] = value as JsonValue;
  }
  return merged;
}

/**
 * Adds tags to a list the way a single-choice category demands: a new tag replaces the record's
 * other tag of the same `single` category (setting Gold removes Silver).
 */
export function addTagsTo(
  current: readonly string[],
  added: readonly string[],
  taxonomy: Taxonomy,
): string[] {
  let tags = [...current];
  for (const tagId of added) {
    if (tags.includes(tagId)) continue;
    const category = taxonomy.tags.get(tagId)?.categoryId;
    if (category !== undefined && taxonomy.categories.get(category)?.cardinality === "single") {
      tags = tags.filter((other) => taxonomy.tags.get(other)?.categoryId !== category);
    }
    tags.push(tagId);
  }
  return tags;
}
