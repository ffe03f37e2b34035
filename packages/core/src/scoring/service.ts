import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, type ValidationIssue, validationError } from "../errors.js";
import type { EventBus, EventJournal } from "../events/index.js";
import { type ConditionScope, compileCondition } from "../query/index.js";
import type { ChangeHook, User } from "../records/index.js";
import { collections, loadTaxonomy, readAll } from "../records/index.js";
import type { StorageAdapter, StoredRecord } from "../storage/index.js";
import { parseInput } from "../validation.js";
import { z } from "../zod.js";
import { type CompiledModel, compareHits, compileModel, globalGroup } from "./derive.js";
import { hitInputSchema, scoringModelSchema } from "./input.js";
import { explainGroup, liveEntries, type NewEntry, scoresAt } from "./ledger.js";
import { type ScoreRun, scoreContact, writeUnlessRaced } from "./scorer.js";
import type {
  Handoff,
  Hit,
  HitInput,
  HitSummary,
  ScoreCard,
  ScoreEntry,
  ScoreExplanation,
  ScoringEvents,
  ScoringModel,
  StoredScoringModel,
} from "./types.js";

const modelId = "scoring";
const emptyModel: ScoringModel = { groups: [], rules: [], thresholds: [] };

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

/**
 * The port through which scoring hands a qualified contact to sales: a lead (a deal) is created,
 * or found open. The workspace wires it to its deals; scoring knows nothing else of pipelines.
 */
export interface LeadPort {
  /** The state of a lead (deal), or `null` when there is none. */
  get(id: string): Promise<{ readonly state: string } | null>;
  /** Creates a lead (deal) for a contact; throws a `CrmkitError` when it cannot. */
  create(input: {
    readonly id: string;
    readonly title: string;
    readonly contactId: string;
    readonly source: string;
    readonly pipelineId?: string;
  }): Promise<unknown>;
}

/** What {@link ScoringService.ingest} did. */
export interface IngestReport {
  /** Ids (`<site>:<event id>`) of the hits stored. */
  readonly accepted: readonly string[];
  /** Ids of hits already stored (or sent twice in the call): counted once, ignored now. */
  readonly duplicates: readonly string[];
}

/** What {@link ScoringService.rescore} or {@link ScoringService.refresh} did. */
export interface RescoreReport {
  /** Contacts scored. */
  readonly contacts: number;
  /** Ledger entries appended (new entries and reversals). */
  readonly appended: number;
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

const hitsSchema = z.array(hitInputSchema).min(1).max(1_000);

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
  #compiled: { revision: number; model: CompiledModel } | undefined;

  /** @internal */
  constructor(deps: ScoringDeps) {
    this.#deps = deps;
  }

  /** The scoring model (empty until one is set). */
  async model(): Promise<StoredScoringModel> {
    const record = await this.#deps.storage.get(collections.meta, modelId);
    if (record === null) return { ...emptyModel, revision: 0 };
    const { id: _id, ...model } = record;
    return model as unknown as StoredScoringModel;
  }

  /**
   * Replaces the scoring model. A model read with {@link model} carries its revision: passing it back
   * fails with `REVISION_CONFLICT` if someone else replaced the model in between. Stored scores are not recomputed: call {@link rescore} for that
   * (each contact is also rescored whole the next time one of its hits arrives).
   *
   * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad field: unknown group,
   * duplicate rule id, invalid fit condition, unknown hand-off pipeline; `REVISION_CONFLICT` when
   * `expectedRevision` is stale
   */
  async setModel(
    input: ScoringModel & { readonly revision?: number },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<StoredScoringModel> {
    const { revision, ...fields } = input;
    const model = parseInput(scoringModelSchema, fields, "scoring model") as ScoringModel;
    const issues: ValidationIssue[] = [];
    const groups = new Set([globalGroup, ...model.groups.map((group) => group.id)]);
    const seen = new Set<string>();
    const duplicate = (path: (string | number)[], what: string) =>
      issues.push({ path, message: `duplicate ${what}`, code: "duplicate" });
    model.groups.forEach((group, index) => {
      if (seen.has(`group ${group.id}`)) duplicate(["groups", index, "id"], `group "${group.id}"`);
      seen.add(`group ${group.id}`);
    });
    const scope = await this.#fitScope();
    model.rules.forEach((rule, index) => {
      if (seen.has(`rule ${rule.id}`)) duplicate(["rules", index, "id"], `rule id "${rule.id}"`);
      seen.add(`rule ${rule.id}`);
      if (!groups.has(rule.group ?? globalGroup))
        issues.push({
          path: ["rules", index, "group"],
          message: `unknown group "${rule.group}"`,
          code: "unknown_group",
        });
      const when = rule.when;
      if (when.type === "fit") {
        const compiled = compileCondition(when.when, "contact", scope, [
          "rules",
          index,
          "when",
          "when",
        ]);
        if (!compiled.ok) issues.push(...compiled.issues);
      }
      if (when.type === "page" && when.returnWithin !== undefined && when.returnAfter !== undefined)
        issues.push({
          path: ["rules", index, "when", "returnAfter"],
          message: "use returnWithin or returnAfter, not both",
          code: "conflict",
        });
    });
    for (const [index, threshold] of model.thresholds.entries()) {
      if (!groups.has(threshold.group))
        issues.push({
          path: ["thresholds", index, "group"],
          message: `unknown group "${threshold.group}"`,
          code: "unknown_group",
        });
      if (seen.has(`threshold ${threshold.group}`))
        duplicate(["thresholds", index, "group"], `threshold of group "${threshold.group}"`);
      seen.add(`threshold ${threshold.group}`);
      const pipelineId = threshold.handoff === false ? undefined : threshold.handoff?.pipelineId;
      if (
        pipelineId !== undefined &&
        (await this.#deps.storage.get(collections.pipelines, pipelineId)) === null
      )
        issues.push({
          path: ["thresholds", index, "handoff", "pipelineId"],
          message: `unknown pipeline "${pipelineId}"`,
          code: "unknown_pipeline",
        });
    }
    if (issues.length > 0) throw validationError("scoring model", issues);
    const current = await this.#deps.storage.get(collections.meta, modelId);
    const [outcome] = await this.#deps.storage.write([
      {
        type: "put",
        collection: collections.meta,
        record: { id: modelId, ...(model as unknown as Record<string, never>) },
        expectedRevision: options.expectedRevision ?? revision ?? current?.revision ?? 0,
      },
    ]);
    return { ...model, revision: outcome!.revision! };
  }

  /**
   * Stores hits and scores the contacts they belong to (through `contactId`, or the visitor's
   * identification). A hit whose id was already stored is a duplicate and changes nothing;
   * hits of anonymous visitors are kept and scored when the visitor is identified.
   *
   * @throws CrmkitError `VALIDATION_FAILED` (bad hit, unknown contact): nothing is stored
   */
  async ingest(inputs: readonly HitInput[]): Promise<IngestReport> {
    const parsed = parseInput(hitsSchema, inputs, "hits") as HitInput[];
    const receivedAt = toIsoInstant(this.#deps.environment.now());
    const byId = new Map<string, Hit>();
    const duplicates: string[] = [];
    for (const input of parsed) {
      const hit = toHit(input, receivedAt);
      if (byId.has(hit.id)) duplicates.push(hit.id);
      else byId.set(hit.id, hit);
    }
    const storage = this.#deps.storage;
    const explicit = [
      ...new Set(parsed.flatMap((hit) => (hit.contactId === undefined ? [] : [hit.contactId]))),
    ];
    const found = await storage.getMany(collections.contacts, explicit);
    const missing = explicit.find((_, index) => found[index] === null);
    if (missing !== undefined) {
      const index = parsed.findIndex((hit) => hit.contactId === missing);
      throw validationError("hits", [
        {
          path: [index, "contactId"],
          message: `unknown contact "${missing}"`,
          code: "unknown_ref",
        },
      ]);
    }
    const visitorKeys = [
      ...new Set(
        [...byId.values()].flatMap((hit) =>
          hit.contactId === undefined && hit.visitorKey !== undefined ? [hit.visitorKey] : [],
        ),
      ),
    ];
    const visitors = await storage.getMany(collections.visitors, visitorKeys);
    const linked = new Map(
      visitorKeys.flatMap((key, index) => {
        const contactId = visitors[index]?.contactId;
        return typeof contactId === "string" ? [[key, contactId] as const] : [];
      }),
    );
    const byContact = new Map<string, Hit[]>();
    const anonymous: Hit[] = [];
    for (const hit of byId.values()) {
      const contactId =
        hit.contactId ?? (hit.visitorKey === undefined ? undefined : linked.get(hit.visitorKey));
      if (contactId === undefined) anonymous.push(hit);
      else byContact.set(contactId, [...(byContact.get(contactId) ?? []), { ...hit, contactId }]);
    }
    const accepted: string[] = [];
    if (anonymous.length > 0) accepted.push(...(await this.#storeAnonymous(anonymous)));
    const model = await this.#model();
    for (const [contactId, hits] of byContact) {
      const outcome = await this.#run(model, contactId, async () => ({
        newHits: hits,
        hits: true,
        fit: false,
        cause: "hit",
      }));
      accepted.push(...outcome.stored);
    }
    const stored = new Set(accepted);
    duplicates.push(...[...byId.keys()].filter((id) => !stored.has(id)));
    return { accepted, duplicates };
  }

  /**
   * Links an anonymous visitor to a contact: the visitor's earlier hits (not yet linked to anyone)
   * become the contact's and are scored once; later hits follow. Identifying a visitor again with
   * the same contact does nothing. The collector only calls it with a signed identity token.
   *
   * @returns the number of earlier hits linked
   * @throws CrmkitError `NOT_FOUND` for an unknown contact
   */
  async identify(input: {
    readonly siteId?: string;
    readonly visitorId: string;
    readonly contactId: string;
  }): Promise<number> {
    const key = `${input.siteId ?? "api"}:${input.visitorId}`;
    const storage = this.#deps.storage;
    if ((await storage.get(collections.contacts, input.contactId)) === null)
      throw new CrmkitError("NOT_FOUND", `No contact "${input.contactId}".`, {
        details: { id: input.contactId },
      });
    let linked = 0;
    await this.#run(await this.#model(), input.contactId, async (): Promise<ScoreRun> => {
      const visitor = await storage.get(collections.visitors, key);
      if (visitor?.contactId === input.contactId) {
        linked = 0;
        return { hits: false, fit: false, cause: "identify" };
      }
      const earlier = await readAll<Hit>(storage, collections.hits, {
        index: "visitorKey",
        where: { eq: key },
      });
      const relink = earlier.filter((hit) => hit.contactId === undefined);
      linked = relink.length;
      const record = {
        id: key,
        siteId: input.siteId ?? "api",
        contactId: input.contactId,
        identifiedAt: toIsoInstant(this.#deps.environment.now()),
      };
      return {
        relink,
        extra: [
          {
            type: "put",
            collection: collections.visitors,
            record,
            expectedRevision: visitor?.revision ?? 0,
          },
        ],
        hits: true,
        fit: false,
        cause: "identify",
      };
    });
    return linked;
  }

  /**
   * The groups scoring maintains: every group of the model (`global` included) once the model has
   * rules. Contact input may not set their scores. @internal
   */
  async managedGroups(): Promise<ReadonlySet<string>> {
    const model = await this.#model();
    return model.model.rules.length === 0 ? new Set() : new Set(model.groups.keys());
  }

  /** Re-checks fit rules for contacts whose fields changed (called by the contact repository). @internal */
  async contactsChanged(ids: readonly string[]): Promise<void> {
    const model = await this.#model();
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
    const model = await this.#model();
    return scoresAt(model, liveEntries(await this.#entries(contactId)), this.#instant(options.at));
  }

  /**
   * Why a contact has its score: the contributions of each group (or one), each with its rule, hit
   * and decayed value; they add up to `total`, which the cap (if any) limits to `score`.
   */
  async explain(
    contactId: string,
    options: { readonly group?: string; readonly at?: string | number } = {},
  ): Promise<ScoreExplanation[]> {
    const model = await this.#model();
    const live = liveEntries(await this.#entries(contactId));
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
    return (await this.#entries(contactId)) as ScoreEntry[];
  }

  /** A contact's hits (visits and events), newest first. */
  async visits(contactId: string): Promise<Hit[]> {
    const hits = await readAll<Hit>(this.#deps.storage, collections.hits, {
      index: "contactId",
      where: { eq: contactId },
    });
    return hits.sort((a, b) => compareHits(b, a));
  }

  /** A contact's score card (cached scores and threshold states), or `null` before its first scoring. */
  async card(contactId: string): Promise<ScoreCard | null> {
    return (await this.#deps.storage.get(collections.scoreCards, contactId)) as ScoreCard | null;
  }

  /** The hand-off that created a deal, with the contact's history then, or `null`. */
  async handoff(dealId: string): Promise<Handoff | null> {
    const page = await this.#deps.storage.query({
      collection: collections.scoreHandoffs,
      index: "dealId",
      where: { eq: dealId },
      limit: 1,
    });
    return (page.records[0] as unknown as Handoff | undefined) ?? null;
  }

  /**
   * Recomputes contacts' ledgers from their stored hits and current profiles under the current
   * rules: afterwards each ledger holds exactly what the rules would have given had they existed
   * from the start (reversals and new entries are appended; nothing is rewritten).
   * @param options.contactIds - only these contacts @defaultValue every contact
   */
  async rescore(options: { readonly contactIds?: readonly string[] } = {}): Promise<RescoreReport> {
    return this.#sweep(options.contactIds ?? collections.contacts, {
      hits: true,
      fit: true,
      cause: "rescore",
    });
  }

  /**
   * Brings scored contacts' cached scores to the present (decay lowers them with time), fires the
   * threshold crossings that decay caused, and retries pending hand-offs. Run it from a timer if
   * segments or thresholds must follow decay; reading a score never needs it.
   */
  async refresh(): Promise<RescoreReport> {
    return this.#sweep(collections.scoreCards, { hits: false, fit: false, cause: "rescore" });
  }

  async #sweep(source: readonly string[] | string, run: ScoreRun): Promise<RescoreReport> {
    const model = await this.#model();
    let contacts = 0;
    let appended = 0;
    let handedOff = 0;
    const failedHandoffs: FailedHandoff[] = [];
    const base = model.fitRules.length > 0 && run.fit ? this.#fitScope() : undefined;
    const score = async (id: string) => {
      contacts++;
      const outcome = await this.#runRaw(model, id, async () => run, base);
      appended += outcome.appended;
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
    return { contacts, appended, handedOff, failedHandoffs };
  }

  async #run(model: CompiledModel, contactId: string, prepare: () => Promise<ScoreRun>) {
    const outcome = await this.#runRaw(model, contactId, prepare);
    for (const group of outcome.pending) await this.#handOff(model, contactId, group);
    return outcome;
  }

  #runRaw(
    model: CompiledModel,
    contactId: string,
    prepare: () => Promise<ScoreRun>,
    base?: Promise<ConditionScope>,
  ) {
    let scope = base;
    return scoreContact(this.#deps, model, contactId, prepare, async (contact) => {
      scope ??= this.#fitScope();
      return this.#contactScope(await scope, contact);
    });
  }

  /** Creates the hand-off deal of a qualified group: true when made, false when not due, else the error code. */
  async #handOff(
    model: CompiledModel,
    contactId: string,
    group: string,
  ): Promise<boolean | string> {
    const { storage, environment, leads: deals } = this.#deps;
    const card = (await storage.get(collections.scoreCards, contactId)) as
      | (StoredRecord & ScoreCard)
      | null;
    if (card === null || !card.pending.includes(group)) return false;
    const threshold = model.thresholds.get(group);
    const options = threshold?.handoff === false ? undefined : threshold?.handoff;
    const previous = card.handoffs[group];
    let dealId = previous;
    const contact = await storage.get(collections.contacts, contactId);
    if (contact === null) return "NOT_FOUND";
    if (previous === undefined || (await deals.get(previous))?.state !== "open") {
      dealId = `lead-${contactId}-${group}-${card.crossings[group] ?? 1}`;
      if ((await deals.get(dealId)) === null) {
        const name = [contact.firstName, contact.lastName]
          .filter((part) => typeof part === "string")
          .join(" ");
        const score = card.scores[group] ?? 0;
        try {
          await deals.create({
            id: dealId,
            title: `${name || (contact.email as string | undefined) || contactId}: ${group} score ${score}`,
            contactId,
            source: options?.source ?? "website",
            ...(options?.pipelineId === undefined ? {} : { pipelineId: options.pipelineId }),
          });
        } catch (error) {
          return CrmkitError.is(error) ? error.code : "STORAGE_FAILURE";
        }
        const [explanation] = await this.explain(contactId, { group });
        const history: HitSummary[] = (await this.visits(contactId)).slice(0, 200).map((hit) => ({
          id: hit.id,
          type: hit.type,
          ...(hit.url === undefined ? {} : { url: hit.url }),
          ...(hit.name === undefined ? {} : { name: hit.name }),
          at: hit.at,
          ...(hit.attribution === undefined ? {} : { attribution: hit.attribution }),
        }));
        const record = {
          id: dealId,
          dealId,
          contactId,
          group,
          score,
          at: toIsoInstant(environment.now()),
          contributions: explanation?.contributions ?? [],
          history,
        };
        await storage.write([
          { type: "put", collection: collections.scoreHandoffs, record: record as never },
        ]);
      }
    }
    for (let attempt = 1; ; attempt++) {
      const current = (await storage.get(collections.scoreCards, contactId)) as
        | (StoredRecord & ScoreCard)
        | null;
      if (current === null || !current.pending.includes(group)) return false;
      const record = {
        ...current,
        pending: current.pending.filter((g) => g !== group),
        handoffs: { ...current.handoffs, [group]: dealId! },
      };
      const op = {
        type: "put" as const,
        collection: collections.scoreCards,
        record,
        expectedRevision: current.revision,
      };
      if (!(await writeUnlessRaced(storage, [op as never], attempt))) continue;
      this.#deps.events.emit("score.handedOff", {
        contactId,
        group,
        dealId: dealId!,
        score: current.scores[group] ?? 0,
      });
      return true;
    }
  }

  async #model(): Promise<CompiledModel> {
    const stored = await this.model();
    if (this.#compiled?.revision !== stored.revision || stored.revision === 0)
      this.#compiled = { revision: stored.revision, model: compileModel(stored) };
    return this.#compiled.model;
  }

  async #entries(contactId: string): Promise<NewEntry[]> {
    const entries = await readAll<NewEntry>(this.#deps.storage, collections.scoreEntries, {
      index: "contactId",
      where: { eq: contactId },
    });
    return entries.sort(
      (a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.id.localeCompare(b.id),
    );
  }

  async #fitScope(): Promise<ConditionScope> {
    const { storage, timezone, environment } = this.#deps;
    const [taxonomy, users] = await Promise.all([
      loadTaxonomy(storage),
      readAll<User>(storage, collections.users),
    ]);
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
  async #contactScope(base: ConditionScope, contact: StoredRecord): Promise<ConditionScope> {
    const account =
      typeof contact.accountId === "string"
        ? await this.#deps.storage.get(collections.accounts, contact.accountId)
        : null;
    return { ...base, at: this.#deps.environment.now(), account: () => account };
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

  async #storeAnonymous(hits: Hit[]): Promise<string[]> {
    const storage = this.#deps.storage;
    for (let attempt = 1; ; attempt++) {
      const existing = await storage.getMany(
        collections.hits,
        hits.map((hit) => hit.id),
      );
      const fresh = hits.filter((_, index) => existing[index] === null);
      if (fresh.length === 0) return [];
      const ops = fresh.map((hit) => ({
        type: "put" as const,
        collection: collections.hits,
        record: hit as never,
        expectedRevision: 0,
      }));
      if (await writeUnlessRaced(storage, ops, attempt)) return fresh.map((hit) => hit.id);
    }
  }
}

function toHit(input: HitInput, receivedAt: string): Hit {
  const site = input.siteId ?? "api";
  return {
    id: `${site}:${input.id}`,
    revision: 0,
    siteId: site,
    ...(input.visitorId === undefined ? {} : { visitorKey: `${site}:${input.visitorId}` }),
    ...(input.contactId === undefined ? {} : { contactId: input.contactId }),
    type: input.type,
    ...(input.url === undefined ? {} : { url: input.url }),
    ...(input.referrer === undefined ? {} : { referrer: input.referrer }),
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.props === undefined ? {} : { props: input.props }),
    ...(input.seconds === undefined ? {} : { seconds: input.seconds }),
    at: toIsoInstant(typeof input.at === "number" ? input.at : Date.parse(input.at)),
    receivedAt,
    ...(input.attribution === undefined ? {} : { attribution: input.attribution }),
  };
}
