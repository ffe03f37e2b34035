// Length: the scoring verbs with their TSDoc; ingest, model store, hand-off and the scorer are
// apart.
import { BackgroundLoop } from "../background.js";
import type { Environment } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { EventBus, EventJournal } from "../events/index.js";
import type { ConditionScope } from "../query/index.js";
import { asStored, type ChangeHook, type Contact, loadTaxonomy, tables } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { parseInput } from "../validation.js";
import { type CompiledModel, compareHits } from "./derive.js";
import { handOff } from "./handoff.js";
import {
  acceptHits,
  type DrainReport,
  drainQueue,
  type IngestReport,
  identifyVisitor,
} from "./ingest.js";
import { acceptValidated, hitsSchema } from "./input.js";
import { explainGroup, scoresAt } from "./ledger.js";
import { ScoringModelStore } from "./model-store.js";
import { rescoreAll } from "./rescore.js";
import { type ScoreRun, scoreContact } from "./scorer.js";
import { scoringTables } from "./tables.js";
import type {
  Handoff,
  Hit,
  HitInput,
  LeadPort,
  ScoreCard,
  ScoreEntry,
  ScoreExplanation,
  ScoringEvents,
  ScoringModelInput,
  StoredScoringModel,
} from "./types.js";

/** What the scoring service is built on. */
export interface ScoringDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly timezone: string;
  readonly events: Pick<EventBus<ScoringEvents>, "emit">;
  /** Where a qualified contact becomes a lead: the workspace's deals. */
  readonly leads: LeadPort;
  /** Where a contact rewritten with new scores is announced (segments and stage goals react). */
  readonly hook: ChangeHook;
  /** Records threshold crossings in the batch that makes them. @defaultValue none @internal */
  readonly journal?: EventJournal;
}

/** What {@link ScoringService.rescore} or {@link ScoringService.refresh} did. */
export interface RescoreReport {
  /** Contacts scored. */
  readonly contacts: number;
  /** Ledger entries written: added, rewritten in place, or removed. */
  readonly written: number;
  /** Hand-offs made. */
  readonly handedOff: number;
  /** Hand-offs that failed and wait for the next refresh, with the reason. */
  readonly failedHandoffs: readonly FailedHandoff[];
}

/** A hand-off that could not be made. */
export interface FailedHandoff {
  /** The contact. */
  readonly contactId: string;
  /** The group. */
  readonly group: string;
  /** The error code of the deal creation (`NOT_FOUND` when the contact is gone). */
  readonly code: string;
}

/**
 * Lead scoring: the model (groups, rules, thresholds), hit ingestion, the append-only ledger, score
 * explanations, rescoring and the hand-off to sales.
 *
 * Scores are derived: a contact's ledger holds exactly what the current rules say its hits and
 * profile are worth, and `contact.scores` caches the ledger's value at the last scoring. Reading a
 * score at another instant ({@link ScoringService.score}) applies decay from the ledger directly.
 */
export class ScoringService {
  readonly #deps: ScoringDeps;
  readonly #models: ScoringModelStore;
  readonly #background = new BackgroundLoop(() => this.drain());

  /** @internal */
  constructor(deps: ScoringDeps) {
    this.#deps = deps;
    this.#models = new ScoringModelStore(deps.storage, () => this.#fitScope());
  }

  /** The scoring model (empty until one is set). */
  model(): Promise<StoredScoringModel> {
    return this.#models.read();
  }

  /**
   * Replaces the scoring model. A model read with {@link model} carries its revision: passing it back
   * fails with `REVISION_CONFLICT` if someone else replaced the model in between. Stored scores are
   * not recomputed: call {@link rescore} for that (each contact is also rescored whole the next
   * time one of its hits arrives).
   *
   * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad field: unknown group,
   * duplicate rule id, invalid fit condition, unknown hand-off pipeline; `REVISION_CONFLICT` when
   * `expectedRevision` is stale
   */
  setModel(
    input: ScoringModelInput & { readonly revision?: number },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<StoredScoringModel> {
    return this.#models.write(input, options.expectedRevision);
  }

  /**
   * Stores hits and scores them before returning: {@link accept}, then {@link drain}. A hit whose
   * id was already stored is a duplicate and changes nothing; hits of anonymous visitors are kept
   * and scored when the visitor is identified.
   *
   * @throws CrmkitError `VALIDATION_FAILED` (bad hit, unknown contact): nothing is stored
   */
  async ingest(inputs: readonly HitInput[]): Promise<IngestReport> {
    const report = await this.accept(inputs);
    if (report.accepted.length > 0) await this.drain();
    return report;
  }

  /**
   * Stores hits durably and returns without scoring them: each new hit is written with a record
   * in the scoring queue, in one batch. {@link drain} (or the background drain the collector
   * starts) scores them. A hit whose id was already stored is a duplicate and changes nothing.
   *
   * @throws CrmkitError `VALIDATION_FAILED` (bad hit, unknown contact): nothing is stored
   */
  accept(inputs: readonly HitInput[]): Promise<IngestReport> {
    return acceptHits(this.#deps, parseInput(hitsSchema, inputs, "hits"));
  }

  /**
   * {@link accept} for hits the collector has already validated (it checked the wire body), so
   * they are not parsed twice. Keyed by a symbol the package does not export. @internal
   */
  [acceptValidated](inputs: readonly HitInput[]): Promise<IngestReport> {
    return acceptHits(this.#deps, inputs);
  }

  /**
   * Scores the hits waiting in the queue, in hit order, a page at a time: each contact is scored
   * once per page with all its new hits (the cost of a hit does not depend on the contact's
   * history), and each hit's queue record leaves in the batch that scores it. Any process may
   * drain, as often as it likes: two drains never score a hit twice, and hits left by a process
   * that stopped mid-drain are scored by the next drain.
   *
   * @param options.limit - the most queued hits to take @defaultValue all of them
   * @param options.batchSize - queued hits read per page @defaultValue 500
   */
  drain(
    options: { readonly limit?: number; readonly batchSize?: number } = {},
  ): Promise<DrainReport> {
    return drainQueue(this.#ingestDeps(), options);
  }

  /**
   * Starts draining the queue in the background unless a drain started this way is already
   * running in this process, in which case that one goes round once more. Returns at once; a
   * failure is kept for {@link settle}. The collector calls it after accepting hits.
   */
  drainInBackground(): void {
    this.#background.request();
  }

  /**
   * Waits until the background drain of this process is idle: every hit accepted before the call
   * is then scored (in tests, a hit answered 202 by the collector can be checked right after).
   * @throws the error a background drain met since the last call, if any (its hits stay queued)
   */
  async settle(): Promise<void> {
    const failures = await this.#background.idle();
    if (failures.length > 0) throw failures.at(-1);
  }

  /**
   * Links an anonymous visitor to a contact: the visitor's earlier hits (not yet linked to anyone)
   * become the contact's and are scored once; later hits follow. Identifying a visitor again with
   * the same contact does nothing. The collector only calls it with a signed identity token.
   *
   * @returns the number of earlier hits linked
   * @throws CrmkitError `NOT_FOUND` for an unknown contact
   */
  identify(input: {
    readonly siteId?: string;
    readonly visitorId: string;
    readonly contactId: string;
  }): Promise<number> {
    return identifyVisitor(this.#ingestDeps(), input);
  }

  /**
   * The groups scoring maintains: every group of the model (`global` included) once the model has
   * rules. Contact input may not set their scores. @internal
   */
  async managedGroups(): Promise<ReadonlySet<string>> {
    const model = await this.#models.compiled();
    return model.model.rules.length === 0 ? new Set() : new Set(model.groups.keys());
  }

  /** Re-checks fit rules for contacts whose fields changed (called by the contact repository). @internal */
  async contactsChanged(ids: readonly string[]): Promise<void> {
    const model = await this.#models.compiled();
    if (model.fitRules.length === 0) return;
    for (const id of ids)
      await this.#run(model, id, async () => ({ hits: false, fit: true, cause: "fit" }));
  }

  /**
   * A contact's scores by group at an instant, from the ledger (decay applied, caps in force).
   * @param options.at - the instant (ISO or epoch ms) @defaultValue now
   */
  async score(
    contactId: string,
    options: { readonly at?: string | number } = {},
  ): Promise<Record<string, number>> {
    const model = await this.#models.compiled();
    return scoresAt(model, await this.ledger(contactId), this.#instant(options.at));
  }

  /**
   * Why a contact has its score: the contributions of each group (or one), each with its rule, hit
   * and decayed value; they add up to `total`, which the cap (if any) limits to `score`.
   */
  async explain(
    contactId: string,
    options: { readonly group?: string; readonly at?: string | number } = {},
  ): Promise<ScoreExplanation[]> {
    const model = await this.#models.compiled();
    const live = await this.ledger(contactId);
    const hits = new Map((await this.visits(contactId)).map((hit) => [hit.id, hit]));
    const at = this.#instant(options.at);
    const groups = options.group === undefined ? [...model.groups.keys()] : [options.group];
    return groups.map((group) =>
      explainGroup(model, group, live, at, (id) => {
        const hit = hits.get(id);
        return hit === undefined
          ? undefined
          : {
              id,
              type: hit.type,
              ...(hit.url === undefined ? {} : { url: hit.url }),
              ...(hit.name === undefined ? {} : { name: hit.name }),
            };
      }),
    );
  }

  /** A contact's ledger, in the order it was written. */
  async ledger(contactId: string): Promise<ScoreEntry[]> {
    const entries = await scoringTables.entries.all(this.#deps.storage, {
      index: "contactId",
      where: { eq: contactId },
    });
    return entries.sort(
      (a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.id.localeCompare(b.id),
    );
  }

  /** A contact's hits (visits and events), newest first. */
  async visits(contactId: string): Promise<Hit[]> {
    const hits = await scoringTables.hits.all(this.#deps.storage, {
      index: "contactId",
      where: { eq: contactId },
    });
    return hits.sort((a, b) => compareHits(b, a));
  }

  /** A contact's score card (cached scores and threshold states), or `null` before its first scoring. */
  async card(contactId: string): Promise<ScoreCard | null> {
    const card = await scoringTables.cards.get(this.#deps.storage, contactId);
    if (card === null) return null;
    const { state: _state, ...rest } = card;
    return rest;
  }

  /** The hand-off that created a deal, with the contact's history then, or `null`. */
  async handoff(dealId: string): Promise<Handoff | null> {
    const page = await scoringTables.handoffs.query(this.#deps.storage, {
      index: "dealId",
      where: { eq: dealId },
      limit: 1,
    });
    return page.records[0] ?? null;
  }

  /**
   * Recomputes contacts' ledgers from their stored hits and current profiles under the current
   * rules: afterwards each ledger holds exactly what the rules would have given had they existed
   * from the start. Only what changed is written: entries whose worth changed are rewritten in
   * place, entries no longer earned are removed, new ones added. Every contact is read as a
   * stream (a page of contacts with one range read of their hits and of their entries), and each
   * re-derives only the rules whose definition changed since it was last scored.
   * @param options.contactIds - only these contacts @defaultValue every contact
   */
  async rescore(options: { readonly contactIds?: readonly string[] } = {}): Promise<RescoreReport> {
    const run: ScoreRun = { hits: true, fit: true, cause: "rescore" };
    if (options.contactIds !== undefined) return this.#sweep(options.contactIds, run);
    const model = await this.#models.compiled();
    let base: Promise<ConditionScope> | undefined;
    const streamed = await rescoreAll(
      {
        ...this.#deps,
        fitScope: async (contact) => {
          base ??= this.#fitScope();
          return this.#contactScope(await base, contact);
        },
        one: (contactId) => this.#runRaw(model, contactId, async () => run),
      },
      model,
    );
    let handedOff = 0;
    const failedHandoffs: FailedHandoff[] = [];
    for (const [contactId, groups] of streamed.pending)
      for (const group of groups) {
        const result = await this.#handOff(model, contactId, group);
        if (result === true) handedOff++;
        else if (result !== false) failedHandoffs.push({ contactId, group, code: result });
      }
    return { contacts: streamed.contacts, written: streamed.written, handedOff, failedHandoffs };
  }

  /**
   * Brings scored contacts' cached scores to the present (decay lowers them with time), fires the
   * threshold crossings that decay caused, and retries pending hand-offs. Run it from a timer if
   * segments or thresholds must follow decay; reading a score never needs it.
   */
  refresh(): Promise<RescoreReport> {
    return this.#sweep(scoringTables.cards.name, { hits: false, fit: false, cause: "rescore" });
  }

  /** Scores every contact of a list, or every record id of a collection (contacts or cards). */
  async #sweep(source: readonly string[] | string, run: ScoreRun): Promise<RescoreReport> {
    const model = await this.#models.compiled();
    let contacts = 0;
    let written = 0;
    let handedOff = 0;
    const failedHandoffs: FailedHandoff[] = [];
    const base = model.fitRules.length > 0 && run.fit ? this.#fitScope() : undefined;
    const score = async (id: string) => {
      contacts++;
      const outcome = await this.#runRaw(model, id, async () => run, base);
      written += outcome.written;
      for (const group of outcome.pending) {
        const result = await this.#handOff(model, id, group);
        if (result === true) handedOff++;
        else if (result !== false) failedHandoffs.push({ contactId: id, group, code: result });
      }
    };
    if (typeof source !== "string") for (const id of source) await score(id);
    else
      for await (const batch of this.#deps.storage.scan({ collection: source, batchSize: 500 }))
        for (const record of batch) await score(record.id);
    return { contacts, written, handedOff, failedHandoffs };
  }

  #ingestDeps() {
    return {
      storage: this.#deps.storage,
      environment: this.#deps.environment,
      model: () => this.#models.compiled(),
      score: (model: CompiledModel, contactId: string, prepare: () => Promise<ScoreRun | null>) =>
        this.#run(model, contactId, prepare),
    };
  }

  async #run(model: CompiledModel, contactId: string, prepare: () => Promise<ScoreRun | null>) {
    const outcome = await this.#runRaw(model, contactId, prepare);
    for (const group of outcome.pending) await this.#handOff(model, contactId, group);
    return outcome;
  }

  #runRaw(
    model: CompiledModel,
    contactId: string,
    prepare: () => Promise<ScoreRun | null>,
    base?: Promise<ConditionScope>,
  ) {
    let scope = base;
    return scoreContact(this.#deps, model, contactId, prepare, async (contact) => {
      scope ??= this.#fitScope();
      return this.#contactScope(await scope, contact);
    });
  }

  #handOff(model: CompiledModel, contactId: string, group: string): Promise<boolean | string> {
    return handOff(
      {
        ...this.#deps,
        explain: async (id, inGroup) => (await this.explain(id, { group: inGroup }))[0],
        visits: (id) => this.visits(id),
      },
      model,
      contactId,
      group,
    );
  }

  async #fitScope(): Promise<ConditionScope> {
    const { storage, timezone, environment } = this.#deps;
    const [taxonomy, users] = await Promise.all([loadTaxonomy(storage), tables.users.all(storage)]);
    const teams = new Map(users.map((user) => [user.id, user.teamId]));
    return {
      taxonomy,
      at: environment.now(),
      timezone,
      teamOf: (id) => teams.get(id),
      compiled: new WeakMap(),
    };
  }

  /** The scope of one contact's fit rules: the base scope plus the contact's account. */
  async #contactScope(base: ConditionScope, contact: Contact): Promise<ConditionScope> {
    const account =
      contact.accountId === undefined
        ? null
        : await tables.accounts.get(this.#deps.storage, contact.accountId);
    return {
      ...base,
      at: this.#deps.environment.now(),
      account: () => (account === null ? null : asStored(account)),
    };
  }

  #instant(at: string | number | undefined): number {
    if (at === undefined) return this.#deps.environment.now();
    const ms = typeof at === "number" ? at : Date.parse(at);
    if (!Number.isFinite(ms))
      throw new CrmkitError("VALIDATION_FAILED", `Invalid instant "${at}".`, {
        details: { path: ["at"] },
      });
    return ms;
  }
}
