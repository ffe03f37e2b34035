import { parseInput } from "../validation.js";
import { z } from "../zod.js";
import type { DealDraft } from "./transition.js";

const id = z.string().min(1).max(128);
const optionalText = z.string().trim().min(1).max(200);
const money = z.number().int("use integer minor units (cents)").min(0).max(Number.MAX_SAFE_INTEGER);
const currency = z.string().regex(/^[A-Z]{3}$/, "use an ISO 4217 code such as EUR");
const products = z.array(z.string().trim().min(1).max(200)).max(1_000);

/** @internal */
export const dealInputSchema = z.strictObject({
  id: id.optional(),
  title: z.string().trim().min(1).max(500),
  pipelineId: id.optional(),
  stageId: id.optional(),
  contactId: id.optional(),
  accountId: id.optional(),
  ownerId: id.optional(),
  value: money.optional(),
  currency: currency.optional(),
  products: products.optional(),
  source: optionalText.optional(),
  territory: optionalText.optional(),
  expectedCloseDate: z.iso.date().optional(),
});

/** @internal */
export const dealPatchSchema = z.strictObject({
  title: z.string().trim().min(1).max(500).optional(),
  contactId: id.nullable().optional(),
  accountId: id.nullable().optional(),
  value: money.nullable().optional(),
  currency: currency.optional(),
  products: products.optional(),
  source: optionalText.nullable().optional(),
  territory: optionalText.nullable().optional(),
  expectedCloseDate: z.iso.date().nullable().optional(),
});

/** @internal */
export const dealFilterSchema = z.strictObject({
  pipelineId: z.string().min(1).optional(),
  stageId: z.string().min(1).optional(),
  ownerId: z.string().min(1).optional(),
  state: z.enum(["open", "won", "lost"]).optional(),
  unassigned: z.boolean().optional(),
  order: z.enum(["asc", "desc"]).optional(),
  limit: z.number().int().min(1).max(1_000).optional(),
  cursor: z.string().nullable().optional(),
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
