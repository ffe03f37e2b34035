import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import type { EventBus } from "../events/index.js";
import { type EventJournal, noJournal } from "../events/index.js";
import { contextLoader, type EvaluationContext, planQuery, streamMembers } from "../query/index.js";
import { type PartyKind, type RecordChange, type Taxonomy, tables } from "../records/index.js";
import type { StorageAdapter, StoredRecord, WriteOperation } from "../storage/index.js";
import type { Prepared, SegmentContext, SegmentPreparer } from "./prepare.js";
import { segmentTable } from "./tables.js";
import type { SavedSegment, SegmentDelta, SegmentEvents } from "./types.js";

/** What membership tracking is built on. */
export interface MembershipDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  readonly events: Pick<EventBus<SegmentEvents>, "emit">;
  readonly journal?: EventJournal;
  readonly preparer: SegmentPreparer;
}

/**
 * The instant a record's membership was last reported: the later of the segment's `evaluatedAt`
 * and the record's `updatedAt`.
 */
function lastReported(record: StoredRecord, evaluatedAt: number): number {
  const updated = typeof record.updatedAt === "string" ? Date.parse(record.updatedAt) : Number.NaN;
  return Number.isNaN(updated) ? evaluatedAt : Math.max(updated, evaluatedAt);
}

/** Membership changes of saved segments: after writes, and as time passes. */
export class SegmentMembership {
  readonly #deps: MembershipDeps;

  constructor(deps: MembershipDeps) {
    this.#deps = deps;
  }

  /** The saved segments that compile, each with its prepared query, at `at`. */
  #preparedAll(
    segments: Iterable<SavedSegment>,
    context: SegmentContext,
    at: number,
  ): [SavedSegment, Prepared][] {
    const prepared: [SavedSegment, Prepared][] = [];
    for (const segment of segments) {
      try {
        prepared.push([
          segment,
          this.#deps.preparer.prepare(segment.query, segment.target, context, at, segment.id),
        ]);
      } catch {
        // Removals are refused while a segment uses a definition, so this is a segment made invalid
        // outside crmkit; it reports nothing rather than fail a write that has committed.
      }
    }
    return prepared;
  }

  /** See {@link SegmentService.applyChanges}. */
  async applyChanges(
    target: PartyKind,
    changes: readonly RecordChange[],
    at: number,
    taxonomy?: Taxonomy,
  ): Promise<SegmentDelta[]> {
    if (changes.length === 0) return [];
    const context = await this.#deps.preparer.context(taxonomy);
    const prepared = this.#preparedAll(context.segments.values(), context, at);
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
    const changedFields = changes.map(fieldsChanged);
    for (const [segment, p] of own) {
      const evaluatedAt = Date.parse(segment.evaluatedAt);
      const predicateAt = this.#deps.preparer.predicateAt(p, segment, context);
      for (const [index, change] of changes.entries()) {
        // A write that changes no field the query reads cannot move the record in or out.
        const changed = changedFields[index];
        if (!p.usesClock && p.reads !== undefined && changed !== undefined)
          if (![...changed].some((field) => p.reads!.has(field))) continue;
        const was =
          change.before !== null &&
          predicateAt(lastReported(change.before, evaluatedAt))(change.before, ctx);
        const is = change.after !== null && p.predicate(change.after, ctx);
        emit(segment, (change.after ?? change.before)!.id, was, is);
      }
    }
    for (const change of viaAccount.length > 0 ? changes : []) {
      const withAccount = (account: StoredRecord | null): EvaluationContext => ({
        account: () => account,
        teamOf: ctx.teamOf,
      });
      const before = withAccount(change.before);
      const after = withAccount(change.after);
      const accountId = (change.after ?? change.before)!.id;
      for await (const batch of this.#deps.storage.scan({
        collection: tables.contacts.name,
        index: "accountId",
        where: { eq: accountId },
      })) {
        for (const contact of batch) {
          for (const [segment, p] of viaAccount)
            emit(segment, contact.id, p.predicate(contact, before), p.predicate(contact, after));
        }
      }
    }
    const journal = this.#journalOf(deltas);
    if (journal.length > 0) await this.#deps.storage.write(journal);
    this.#emit(deltas);
    return deltas;
  }

  /** See {@link SegmentService.reevaluate}. */
  async reevaluate(options: { readonly at?: number } = {}): Promise<SegmentDelta[]> {
    const at = options.at ?? this.#deps.environment.now();
    const context = await this.#deps.preparer.context();
    const deltas: SegmentDelta[] = [];
    const candidates = [...context.segments.values()].filter(
      (segment) => at > Date.parse(segment.evaluatedAt),
    );
    for (const [segment, prepared] of this.#preparedAll(candidates, context, at)) {
      if (!prepared.usesClock) continue;
      const changed = await this.#clockChanges(segment, prepared, context, at);
      deltas.push(...changed);
      // Its membership changes are recorded with the new evaluatedAt, so none is lost or repeated.
      await this.#deps.storage.write([
        segmentTable.put({ ...segment, evaluatedAt: toIsoInstant(at) }, segment.revision),
        ...this.#journalOf(changed),
      ]);
    }
    this.#emit(deltas);
    return deltas;
  }

  /** The members of one clock-driven segment that time alone moved in or out since it was reported. */
  async #clockChanges(
    segment: SavedSegment,
    prepared: Prepared,
    context: SegmentContext,
    at: number,
  ): Promise<SegmentDelta[]> {
    const from = Date.parse(segment.evaluatedAt);
    const predicateAt = this.#deps.preparer.predicateAt(prepared, segment, context);
    // Candidates may not be narrowed by a clock-driven range: membership at two instants is compared.
    const plan = await planQuery(this.#deps.storage, segment.target, prepared.resolved, {
      clock: false,
      pushdown: true,
    });
    const load = await contextLoader(this.#deps.storage, prepared);
    const deltas: SegmentDelta[] = [];
    const iso = toIsoInstant(at);
    for await (const batch of streamMembers(
      this.#deps.storage,
      segment.target,
      plan,
      () => true,
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
        if (was === is) continue;
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
    return deltas;
  }

  /** The journal records of membership changes (automations start runs from them). */
  #journalOf(deltas: readonly SegmentDelta[]): WriteOperation[] {
    const journal = this.#deps.journal ?? noJournal;
    return deltas.flatMap(({ change, ...event }) => [
      ...journal(change === "entered" ? "segment.entered" : "segment.left", event),
    ]);
  }

  #emit(deltas: readonly SegmentDelta[]): void {
    for (const { change, ...event } of deltas) {
      this.#deps.events.emit(change === "entered" ? "segment.entered" : "segment.left", event);
    }
  }
}

/** The top-level fields a change touched; `undefined` for a creation or a removal. */
function fieldsChanged(change: RecordChange): ReadonlySet<string> | undefined {
  const { before, after } = change;
  if (before === null || after === null) return undefined;
  const out = new Set<string>();
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
    if (
      key !== "revision" &&
      (Object.hasOwn(before, key) ? JSON.stringify(before[key]) : undefined) !==
        (Object.hasOwn(after, key) ? JSON.stringify(after[key]) : undefined)
    )
      out.add(key);
  return out;
}
