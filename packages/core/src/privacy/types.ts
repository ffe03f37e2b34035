// The public shapes of privacy: consent records, erasure reports and personal-data exports.
export type { ConsentState, ContactConsent } from "../records/index.js";

/** What a consent is for. */
export type ConsentPurpose = "tracking" | "email";

/** A consent given or withdrawn, as the host records it. */
export interface ConsentInput {
  /** Tracking of web visits, or marketing e-mail (sequences, list subscriptions). */
  readonly purpose: ConsentPurpose;
  /** Given (`true`) or withdrawn (`false`). */
  readonly granted: boolean;
  /** Where: "signup form", "cookie banner", "unsubscribe link", "phone call with Anna". */
  readonly source: string;
  /** The version of the text the person agreed to or withdrew from ("privacy-2026-03"). */
  readonly textVersion: string;
  /** When, an ISO instant. @defaultValue now */
  readonly at?: string;
}

/** One consent event of a contact, kept as a record. */
export interface ConsentRecord extends Required<ConsentInput> {
  /** The record id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The contact. */
  readonly contactId: string;
  /** When crmkit recorded it. */
  readonly recordedAt: string;
}

/** What an erasure did in one collection. */
export interface ErasedCollection {
  /** The collection. */
  readonly collection: string;
  /** Records removed. */
  readonly removed: number;
  /** Records kept but unlinked from the person, their personal fields cleared. */
  readonly anonymised: number;
}

/** What `crm.privacy.erase` did, and what is left to the host. */
export interface ErasureReport {
  /** Whether the contact existed when this call started (a rerun after completion finds none). */
  readonly found: boolean;
  /** Per collection, in the order they were erased. */
  readonly collections: readonly ErasedCollection[];
  /** Write batches used. */
  readonly batches: number;
  /**
   * Calls queued in the outbox for external services — the list provider's permanent deletion of
   * the address, one per list — which `crm.outbox.deliver` makes (each holds the address until it
   * is delivered, then forgets it).
   */
  readonly queued: readonly string[];
  /** What crmkit cannot do and the host must: copies outside crmkit, backups, sent e-mail. */
  readonly hostTodo: readonly string[];
}

/** The JSON document `crm.privacy.export` gives: everything held about one person. */
export interface PersonalDataExport {
  /** `crmkit.personal-data/1`. */
  readonly format: "crmkit.personal-data/1";
  /** When it was made. */
  readonly exportedAt: string;
  /** The contact record. */
  readonly contact: Readonly<Record<string, unknown>>;
  /** Records about the person, by collection: activities, tasks, deals, hits, consents… */
  readonly records: Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;
}
