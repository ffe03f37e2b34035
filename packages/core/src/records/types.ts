import type { JsonValue } from "../storage/index.js";

/** What a segment selects: contacts (people) or accounts (companies). */
export type PartyKind = "contact" | "account";

/** Fields contacts and accounts share. Instants are ISO 8601 strings in UTC. */
export interface PartyFields {
  /** The record's id. */
  readonly id: string;
  /** The storage revision: pass it back to update without losing a concurrent change. */
  readonly revision: number;
  /** The id of the record's status (see {@link StatusDefinition}). */
  readonly status: string;
  /** The ids of the record's tags, at most one per `single` category. */
  readonly tags: readonly string[];
  /** The id of the rep (user) who owns the record. */
  readonly ownerId?: string;
  /** Where the record came from (`website`, `trade-show`, …). */
  readonly source?: string;
  /** The sales territory. */
  readonly territory?: string;
  /** The country, as an ISO 3166-1 alpha-2 code in upper case (`FR`). */
  readonly country?: string;
  /** The id of the record in another system, unique per kind; imports upsert by it. */
  readonly externalId?: string;
  /** Values of the workspace's custom fields, by field key. */
  readonly custom: Readonly<Record<string, JsonValue>>;
  /** Points per score group (maintained by lead scoring). A missing group counts as 0. */
  readonly scores: Readonly<Record<string, number>>;
  /** When the record was created. */
  readonly createdAt: string;
  /** When the record was last written. */
  readonly updatedAt: string;
}

/** A person. */
export interface Contact extends PartyFields {
  /** The first name. */
  readonly firstName?: string;
  /** The last name. */
  readonly lastName?: string;
  /** The e-mail address, trimmed and in lower case; unique among contacts. */
  readonly email?: string;
  /** The phone number, as entered. */
  readonly phone?: string;
  /** The id of the contact's account (company). */
  readonly accountId?: string;
  /** The contact's role in the account's buying decision (see {@link contactRoles}). */
  readonly role?: string;
  /**
   * The contact's current consents (the latest record of each purpose), kept by
   * `crm.privacy.recordConsent`: a withdrawn e-mail consent stops marketing e-mail and list
   * subscriptions.
   */
  readonly consent?: ContactConsent;
}

/** A contact's current consent for one purpose: its latest record. */
export interface ConsentState {
  /** Given or withdrawn. */
  readonly granted: boolean;
  /** When. */
  readonly at: string;
  /** Where: "signup form", "unsubscribe link". */
  readonly source: string;
  /** The version of the text agreed to or withdrawn from. */
  readonly textVersion: string;
}

/** A contact's current consents, by purpose. */
export interface ContactConsent {
  /** For tracking web visits. */
  readonly tracking?: ConsentState;
  /** For marketing e-mail (sequences, list subscriptions). */
  readonly email?: ConsentState;
}

/** A company. */
export interface Account extends PartyFields {
  /** The company name. */
  readonly name: string;
  /** The company's web domain, in lower case (`example.com`). */
  readonly domain?: string;
}

/** Suggested contact roles; any short text is accepted. */
export const contactRoles = [
  "decision-maker",
  "influencer",
  "user",
  "champion",
  "blocker",
  "gatekeeper",
] as const;

/** A rep's kind of work: inside reps qualify by phone, field reps meet and close. */
export type UserRole = "inside" | "field" | "manager" | "admin";

/** A user of the CRM, usually a sales rep. */
export interface User {
  /** The user's id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The display name. */
  readonly name: string;
  /** The e-mail address, in lower case; unique among users. */
  readonly email?: string;
  /** The kind of work the user does. */
  readonly role: UserRole;
  /** The id of the user's team. */
  readonly teamId?: string;
  /** The user's sales territory. */
  readonly territory?: string;
  /** The IANA timezone the user works in (`Europe/Paris`). */
  readonly timezone: string;
  /** Whether the user is active; inactive users receive no new work. */
  readonly active: boolean;
  /** When the user works, in their timezone (records written before it existed have none). */
  readonly workingHours?: WorkingHours;
  /** When the user was created. */
  readonly createdAt: string;
  /** When the user was last written. */
  readonly updatedAt: string;
}

/** The days and hours a user works, read in the user's timezone. */
export interface WorkingHours {
  /** ISO weekdays worked: 1 is Monday, 7 is Sunday. */
  readonly days: readonly number[];
  /** The start of the working day, `HH:MM`. */
  readonly start: string;
  /** The end of the working day, `HH:MM` (excluded; `24:00` for midnight). */
  readonly end: string;
}

/** A period a user is away, as stored. */
export interface Absence {
  /** The record id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The absent user. */
  readonly userId: string;
  /** The first day away (`YYYY-MM-DD`, in the user's timezone). */
  readonly from: string;
  /** The last day away, included. */
  readonly to: string;
  /** Why. */
  readonly reason?: string;
}

/** A team of users. */
export interface Team {
  /** The team's id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The team's name. */
  readonly name: string;
  /** The id of the user who manages the team. */
  readonly managerId?: string;
  /** The team's territory. */
  readonly territory?: string;
  /** When the team was created. */
  readonly createdAt: string;
  /** When the team was last written. */
  readonly updatedAt: string;
}

/** A status records can have (customer, prospect, …). */
export interface StatusDefinition {
  /** The status id, held by records; never changes. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The display name; renaming it does not touch records. */
  readonly name: string;
  /** A display colour (`#16a34a`). */
  readonly color?: string;
  /** Whether the status is one of crmkit's defaults. */
  readonly builtIn: boolean;
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** How many tags of a category a record may carry. */
export type TagCardinality = "single" | "multi";

/** A category of tags, such as "potential" (single) or "business sector" (multi). */
export interface TagCategory {
  /** The category id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The display name. */
  readonly name: string;
  /** `single`: at most one tag of the category per record, and setting one replaces the other. */
  readonly cardinality: TagCardinality;
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** A tag, in exactly one category. */
export interface Tag {
  /** The tag id, held by records; never changes. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The id of the tag's category. */
  readonly categoryId: string;
  /** The display name. */
  readonly name: string;
  /** A display colour. */
  readonly color?: string;
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** The type of a custom field's values. `date` values are calendar dates, `YYYY-MM-DD`. */
export type CustomFieldType = "string" | "number" | "boolean" | "date" | "enum";

/** A custom field of contacts or accounts. */
export interface CustomFieldDefinition {
  /** The field's key in the record's `custom` object (letters, digits, `_`). */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** Which records carry the field. */
  readonly target: PartyKind;
  /** The display name. */
  readonly label: string;
  /** The type of its values. */
  readonly type: CustomFieldType;
  /** Whether every record of the target must have a value. */
  readonly required: boolean;
  /** For `enum` fields, the allowed values. */
  readonly options?: readonly string[];
  /** When it was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}
