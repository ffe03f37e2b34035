// Privacy by design for the people in the CRM: erasure, access and portability, and the record of
// consent. Retention is the host's policy; see docs/privacy.md.
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { collections, revised, table } from "../records/index.js";
import type { StorageAdapter, StoredRecord } from "../storage/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import { eraseContact } from "./erase.js";
import { personalRecords } from "./personal.js";
import {
  type RetentionPolicy,
  retentionPolicySchema,
  type SweepOptions,
  type SweepReport,
  sweepRetention,
} from "./retention.js";
import type {
  ConsentInput,
  ConsentRecord,
  ContactConsent,
  ErasureReport,
  PersonalDataExport,
} from "./types.js";

/** What the privacy service is built on. */
export interface PrivacyDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
}

const consentSchema = z.strictObject({
  purpose: z.enum(["tracking", "email"]),
  granted: z.boolean(),
  source: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  textVersion: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  at: z.optional(z.iso.datetime({ offset: true })),
});

const consents = table<ConsentRecord>(collections.consents);
const policies = table<{ readonly id: string; readonly policy: RetentionPolicy }>(collections.meta);
const policyId = "retention";

/**
 * Privacy: **erasure** of a person (`erase`), **access and portability** (`export`, `exportJson`),
 * and the **record of consent** (`recordConsent`, `consents`), honoured by e-mail steps and list
 * subscriptions. See `docs/privacy.md` for what crmkit stores about a person, and where.
 */
export class PrivacyService {
  readonly #deps: PrivacyDeps;

  /** @internal */
  constructor(deps: PrivacyDeps) {
    this.#deps = deps;
  }

  /**
   * Records a consent given or withdrawn — when, how, and which text — and makes it the contact's
   * current consent for that purpose (`contact.consent`), in one batch. A withdrawn e-mail
   * consent stops marketing e-mail (`sendEmail` steps are skipped) and list subscriptions (stage
   * hooks, `subscribe` steps, nurture lists); unsubscribing still goes through.
   * @throws CrmkitError `NOT_FOUND` for an unknown contact, `VALIDATION_FAILED` with the path of
   * the bad field, `REVISION_CONFLICT` when the contact changed meanwhile
   */
  async recordConsent(contactId: string, input: ConsentInput): Promise<ConsentRecord> {
    const parsed = parseInput(consentSchema, input, "consent");
    const storage = this.#deps.storage;
    const contact = await this.#contact(contactId);
    const now = toIsoInstant(this.#deps.environment.now());
    const at = parsed.at === undefined ? now : toIsoInstant(Date.parse(parsed.at));
    const record: Omit<ConsentRecord, "revision"> = {
      id: this.#deps.environment.newId(),
      contactId,
      purpose: parsed.purpose,
      granted: parsed.granted,
      source: parsed.source,
      textVersion: parsed.textVersion,
      at,
      recordedAt: now,
    };
    const current = (contact.consent ?? {}) as ContactConsent;
    const latest = current[parsed.purpose];
    // A record back-dated before the current state is history: it does not replace the state.
    const state =
      latest !== undefined && latest.at > at
        ? current
        : {
            ...current,
            [parsed.purpose]: {
              granted: parsed.granted,
              at,
              source: parsed.source,
              textVersion: parsed.textVersion,
            },
          };
    const { revision, ...rest } = contact;
    const [outcome] = await storage.write([
      consents.put(record, 0),
      {
        type: "put",
        collection: collections.contacts,
        record: { ...rest, consent: state, updatedAt: now } as never,
        expectedRevision: revision,
      },
    ]);
    return revised<ConsentRecord>(record, outcome);
  }

  /** A contact's consent records, oldest first: the record of consent. */
  async consents(contactId: string): Promise<ConsentRecord[]> {
    const all = await consents.all(this.#deps.storage, {
      index: "contactId",
      where: { eq: contactId },
    });
    return all.sort((a, b) => a.at.localeCompare(b.at) || a.recordedAt.localeCompare(b.recordedAt));
  }

  /**
   * Erases everything crmkit holds about a person, in every collection: the contact, its consent
   * records, its web visits (anonymous ones of its browsers too) and visitor links, score ledger,
   * card and hand-offs, automation runs and their journal, outbox entries — removed; activities,
   * tasks and deals — kept for the company's figures (a won deal still counts as revenue), unlinked
   * from the person, their words about the person cleared. The list provider's permanent deletion
   * of the address is queued in the outbox. In bounded atomic batches, idempotent and resumable: a
   * rerun after an interruption finishes; after completion it finds nothing. Segment events and
   * automations are not triggered by it.
   */
  async erase(contactId: string): Promise<ErasureReport> {
    return eraseContact(this.#deps.storage, contactId, this.#deps.environment.now());
  }

  /** The retention policy (none until set: everything is kept until erased). */
  async retention(): Promise<RetentionPolicy> {
    return (await policies.get(this.#deps.storage, policyId))?.policy ?? {};
  }

  /**
   * Sets how long records are kept — raw hits, finished automation runs, delivered outbox
   * entries, activities of removed contacts; {@link PrivacyService.sweep} applies it.
   * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad field
   */
  async setRetention(policy: RetentionPolicy): Promise<RetentionPolicy> {
    const parsed = parseInput(retentionPolicySchema, policy, "retention policy") as RetentionPolicy;
    const current = await policies.get(this.#deps.storage, policyId);
    await this.#deps.storage.write([
      policies.put({ id: policyId, policy: parsed }, current?.revision ?? 0),
    ]);
    return parsed;
  }

  /**
   * Applies the retention policy: removes what is past it, at most `maxRecords` records a call, in
   * batches of 500 — call it from a timer or a cron job (with `runDue`), again while `more`. Any
   * process can run it; two at once remove each record once. Scores stay as they are: the ledger
   * keeps its entries (rule, points, time), so a score is still explained after its hits are gone
   * — only their URLs are.
   */
  async sweep(options: SweepOptions = {}): Promise<SweepReport> {
    const { now, maxRecords } = options;
    if (now !== undefined && !Number.isFinite(now))
      throw new CrmkitError("VALIDATION_FAILED", "The instant must be a finite epoch in ms.", {
        details: { path: ["now"] },
      });
    if (maxRecords !== undefined && !(Number.isSafeInteger(maxRecords) && maxRecords >= 1))
      throw new CrmkitError("VALIDATION_FAILED", "maxRecords must be a positive integer.", {
        details: { path: ["maxRecords"] },
      });
    return sweepRetention(
      this.#deps.storage,
      await this.retention(),
      options.now ?? this.#deps.environment.now(),
      options.maxRecords ?? 10_000,
    );
  }

  /**
   * Everything held about a person, as one JSON-ready document ({@link PersonalDataExport}): the
   * contact, then its records by collection. For a long history, {@link PrivacyService.exportJson}
   * streams the same document.
   * @throws CrmkitError `NOT_FOUND` for an unknown contact
   */
  async export(contactId: string): Promise<PersonalDataExport> {
    const contact = await this.#contact(contactId);
    const records: Record<string, Record<string, unknown>[]> = {};
    for await (const batch of personalRecords(this.#deps.storage, contactId)) {
      const list = records[batch.collection] ?? [];
      for (const record of batch.records) list.push(withoutRevision(record));
      records[batch.collection] = list;
    }
    return {
      format: "crmkit.personal-data/1",
      exportedAt: toIsoInstant(this.#deps.environment.now()),
      contact: withoutRevision(contact),
      records,
    };
  }

  /** A contact as stored. @throws CrmkitError `NOT_FOUND` */
  async #contact(contactId: string): Promise<StoredRecord> {
    const contact = await this.#deps.storage.get(collections.contacts, contactId);
    if (contact === null)
      throw new CrmkitError("NOT_FOUND", `There is no contact "${contactId}".`, {
        details: { id: contactId },
      });
    return contact;
  }

  /**
   * The export as JSON text, a chunk at a time (a few hundred records each), so that a contact
   * with years of visits is written to a file or a response without being held in memory.
   * @throws CrmkitError `NOT_FOUND` for an unknown contact
   */
  async *exportJson(contactId: string): AsyncGenerator<string> {
    const storage = this.#deps.storage;
    const contact = await this.#contact(contactId);
    yield `{"format":"crmkit.personal-data/1","exportedAt":${JSON.stringify(toIsoInstant(this.#deps.environment.now()))},"contact":${JSON.stringify(withoutRevision(contact))},"records":{`;
    let open: string | null = null;
    for await (const { collection, records } of personalRecords(storage, contactId)) {
      if (collection !== open) {
        yield `${open === null ? "" : "],"}${JSON.stringify(collection)}:[`;
        open = collection;
      } else yield ",";
      yield records.map((record) => JSON.stringify(withoutRevision(record))).join(",");
    }
    yield `${open === null ? "" : "]"}}}`;
  }
}

function withoutRevision(record: StoredRecord): Record<string, unknown> {
  const { revision: _revision, ...rest } = record;
  return rest;
}
