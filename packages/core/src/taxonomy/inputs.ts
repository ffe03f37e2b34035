import { isPrototypeName, prototypeNameMessage } from "../own.js";
import type { CustomFieldDefinition, PartyKind, StatusDefinition } from "../records/index.js";
import * as z from "../zod.js";

/** The statuses every new workspace starts with. */
export const defaultStatuses: readonly Pick<StatusDefinition, "id" | "name">[] = [
  { id: "customer", name: "Customer" },
  { id: "prospect", name: "Prospect" },
  { id: "competitor", name: "Competitor" },
  { id: "supplier", name: "Supplier" },
];

export const definitionId = z.string().check(
  z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "use lower-case letters, digits, - and _"),
  z.refine((id) => !isPrototypeName(id), prototypeNameMessage),
);
export const color = z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/, "use #rrggbb"));
export const statusInput = z.strictObject({
  id: z.optional(definitionId),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  color: z.optional(color),
});
export const categoryInput = z.strictObject({
  id: z.optional(definitionId),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  cardinality: z.enum(["single", "multi"]),
});
export const tagInput = z.strictObject({
  id: z.optional(definitionId),
  categoryId: z.string().check(z.minLength(1)),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  color: z.optional(color),
});
export const fieldInput = z
  .strictObject({
    id: z.string().check(
      z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "use letters, digits and _"),
      z.refine((id) => !isPrototypeName(id), prototypeNameMessage),
    ),
    target: z.enum(["contact", "account"]),
    label: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    type: z.enum(["string", "number", "boolean", "date", "enum"]),
    required: z._default(z.boolean(), false),
    options: z.optional(
      z
        .array(z.string().check(z.minLength(1), z.maxLength(100)))
        .check(z.minLength(1), z.maxLength(500)),
    ),
  })
  .check(
    z.superRefine((field, ctx) => {
      if (field.type === "enum" && field.options === undefined)
        ctx.addIssue({ code: "custom", path: ["options"], message: "an enum field needs options" });
      if (field.type !== "enum" && field.options !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["options"],
          message: "only enum fields have options",
        });
    }),
  );

/** A new status. */
export interface StatusInput {
  /** The id records will hold (lower case, digits, `-`, `_`); generated when omitted. */
  readonly id?: string;
  /** The display name. */
  readonly name: string;
  /** A display colour, `#rrggbb`. */
  readonly color?: string;
}

/** A new tag category. */
export interface TagCategoryInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The display name. */
  readonly name: string;
  /** `single`: one tag per record (setting one replaces the other); `multi`: any number. */
  readonly cardinality: "single" | "multi";
}

/** A new tag. */
export interface TagInput {
  /** The id records will hold; generated when omitted. */
  readonly id?: string;
  /** The category's id. */
  readonly categoryId: string;
  /** The display name. */
  readonly name: string;
  /** A display colour, `#rrggbb`. */
  readonly color?: string;
}

/** A new custom field definition. */
export interface CustomFieldInput {
  /** The key of the values in records' `custom` object (letters, digits, `_`). */
  readonly id: string;
  /** Which records carry it. */
  readonly target: PartyKind;
  /** The display name. */
  readonly label: string;
  /** The type of the values. */
  readonly type: CustomFieldDefinition["type"];
  /** Whether every later write must give a value. @defaultValue false */
  readonly required?: boolean;
  /** For `enum` fields, the allowed values. */
  readonly options?: readonly string[];
}

/** Options of removing a status, tag or category that records may use. */
export interface RemoveOptions {
  /**
   * The status (or tag) records using the removed one get instead, migrated atomically with the
   * removal (saved segments that name it are rewritten too). Without it, a removal that would
   * orphan records is refused with `IN_USE`.
   */
  readonly replaceWith?: string;
}
