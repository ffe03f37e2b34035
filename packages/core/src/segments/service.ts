// Length: the segment verbs with their TSDoc; preparing, membership and input parsing are apart.

import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import type { EventBus, EventJournal } from "../events/index.js";
import {
  contextLoader,
  type ExplainNode,
  explainQuery,
  indexAnswersAlone,
  indexCandidates,
  type MembersPage,
  pageMembers,
  planQuery,
  queryReferences,
  resolveQuery,
  type SegmentQuery,
  segmentQuerySchema,
  streamMembers,
  toStorageCondition,
} from "../query/index.js";
import type { PartyKind, RecordChange, Taxonomy } from "../records/index.js";
import { collectionOf, revisionAfter } from "../records/index.js";
import type { StorageAdapter, StoredRecord } from "../storage/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import { savedInputSchema } from "./input.js";
import { SegmentMembership } from "./membership.js";
import { type Prepared, SegmentPreparer } from "./prepare.js";
import { segmentTable } from "./tables.js";
import type {
  EvaluateOptions,
  QueryValidation,
  SavedSegment,
  SavedSegmentInput,
  SegmentCount,
  SegmentDelta,
  SegmentEvents,
  SegmentSource,
} from "./types.js";

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
  readonly #preparer: SegmentPreparer;
  readonly #membership: SegmentMembership;

  /** Creates the service; use {@link createCrm} rather than calling this directly. */
  constructor(deps: SegmentServiceDeps) {
    this.#deps = deps;
    this.#preparer = new SegmentPreparer(deps.storage, deps.timezone);
    this.#membership = new SegmentMembership({ ...deps, preparer: this.#preparer });
  }

  async #prepare(source: SegmentSource, at: number | undefined): Promise<Prepared> {
    const context = await this.#preparer.context();
    const instant = at ?? this.#deps.environment.now();
    if (typeof source === "string") {
      const segment = context.segments.get(source);
      if (segment === undefined) {
        throw new CrmkitError("NOT_FOUND", `There is no saved segment "${source}".`, {
          details: { id: source },
        });
      }
      return this.#preparer.prepare(segment.query, segment.target, context, instant, segment.id);
    }
    const query = parseInput(segmentQuerySchema, source.query, "segment query");
    return this.#preparer.prepare(query, source.target ?? "contact", context, instant);
  }

  /**
   * Checks a query against the workspace without evaluating it.
   * @returns `{ ok: true }`, or the problems, each with the path of the bad node
   */
  async validate(query: unknown, target: PartyKind = "contact"): Promise<QueryValidation> {
    try {
      const parsed = parseInput(segmentQuerySchema, query, "segment query");
      const context = await this.#preparer.context();
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
    const storage = this.#deps.storage;
    const collection = collectionOf(prepared.target);
    const pushdown = options.pushdown ?? true;
    // A query the storage decides alone with no index to choose: the plan's own counts and the
    // answer run side by side (a server runs both scans at once).
    const whole =
      pushdown && storage.countMatching !== undefined
        ? toStorageCondition(prepared.resolved)
        : null;
    const noIndex = indexCandidates(prepared.resolved, true);
    if (whole?.exact && Array.isArray(noIndex) && noIndex.length === 0) {
      const [plan, count] = await Promise.all([
        planQuery(storage, prepared.target, prepared.resolved, { clock: true, pushdown }),
        storage.countMatching!({ collection }, whole.condition),
      ]);
      return { count, examined: 0, plan };
    }
    const plan = await planQuery(storage, prepared.target, prepared.resolved, {
      clock: true,
      pushdown,
    });
    // Counts nothing has to read: the storage evaluates the whole query, or the index entries
    // are the members.
    if (plan.strategy === "storage" && plan.exact) {
      // One range narrows the count; several could list a record twice (a tag index): the exact
      // condition alone then decides, over the collection.
      const narrowed =
        plan.index === undefined || plan.ranges.length !== 1
          ? {}
          : { index: plan.index, where: plan.ranges[0]! };
      const count = await storage.countMatching!({ collection, ...narrowed }, plan.condition!);
      return { count, examined: 0, plan };
    }
    if (indexAnswersAlone(storage, collection, prepared.resolved, plan)) {
      let count = 0;
      for (const where of plan.ranges)
        count += await storage.count({ collection, index: plan.index!, where });
      return { count, examined: 0, plan };
    }
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
    const all = await segmentTable.all(this.#deps.storage);
    return target === undefined ? all : all.filter((segment) => segment.target === target);
  }

  /** Reads a saved segment, or `null`. */
  async get(id: string): Promise<SavedSegment | null> {
    return segmentTable.get(this.#deps.storage, id);
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
    const [outcome] = await this.#deps.storage.write([segmentTable.put(record, 0)]);
    return { ...record, revision: revisionAfter(outcome) };
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
      z.partial(z.omit(savedInputSchema, { id: true, target: true })),
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
      segmentTable.put(record, options.expectedRevision ?? current.revision),
    ]);
    return { ...record, revision: revisionAfter(outcome) };
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
    await this.#deps.storage.write([segmentTable.remove(id, options.expectedRevision)]);
  }

  async #check(record: Omit<SavedSegment, "revision">): Promise<void> {
    const context = await this.#preparer.context();
    const segments = new Map(context.segments);
    segments.set(record.id, { ...record, revision: 0 });
    this.#preparer.prepare(
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
  applyChanges(
    target: PartyKind,
    changes: readonly RecordChange[],
    at: number,
    taxonomy?: Taxonomy,
  ): Promise<SegmentDelta[]> {
    return this.#membership.applyChanges(target, changes, at, taxonomy);
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
  reevaluate(options: { readonly at?: number } = {}): Promise<SegmentDelta[]> {
    return this.#membership.reevaluate(options);
  }
}
