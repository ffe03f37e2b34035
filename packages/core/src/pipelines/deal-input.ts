import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import type { DealDraft } from "./transition.js";

const id = z.string().check(z.minLength(1), z.maxLength(128));
const optionalText = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const money = z
  .number()
  .check(z.int("use integer minor units (cents)"), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));
const currency = z.string().check(z.regex(/^[A-Z]{3}$/, "use an ISO 4217 code such as EUR"));
const products = z
  .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)))
  .check(z.maxLength(1_000));

/** @internal */
export const dealInputSchema = z.strictObject({
  id: z.optional(id),
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  pipelineId: z.optional(id),
  stageId: z.optional(id),
  contactId: z.optional(id),
  accountId: z.optional(id),
  ownerId: z.optional(id),
  value: z.optional(money),
  currency: z.optional(currency),
  products: z.optional(products),
  source: z.optional(optionalText),
  territory: z.optional(optionalText),
  expectedCloseDate: z.optional(z.iso.date()),
});

/** @internal */
export const dealPatchSchema = z.strictObject({
  title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))),
  contactId: z.optional(z.nullable(id)),
  accountId: z.optional(z.nullable(id)),
  value: z.optional(z.nullable(money)),
  currency: z.optional(currency),
  products: z.optional(products),
  source: z.optional(z.nullable(optionalText)),
  territory: z.optional(z.nullable(optionalText)),
  expectedCloseDate: z.optional(z.nullable(z.iso.date())),
});

/** @internal */
export const dealFilterSchema = z.strictObject({
  pipelineId: z.optional(z.string().check(z.minLength(1))),
  stageId: z.optional(z.string().check(z.minLength(1))),
  ownerId: z.optional(z.string().check(z.minLength(1))),
  state: z.optional(z.enum(["open", "won", "lost"])),
  unassigned: z.optional(z.boolean()),
  order: z.optional(z.enum(["asc", "desc"])),
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1_000))),
  cursor: z.optional(z.nullable(z.string())),
});

/** A new deal. */
export interface DealInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** A short title. */
  readonly title: string;
  /** The pipeline; chosen by the routing rules when omitted. */
  readonly pipelineId?: string;
  /** The (open) stage to start in. @defaultValue the pipeline's first stage */
  readonly stageId?: string;
  /** The contact. */
  readonly contactId?: string;
  /** The account. @defaultValue the contact's account */
  readonly accountId?: string;
  /** The owner; chosen by the assignment rules when omitted. */
  readonly ownerId?: string;
  /** The value in integer minor units of the pipeline's currency. */
  readonly value?: number;
  /** The currency of `value`; must be the pipeline's. @defaultValue the pipeline's */
  readonly currency?: string;
  /** Product ids or names. */
  readonly products?: readonly string[];
  /** Where the lead came from. */
  readonly source?: string;
  /** The sales territory. */
  readonly territory?: string;
  /** The expected close date, `YYYY-MM-DD`. */
  readonly expectedCloseDate?: string;
}

/** A deal update; `null` clears an optional field. Use `move` for stages and `assign` for owners. */
export interface DealPatch {
  /** The title. */
  readonly title?: string;
  /** The contact; `null` clears it. */
  readonly contactId?: string | null;
  /** The account; `null` clears it. */
  readonly accountId?: string | null;
  /** The value in minor units; `null` clears it. */
  readonly value?: number | null;
  /** The currency; it must stay the pipeline's. */
  readonly currency?: string;
  /** The products. */
  readonly products?: readonly string[];
  /** The source; `null` clears it. */
  readonly source?: string | null;
  /** The territory; `null` clears it. */
  readonly territory?: string | null;
  /** The expected close date; `null` clears it. */
  readonly expectedCloseDate?: string | null;
}

/** The fields of a deal patch that `null` clears. */
type Clearable = "contactId" | "accountId" | "value" | "source" | "territory" | "expectedCloseDate";

/** Applies a parsed patch to a deal: a value sets its field, `null` clears it. */
export function patchDeal(deal: DealDraft, patch: ReturnType<typeof parseDealPatch>): void {
  const set = <K extends Clearable>(key: K, value: DealDraft[K] | null | undefined) => {
    if (value === null) delete deal[key];
    else if (value !== undefined) deal[key] = value;
  };
  set("contactId", patch.contactId);
  set("accountId", patch.accountId);
  set("value", patch.value);
  set("source", patch.source);
  set("territory", patch.territory);
  set("expectedCloseDate", patch.expectedCloseDate);
  if (patch.title !== undefined) deal.title = patch.title;
  if (patch.currency !== undefined) deal.currency = patch.currency;
  if (patch.products !== undefined) deal.products = patch.products;
}

/** Parses a deal patch at the boundary. */
export function parseDealPatch(patch: DealPatch) {
  return parseInput(dealPatchSchema, patch, "deal update");
}
