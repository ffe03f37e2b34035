import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError, type ValidationIssue, validationError } from "../errors.js";
import type { EventBus } from "../events/index.js";
import { type EventJournal, noJournal } from "../events/index.js";
import {
  compileQuery,
  contextLoader,
  type EvaluationContext,
  type ExplainNode,
  explainQuery,
  type MembersPage,
  type Predicate,
  pageMembers,
  planQuery,
  type QueryEnvironment,
  type QueryPlan,
  queryReferences,
  type ResolvedQuery,
  resolveQuery,
  type SegmentQuery,
  segmentQuerySchema,
  streamMembers,
} from "../query/index.js";
import type { PartyKind, RecordChange } from "../records/index.js";
import {
  collectionOf,
  collections,
  loadTaxonomy,
  readAll,
  type Taxonomy,
} from "../records/index.js";
import type { StorageAdapter, StoredRecord, WriteOperation } from "../storage/index.js";
import { parseInput } from "../validation.js";
import { z } from "../zod.js";

/** A saved segment: a named, stored query. */
export interface SavedSegment {
  /** The segment id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The display name. */
  readonly name: string;
  /** A longer description. */
  readonly description?: string;
  /** The kind of records it selects. */
  readonly target: PartyKind;
  /** Its query. */
  readonly query: SegmentQuery;
  /**
   * The instant up to which clock-driven membership changes have been reported (see
   * {@link SegmentService.reevaluate}).
   */
  readonly evaluatedAt: string;
  /** When the segment was created. */
  readonly createdAt: string;
  /** When it was last written. */
  readonly updatedAt: string;
}

/** A `segment.entered` or `segment.left` event. */
export interface SegmentMembershipEvent {
  /** The saved segment. */
  readonly segmentId: string;
  /** The kind of record. */
  readonly target: PartyKind;
  /** The record that entered or left. */
  readonly recordId: string;
  /** When the change happened (the write's instant, or the re-evaluation instant). */
  readonly at: string;
  /** `write` when a write caused it, `clock` when time did (see {@link SegmentService.reevaluate}). */
  readonly cause: "write" | "clock";
}

/** The events of segment membership. */
export interface SegmentEvents {
  /** A record became a member of a saved segment. */
  "segment.entered": SegmentMembershipEvent;
  /** A record stopped being a member of a saved segment. */
  "segment.left": SegmentMembershipEvent;
}

/** One membership change. */
export interface SegmentDelta extends SegmentMembershipEvent {
  /** Whether the record entered or left. */
  readonly change: "entered" | "left";
}

/** An unsaved query to evaluate. */
export interface AdHocSegment {
  /** The query. */
  readonly query: SegmentQuery;
  /** The kind of records it selects. @defaultValue "contact" */
  readonly target?: PartyKind;
}

/** What to evaluate: a saved segment's id, or a query on contacts (default) or accounts. */
export type SegmentSource = string | AdHocSegment;

/** Options of an evaluation. */
export interface EvaluateOptions {
  /**
   * The instant relative dates are evaluated at, in ms since the epoch.
   * @default the environment's `now()`
   */
  readonly at?: number;
  /**
   * Whether to read candidates through an index when the query allows it.
   * @default true
   */
  readonly pushdown?: boolean;
}

/** The result of {@link SegmentService.count}. */
export interface SegmentCount {
  /** How many records are members. */
  readonly count: number;
  /** How many records were read and tested. */
  readonly examined: number;
  /** How the query was evaluated. */
  readonly plan: QueryPlan;
}

/** A valid query. */
export interface QueryValid {
  /** Always true. */
  readonly ok: true;
}

/** An invalid query, with its problems. */
export interface QueryInvalid {
  /** Always false. */
  readonly ok: false;
  /** Every problem, each with the path of the bad node. */
  readonly problems: readonly ValidationIssue[];
}

/** The outcome of validating a query: a result object, as failure is an ordinary answer. */
export type QueryValidation = QueryValid | QueryInvalid;

const savedInputSchema = z.strictObject({
  id: z.string().min(1).max(128).optional(),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2_000).optional(),
  target: z.enum(["contact", "account"]).default("contact"),
  query: segmentQuerySchema,
});

/** Input of {@link SegmentService.create}. */
export interface SavedSegmentInput {
  /** The id; generated when omitted. */
  readonly id?: string;
  /** The display name. */
  readonly name: string;
  /** A longer description. */
  readonly description?: string;
  /** The kind of records selected. @defaultValue "contact" */
  readonly target?: PartyKind;
  /** The query. */
  readonly query: SegmentQuery;
}

interface Prepared {
  readonly target: PartyKind;
  readonly query: SegmentQuery;
  readonly resolved: ResolvedQuery;
  readonly predicate: Predicate;
  readonly env: QueryEnvironment;
  readonly usesClock: boolean;
  readonly usesAccount: boolean;
  readonly usesTeam: boolean;
}

/** What the segment service is built on. */
export interface SegmentServiceDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
  /** Where membership events go. */
  readonly events: Pick<EventBus<SegmentEvents>, "emit">;
  /** The workspace timezone for relative dates. */
  readonly timezone: string;
  /** Records membership changes for automations before they are emitted. @defaultValue none @internal */
  readonly journal?: EventJournal;
}

/**
 * Dynamic segments: evaluation (count, members, stream, isMember, explain), saved segments, and
 * membership deltas.
 */
export class SegmentService {
  readonly #deps: SegmentServiceDeps;

  /** Creates the service; use {@link createCrm} rather than calling this directly. */
  constructor(deps: SegmentServiceDeps) {
    this.#deps = deps;
  }

  async #context(
    known?: Taxonomy,
  ): Promise<{ taxonomy: Taxonomy; segments: Map<string, SavedSegment> }> {
    const [taxonomy, saved] = await Promise.all([
      known ?? loadTaxonomy(this.#deps.storage),
      readAll<SavedSegment>(this.#deps.storage, collections.segments),
    ]);
    return { taxonomy, segments: new Map(saved.map((segment) => [segment.id, segment])) };
  }

  #prepareWith(
    query: SegmentQuery,
    target: PartyKind,
    context: { taxonomy: Taxonomy; segments: ReadonlyMap<string, SavedSegment> },
    at: number,
    self?: string,
  ): Prepared {
    const env: QueryEnvironment = {
      target,
      taxonomy: context.taxonomy,
      segments: context.segments,
      at,
      timezone: this.#deps.timezone,
      ...(self === undefined ? {} : { self }),
    };
    const resolution = resolveQuery(query, env);
    if (resolution.query === undefined) {
      throw validationError("segment query", resolution.issues);
    }
    return {
      target,
      query,
      resolved: resolution.query,
      predicate: compileQuery(resolution.query),
      env,
      usesClock: resolution.usesClock,
      usesAccount: resolution.usesAccount,
      usesTeam: resolution.usesTeam,
    };
  }

  async #prepare(source: SegmentSource, at: number | undefined): Promise<Prepared> {
    const context = await this.#context();
    const instant = at ?? this.#deps.environment.now();
    if (typeof source === "string") {
      const segment = context.segments.get(source);
      if (segment === undefined) {
        throw new CrmkitError("NOT_FOUND", `There is no saved segment "${source}".`, {
          details: { id: source },
        });
      }
      return this.#prepareWith(segment.query, segment.target, context, instant, segment.id);
    }
    const query = parseInput(segmentQuerySchema, source.query, "segment query");
    return this.#prepareWith(query, source.target ?? "contact", context, instant);
  }

  /**
   * Checks a query against the workspace without evaluating it.
   * @returns `{ ok: true }`, or the problems, each with the path of the bad node
   */
  async validate(query: unknown, target: PartyKind = "contact"): Promise<QueryValidation> {
    try {
      const parsed = parseInput(segmentQuerySchema, query, "segment query");
      const context = await this.#context();
      const resolution = resolveQuery(parsed, {
        target,
        taxonomy: context.taxonomy,
        segments: context.segments,
        at: this.#deps.environment.now(),
        timezone: this.#deps.timezone,
      });
      return resolution.issues.length === 0
        ? { ok: true }
        : { ok: false, problems: resolution.issues };
    } catch (error) {
      if (CrmkitError.is(error, "VALIDATION_FAILED"))
        return { ok: false, problems: error.details.issues ?? [] };
      throw error;
    }
  }

  /**
   * Counts the members of a segment, through an index when the query implies an indexed equality
   * (status, tag, owner, territory, country…) and by streaming a scan otherwise.
   *
   * @throws CrmkitError `VALIDATION_FAILED` for an invalid query, `NOT_FOUND` for an unknown segment
   * @example
   * ```ts
   * const { count, examined } = await crm.segments.count({ query: { op: "eq", field: "country", value: "FR" } });
   * ```
   */
  async count(source: SegmentSource, options: EvaluateOptions = {}): Promise<SegmentCount> {
    const prepared = await this.#prepare(source, options.at);
    const plan = await planQuery(this.#deps.storage, prepared.target, prepared.resolved, {
      clock: true,
      pushdown: options.pushdown ?? true,
    });
    const stats = { examined: 0 };
    let count = 0;
    const load = await contextLoader(this.#deps.storage, prepared);
    for await (const batch of streamMembers(
      this.#deps.storage,
      prepared.target,
      plan,
      prepared.predicate,
      load,
      stats,
      1_000,
    )) {
      count += batch.length;
    }
    return { count, examined: stats.examined, plan };
  }

  /**
   * Reads one page of members, in the order of the index used (or of ids).
   * @param options.limit - the page size (default 100)
   * @param options.cursor - the cursor of the previous page
   */
  async members(
    source: SegmentSource,
    options: EvaluateOptions & { readonly limit?: number; readonly cursor?: string | null } = {},
  ): Promise<MembersPage> {
    const prepared = await this.#prepare(source, options.at);
    const plan = await planQuery(this.#deps.storage, prepared.target, prepared.resolved, {
      clock: true,
      pushdown: options.pushdown ?? true,
    });
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new CrmkitError("VALIDATION_FAILED", "The page size must be a positive integer.", {
        details: { path: ["limit"] },
      });
    }
    const load = await contextLoader(this.#deps.storage, prepared);
    return pageMembers(
      this.#deps.storage,
      prepared.target,
      plan,
      prepared.predicate,
      load,
      limit,
      options.cursor,
    );
  }

  /** Streams every member in batches, with bounded memory. */
  async *stream(
    source: SegmentSource,
    options: EvaluateOptions & { readonly batchSize?: number } = {},
  ): AsyncGenerator<StoredRecord[]> {
    const prepared = await this.#prepare(source, options.at);
    const plan = await planQuery(this.#deps.storage, prepared.target, prepared.resolved, {
      clock: true,
      pushdown: options.pushdown ?? true,
    });
    const load = await contextLoader(this.#deps.storage, prepared);
    yield* streamMembers(
      this.#deps.storage,
      prepared.target,
      plan,
      prepared.predicate,
      load,
      { examined: 0 },
      options.batchSize ?? 500,
    );
  }

  async #record(target: PartyKind, record: StoredRecord | string): Promise<StoredRecord> {
    if (typeof record !== "string") return record;
    const found = await this.#deps.storage.get(collectionOf(target), record);
    if (found === null)
      throw new CrmkitError("NOT_FOUND", `There is no ${target} "${record}".`, {
        details: { id: record },
      });
    return found;
  }

  /** Tells whether one record (or the record with that id) is a member. */
  async isMember(
    source: SegmentSource,
    record: StoredRecord | string,
    options: EvaluateOptions = {},
  ): Promise<boolean> {
    const prepared = await this.#prepare(source, options.at);
    const subject = await this.#record(prepared.target, record);
    const context = await (await contextLoader(this.#deps.storage, prepared))([subject]);
    return prepared.predicate(subject, context);
  }

  /**
   * Explains a record's membership: for every clause, whether it matched and the values compared.
   */
  async explain(
    source: SegmentSource,
    record: StoredRecord | string,
    options: EvaluateOptions = {},
  ): Promise<ExplainNode> {
    const prepared = await this.#prepare(source, options.at);
    const subject = await this.#record(prepared.target, record);
    const context = await (await contextLoader(this.#deps.storage, prepared))([subject]);
    return explainQuery(prepared.query, subject, prepared.env, context);
  }

  /** Lists saved segments, optionally of one target. */
  async list(target?: PartyKind): Promise<SavedSegment[]> {
    const all = await readAll<SavedSegment>(this.#deps.storage, collections.segments);
    return target === undefined ? all : all.filter((segment) => segment.target === target);
  }

  /** Reads a saved segment, or `null`. */
  async get(id: string): Promise<SavedSegment | null> {
    return (await this.#deps.storage.get(
      collections.segments,
      id,
    )) as unknown as SavedSegment | null;
  }

  /**
   * Saves a new segment after checking its query (unknown fields, cycles through `inSegment`…).
   * @throws CrmkitError `VALIDATION_FAILED`, `UNIQUE_VIOLATION` when the id is taken
   */
  async create(input: SavedSegmentInput): Promise<SavedSegment> {
    const parsed = parseInput(savedInputSchema, input, "segment");
    const id = parsed.id ?? this.#deps.environment.newId();
    const now = toIsoInstant(this.#deps.environment.now());
    const record = {
      id,
      name: parsed.name,
      ...(parsed.description === undefined ? {} : { description: parsed.description }),
      target: parsed.target,
      query: parsed.query,
      evaluatedAt: now,
      createdAt: now,
      updatedAt: now,
    };
    await this.#check(record);
    const [outcome] = await this.#deps.storage.write([
      { type: "put", collection: collections.segments, record, expectedRevision: 0 },
    ]);
    return { ...record, revision: outcome!.revision! } as SavedSegment;
  }

  /**
   * Changes a saved segment's name, description or query. Membership events are not emitted for
   * the change of definition itself.
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED`, `REVISION_CONFLICT`
   */
  async update(
    id: string,
    patch: { readonly name?: string; readonly description?: string; readonly query?: SegmentQuery },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<SavedSegment> {
    const current = await this.get(id);
    if (current === null)
      throw new CrmkitError("NOT_FOUND", `There is no saved segment "${id}".`, { details: { id } });
    const parsed = parseInput(
      savedInputSchema.omit({ id: true, target: true }).partial(),
      patch,
      "segment",
    );
    const now = toIsoInstant(this.#deps.environment.now());
    const record: SavedSegment = {
      ...current,
      ...(parsed.name === undefined ? {} : { name: parsed.name }),
      ...(parsed.description === undefined ? {} : { description: parsed.description }),
      ...(parsed.query === undefined ? {} : { query: parsed.query, evaluatedAt: now }),
      updatedAt: now,
    };
    await this.#check(record);
    const [outcome] = await this.#deps.storage.write([
      {
        type: "put",
        collection: collections.segments,
        record: record as never,
        expectedRevision: options.expectedRevision ?? current.revision,
      },
    ]);
    return { ...record, revision: outcome!.revision! };
  }

  /**
   * Deletes a saved segment.
   * @throws CrmkitError `IN_USE` when other saved segments refer to it
   */
  async remove(id: string, options: { readonly expectedRevision?: number } = {}): Promise<void> {
    const users = (await this.list()).filter(
      (segment) => segment.id !== id && queryReferences(segment.query).segments.has(id),
    );
    if (users.length > 0) {
      throw new CrmkitError(
        "IN_USE",
        `Segment "${id}" is used by ${users.length} other segment(s).`,
        {
          details: { id, count: users.length, usedBy: { segments: users.length } },
        },
      );
    }
    await this.#deps.storage.write([
      {
        type: "delete",
        collection: collections.segments,
        id,
        ...(options.expectedRevision === undefined
          ? {}
          : { expectedRevision: options.expectedRevision }),
      },
    ]);
  }

  async #check(record: { id: string; target: PartyKind; query: SegmentQuery }): Promise<void> {
    const context = await this.#context();
    const segments = new Map(context.segments);
    segments.set(record.id, record as SavedSegment);
    this.#prepareWith(
      record.query,
      record.target,
      { taxonomy: context.taxonomy, segments },
      this.#deps.environment.now(),
      record.id,
    );
  }

  /**
   * Computes and emits the membership changes a committed write caused. A record's previous
   * membership in a clock-driven segment is taken as of the later of the segment's `evaluatedAt` and
   * the record's `updatedAt`: the instant it was last reported.
   * @internal
   */
  async applyChanges(
    target: PartyKind,
    changes: readonly RecordChange[],
    at: number,
    taxonomy?: Taxonomy,
  ): Promise<SegmentDelta[]> {
    if (changes.length === 0) return [];
    const context = await this.#context(taxonomy);
    const prepared: [SavedSegment, Prepared][] = [];
    for (const segment of context.segments.values()) {
      try {
        prepared.push([
          segment,
          this.#prepareWith(segment.query, segment.target, context, at, segment.id),
        ]);
      } catch {
        // Removals are refused while a segment uses a definition, so this is a segment made invalid
        // outside crmkit; it reports nothing rather than fail a write that has committed.
      }
    }
    const own = prepared.filter(([segment]) => segment.target === target);
    // From an account write, contact segments that read account fields may change too.
    const viaAccount =
      target === "account"
        ? prepared.filter(([segment, p]) => segment.target === "contact" && p.usesAccount)
        : [];
    if (own.length === 0 && viaAccount.length === 0) return [];
    // One context for every segment: accounts and teams are read once per write, not per segment.
    const load = await contextLoader(this.#deps.storage, {
      usesAccount: own.some(([, p]) => p.usesAccount),
      usesTeam: [...own, ...viaAccount].some(([, p]) => p.usesTeam),
    });
    const records = changes
      .flatMap((c) => [c.before, c.after])
      .filter((r): r is StoredRecord => r !== null);
    const ctx = await load(records);
    const deltas: SegmentDelta[] = [];
    const iso = toIsoInstant(at);
    const emit = (segment: SavedSegment, recordId: string, was: boolean, is: boolean) => {
      if (was === is) return;
      deltas.push({
        segmentId: segment.id,
        target: segment.target,
        recordId,
        at: iso,
        cause: "write",
        change: is ? "entered" : "left",
      });
    };
    for (const [segment, p] of own) {
      const evaluatedAt = Date.parse(segment.evaluatedAt);
      const predicateAt = this.#predicateCache(p, segment, context);
      for (const change of changes) {
        const was =
          change.before !== null &&
          predicateAt(lastReported(change.before, evaluatedAt))(change.before, ctx);
        const is = change.after !== null && p.predicate(change.after, ctx);
        emit(segment, (change.after ?? change.before)!.id, was, is);
      }
    }
    if (viaAccount.length > 0) {
      for (const change of changes) {
        const withAccount = (account: StoredRecord | null): EvaluationContext => ({
          account: () => account,
          teamOf: ctx.teamOf,
        });
        const before = withAccount(change.before);
        const after = withAccount(change.after);
        const accountId = (change.after ?? change.before)!.id;
        for await (const batch of this.#deps.storage.scan({
          collection: collections.contacts,
          index: "accountId",
          where: { eq: accountId },
        })) {
          for (const contact of batch) {
            for (const [segment, p] of viaAccount)
              emit(segment, contact.id, p.predicate(contact, before), p.predicate(contact, after));
          }
        }
      }
    }
    const journal = this.#journalOf(deltas);
    if (journal.length > 0) await this.#deps.storage.write(journal);
    this.#emit(deltas);
    return deltas;
  }

  /** The journal records of membership changes (automations start runs from them). */
  #journalOf(deltas: readonly SegmentDelta[]): WriteOperation[] {
    const journal = this.#deps.journal ?? noJournal;
    return deltas.flatMap(({ change, ...event }) => [
      ...journal(change === "entered" ? "segment.entered" : "segment.left", event),
    ]);
  }

  #predicateCache(
    prepared: Prepared,
    segment: SavedSegment,
    context: { taxonomy: Taxonomy; segments: ReadonlyMap<string, SavedSegment> },
  ) {
    const cache = new Map<number, Predicate>();
    return (instant: number): Predicate => {
      if (!prepared.usesClock) return prepared.predicate;
      let predicate = cache.get(instant);
      if (predicate === undefined) {
        predicate = this.#prepareWith(
          segment.query,
          segment.target,
          context,
          instant,
          segment.id,
        ).predicate;
        cache.set(instant, predicate);
      }
      return predicate;
    };
  }

  #emit(deltas: readonly SegmentDelta[]): void {
    for (const { change, ...event } of deltas) {
      this.#deps.events.emit(change === "entered" ? "segment.entered" : "segment.left", event);
    }
  }

  /**
   * Re-evaluates the saved segments that depend on the clock ("not updated for 90 days", "created
   * this quarter") at an instant, emits the membership changes that time alone caused since each
   * segment's `evaluatedAt`, and advances `evaluatedAt`. Call it from a scheduler (hourly, daily):
   * between calls nothing is lost, the next call reports everything.
   *
   * @param options.at - the instant to evaluate at (default: now)
   * @returns the changes, also emitted as `segment.entered` / `segment.left` with cause `clock`
   */
  async reevaluate(options: { readonly at?: number } = {}): Promise<SegmentDelta[]> {
    const at = options.at ?? this.#deps.environment.now();
    const context = await this.#context();
    const deltas: SegmentDelta[] = [];
    const iso = toIsoInstant(at);
    for (const segment of context.segments.values()) {
      const from = Date.parse(segment.evaluatedAt);
      if (at <= from) continue;
      let prepared: Prepared;
      try {
        prepared = this.#prepareWith(segment.query, segment.target, context, at, segment.id);
      } catch {
        continue;
      }
      if (!prepared.usesClock) continue;
      const predicateAt = this.#predicateCache(prepared, segment, context);
      // Candidates may not be narrowed by a clock-driven range: membership at two instants is compared.
      const plan = await planQuery(this.#deps.storage, segment.target, prepared.resolved, {
        clock: false,
        pushdown: true,
      });
      const load = await contextLoader(this.#deps.storage, prepared);
      const all = () => true;
      for await (const batch of streamMembers(
        this.#deps.storage,
        segment.target,
        plan,
        all,
        async () => ({ account: () => null, teamOf: () => undefined }),
        { examined: 0 },
        1_000,
      )) {
        const ctx = await load(batch);
        for (const record of batch) {
          const since = lastReported(record, from);
          if (since >= at) continue;
          const was = predicateAt(since)(record, ctx);
          const is = prepared.predicate(record, ctx);
          if (was !== is) {
            deltas.push({
              segmentId: segment.id,
              target: segment.target,
              recordId: record.id,
              at: iso,
              cause: "clock",
              change: is ? "entered" : "left",
            });
          }
        }
      }
      // Its membership changes are recorded with the new evaluatedAt, so none is lost or repeated.
      await this.#deps.storage.write([
        {
          type: "put",
          collection: collections.segments,
          record: { ...segment, evaluatedAt: iso } as never,
          expectedRevision: segment.revision,
        },
        ...this.#journalOf(deltas.filter((delta) => delta.segmentId === segment.id)),
      ]);
    }
    this.#emit(deltas);
    return deltas;
  }
}

function lastReported(record: StoredRecord, evaluatedAt: number): number {
  const updated = typeof record.updatedAt === "string" ? Date.parse(record.updatedAt) : Number.NaN;
  return Number.isNaN(updated) ? evaluatedAt : Math.max(updated, evaluatedAt);
}
