import type { CallResult } from "../email/index.js";

/** A change of one contact's membership of one list, as the outbox hands it to a provider. */
export interface ListMembershipRequest {
  /** The list's id at the provider (a Mailchimp audience id). */
  readonly listId: string;
  /** The contact's e-mail address (empty once a delivered deletion forgot it). */
  readonly email: string;
  /**
   * The membership wanted; `deleted` erases the address from the list for good (a person's
   * erasure, `crm.privacy.erase`) — a provider must not keep it, even as unsubscribed.
   */
  readonly status: "subscribed" | "unsubscribed" | "deleted";
  /** The contact's first and last name, for providers that keep them. */
  readonly firstName?: string;
  /** The contact's last name. */
  readonly lastName?: string;
}

/** What a provider call gave. Failures are ordinary answers, not exceptions. */
export type ListCallResult = CallResult;

/**
 * The port to an e-mailing tool's lists. Implementations must be idempotent: setting the same
 * membership twice has the effect of setting it once, which is what lets the outbox retry safely.
 */
export interface EmailListProvider {
  /** The provider's name, for the outbox's records. */
  readonly name: string;
  /** Sets a contact's membership of a list. Never throws for a failed call. */
  setMembership(request: ListMembershipRequest): Promise<ListCallResult>;
}
