import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { type Contact, collections, revisionAfter, table } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import type { EmailListProvider, ListMembershipRequest } from "./port.js";

/** Where an outbox entry is in its life. */
export type OutboxStatus = "pending" | "inflight" | "done" | "failed";

/** A provider call waiting in storage until it is delivered. */
export interface OutboxEntry {
  /** The record id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** Entries with the same key (list and address) are delivered in `order`, one at a time. */
  readonly key: string;
  /** The delivery order among entries of the same key. */
  readonly order: string;
  /** The call. */
  readonly request: ListMembershipRequest;
  /** The deal whose stage move asked for it. */
  readonly dealId?: string;
  /** The contact. */
  readonly contactId?: string;
  /** Pending, being delivered (until `leaseUntil`), done, or failed for good. */
  readonly status: OutboxStatus;
  /** Delivery attempts so far. */
  readonly attempts: number;
  /** When the next attempt may happen. */
  readonly dueAt: string;
  /** Until when an in-flight delivery holds the entry; past it, another worker may retry. */
  readonly leaseUntil?: string;
  /** The last failure, in the provider's words. */
  readonly lastError?: string;
  /** The HTTP status of the last failure (0 for a timeout or network failure). */
  readonly lastStatus?: number;
  /** When it was delivered. */
  readonly deliveredAt?: string;
  /** When it was queued. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** Options of {@link OutboxService.deliver}. */
export interface DeliverOptions {
  /** The provider to call. */
  readonly provider: EmailListProvider;
  /** Entries to attempt in this run at most. @defaultValue 100 */
  readonly limit?: number;
  /** How long an attempt holds its entry, in ms. @defaultValue 60000 */
  readonly leaseMs?: number;
  /** Attempts before an entry is marked failed. @defaultValue 12 */
  readonly maxAttempts?: number;
  /** The first retry delay, doubled per attempt (±20 % jitter), in ms. @defaultValue 30000 */
  readonly baseDelayMs?: number;
  /** The longest retry delay, in ms. @defaultValue 21600000 (6 h) */
  readonly maxDelayMs?: number;
}

/** What a delivery run did. */
export interface DeliveryReport {
  /** Entries delivered. */
  readonly delivered: number;
  /** Entries that failed and will be retried. */
  readonly retried: number;
  /** Entries that failed for good (kept, with the reason; see {@link OutboxService.retry}). */
  readonly failed: number;
  /** Entries left for later: an earlier entry of the same key is not delivered yet, or another worker holds it. */
  readonly deferred: number;
}

/**
 * The list-membership call for a contact (`null` when it has no e-mail address): its address and
 * names, as stage hooks and scoring's nurture lists send them. @internal
 */
export function membershipRequest(
  contact: Pick<Contact, "email" | "firstName" | "lastName" | "consent">,
  listId: string,
  status: "subscribed" | "unsubscribed",
): ListMembershipRequest | null {
  if (contact.email === undefined) return null;
  // No subscription for a contact who withdrew e-mail consent (unsubscribing stays possible).
  if (status === "subscribed" && contact.consent?.email?.granted === false) return null;
  return {
    listId,
    email: contact.email,
    status,
    ...(contact.firstName === undefined ? {} : { firstName: contact.firstName }),
    ...(contact.lastName === undefined ? {} : { lastName: contact.lastName }),
  };
}

/**
 * Builds the outbox record of a list-membership call, written in the same batch as the stage move
 * that asks for it. @internal
 */
export function outboxEntry(
  environment: Environment,
  request: ListMembershipRequest,
  refs: { dealId?: string; contactId?: string },
  at: string,
  order: string,
): Omit<OutboxEntry, "revision"> {
  return {
    id: environment.newId(),
    // U+001F (unit separator) cannot appear in a list id or an e-mail address.
    key: `${request.listId}\u001f${request.email}`,
    order,
    request,
    ...refs,
    status: "pending",
    attempts: 0,
    dueAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

/** The outbox's collection. @internal */
export const outboxTable = table<OutboxEntry>(collections.outbox);

/**
 * The durable outbox of calls to external services. A stage move only writes an entry; `deliver`
 * (run it from a timer or a queue worker, on a server) makes the calls: each entry is claimed with a
 * revision check, so two workers never send it at once; a failure is retried with exponential
 * backoff (or the provider's `Retry-After`); entries of one list and address go out in order; an
 * entry that keeps failing is marked `failed` and kept, never dropped. Providers set memberships
 * idempotently, so an attempt repeated after a crash has the effect of one.
 */
export class OutboxService {
  readonly #storage: StorageAdapter;
  readonly #environment: Environment;

  /** @internal */
  constructor(deps: { storage: StorageAdapter; environment: Environment }) {
    this.#storage = deps.storage;
    this.#environment = deps.environment;
  }

  /** Lists entries, optionally of one status, oldest first. */
  async list(status?: OutboxStatus): Promise<OutboxEntry[]> {
    const out: OutboxEntry[] = [];
    for await (const batch of outboxTable.scan(
      this.#storage,
      status === undefined ? {} : { index: "status", where: { eq: status } },
    )) {
      out.push(...batch);
    }
    return out.sort((a, b) => a.order.localeCompare(b.order) || a.id.localeCompare(b.id));
  }

  /**
   * Puts a failed entry back in the queue (after the cause was fixed, e.g. a new API key).
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when the entry has not failed
   */
  async retry(id: string): Promise<void> {
    const entry = await outboxTable.get(this.#storage, id);
    if (entry === null)
      throw new CrmkitError("NOT_FOUND", `There is no outbox entry "${id}".`, { details: { id } });
    if (entry.status !== "failed")
      throw new CrmkitError("INVALID_TRANSITION", `Outbox entry "${id}" is ${entry.status}.`, {
        details: { id },
      });
    const now = toIsoInstant(this.#environment.now());
    await this.#put(
      { ...entry, status: "pending", attempts: 0, dueAt: now, updatedAt: now },
      entry.revision,
    );
  }

  /** Delivers the entries that are due. */
  async deliver(options: DeliverOptions): Promise<DeliveryReport> {
    const limit = options.limit ?? 100;
    const leaseMs = options.leaseMs ?? 60_000;
    const maxAttempts = options.maxAttempts ?? 12;
    const baseDelay = options.baseDelayMs ?? 30_000;
    const maxDelay = options.maxDelayMs ?? 6 * 3_600_000;
    const report = { delivered: 0, retried: 0, failed: 0, deferred: 0 };
    const now = this.#environment.now();
    const nowIso = toIsoInstant(now);
    const due: OutboxEntry[] = [];
    for (const status of ["pending", "inflight"] as const) {
      for (const entry of await this.list(status)) {
        const ready =
          status === "pending" ? entry.dueAt <= nowIso : (entry.leaseUntil ?? "") <= nowIso;
        if (ready) due.push(entry);
      }
    }
    due.sort((a, b) => a.order.localeCompare(b.order) || a.id.localeCompare(b.id));
    let attempted = 0;
    for (const entry of due) {
      if (attempted >= limit) break;
      if (await this.#blocked(entry)) {
        report.deferred++;
        continue;
      }
      // Claim: a revision-checked write, so a concurrent worker claiming the same entry fails.
      const claimed = {
        ...entry,
        status: "inflight" as const,
        attempts: entry.attempts + 1,
        leaseUntil: toIsoInstant(now + leaseMs),
        updatedAt: nowIso,
      };
      let revision: number;
      try {
        revision = await this.#put(claimed, entry.revision);
      } catch (error) {
        if (CrmkitError.is(error, "REVISION_CONFLICT")) {
          report.deferred++;
          continue;
        }
        throw error;
      }
      attempted++;
      const result = await options.provider.setMembership(entry.request);
      const { leaseUntil: _lease, ...rest } = claimed;
      const at = toIsoInstant(this.#environment.now());
      if (result.ok) {
        // A deletion (an erased person's) forgets the address once the provider has it done.
        const forgotten =
          rest.request.status === "deleted"
            ? {
                key: `${rest.request.listId}\u001f(erased)`,
                request: { listId: rest.request.listId, email: "", status: "deleted" as const },
              }
            : {};
        await this.#put(
          { ...rest, ...forgotten, status: "done", deliveredAt: at, updatedAt: at },
          revision,
        );
        report.delivered++;
        continue;
      }
      const failure = {
        ...rest,
        lastError: result.message,
        lastStatus: result.status,
        updatedAt: at,
      };
      if (!result.retryable || claimed.attempts >= maxAttempts) {
        await this.#put({ ...failure, status: "failed" }, revision);
        report.failed++;
        continue;
      }
      const backoff = Math.min(maxDelay, baseDelay * 2 ** (claimed.attempts - 1));
      const jittered = backoff * (0.8 + 0.4 * this.#environment.random());
      const delay = Math.max(jittered, result.retryAfterMs ?? 0);
      await this.#put(
        { ...failure, status: "pending", dueAt: toIsoInstant(this.#environment.now() + delay) },
        revision,
      );
      report.retried++;
    }
    return report;
  }

  /** Whether an earlier entry of the same key is still undelivered (it must go first). */
  async #blocked(entry: OutboxEntry): Promise<boolean> {
    const page = await outboxTable.query(this.#storage, { index: "key", where: { eq: entry.key } });
    return page.records.some(
      (other) =>
        other.id !== entry.id &&
        (other.status === "pending" || other.status === "inflight") &&
        (other.order < entry.order || (other.order === entry.order && other.id < entry.id)),
    );
  }

  async #put(record: Omit<OutboxEntry, "revision"> & { revision?: number }, expected: number) {
    const [outcome] = await this.#storage.write([outboxTable.put(record, expected)]);
    return revisionAfter(outcome);
  }
}
