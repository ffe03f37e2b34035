import { validationError } from "../errors.js";
import {
  compileQuery,
  fieldsRead,
  type Predicate,
  type QueryEnvironment,
  type ResolvedQuery,
  resolveQuery,
  type SegmentQuery,
} from "../query/index.js";
import {
  Held,
  loadTaxonomy,
  type PartyKind,
  type Taxonomy,
  taxonomyCollections,
} from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { segmentTable } from "./tables.js";
import type { SavedSegment } from "./types.js";

/** A query resolved against the workspace and compiled, with what its evaluation needs. */
export interface Prepared {
  readonly target: PartyKind;
  readonly query: SegmentQuery;
  readonly resolved: ResolvedQuery;
  readonly predicate: Predicate;
  readonly env: QueryEnvironment;
  readonly usesClock: boolean;
  readonly usesAccount: boolean;
  readonly usesTeam: boolean;
  /** The record's fields the query reads (see `fieldsRead`); `undefined` for more than those. */
  readonly reads: ReadonlySet<string> | undefined;
}

/** The definitions a query is resolved against: the taxonomy and the saved segments. */
export interface SegmentContext {
  readonly taxonomy: Taxonomy;
  readonly segments: ReadonlyMap<string, SavedSegment>;
}

/** Resolves and compiles segment queries against the workspace's definitions. */
export class SegmentPreparer {
  readonly #storage: StorageAdapter;
  readonly #timezone: string;
  /** The definitions, held between writes to them. */
  readonly #definitions: Held<SegmentContext>;

  constructor(storage: StorageAdapter, timezone: string) {
    this.#storage = storage;
    this.#timezone = timezone;
    this.#definitions = new Held(storage, [segmentTable.name, ...taxonomyCollections], () =>
      this.#load(),
    );
  }

  /** The definitions (the taxonomy may be given when the caller already has it). */
  async context(known?: Taxonomy): Promise<SegmentContext> {
    const context = await this.#definitions.get();
    return known === undefined ? context : { ...context, taxonomy: known };
  }

  async #load(known?: Taxonomy): Promise<SegmentContext> {
    const [taxonomy, saved] = await Promise.all([
      known ?? loadTaxonomy(this.#storage),
      segmentTable.all(this.#storage),
    ]);
    return { taxonomy, segments: new Map(saved.map((segment) => [segment.id, segment])) };
  }

  /**
   * Resolves and compiles `query` at instant `at`; `self` is the saved segment being checked, so
   * an `inSegment` cycle back to it is found.
   * @throws CrmkitError `VALIDATION_FAILED` with every problem of the query
   */
  prepare(
    query: SegmentQuery,
    target: PartyKind,
    context: SegmentContext,
    at: number,
    self?: string,
  ): Prepared {
    const env: QueryEnvironment = {
      target,
      taxonomy: context.taxonomy,
      segments: context.segments,
      at,
      timezone: this.#timezone,
      ...(self === undefined ? {} : { self }),
    };
    const resolution = resolveQuery(query, env);
    if (resolution.query === undefined) throw validationError("segment query", resolution.issues);
    return {
      target,
      query,
      resolved: resolution.query,
      predicate: compileQuery(resolution.query),
      env,
      usesClock: resolution.usesClock,
      usesAccount: resolution.usesAccount,
      usesTeam: resolution.usesTeam,
      reads: fieldsRead(resolution.query),
    };
  }

  /** A saved segment's predicate at any instant, compiled once per instant. */
  predicateAt(
    prepared: Prepared,
    segment: SavedSegment,
    context: SegmentContext,
  ): (instant: number) => Predicate {
    const cache = new Map<number, Predicate>();
    return (instant) => {
      if (!prepared.usesClock) return prepared.predicate;
      let predicate = cache.get(instant);
      if (predicate === undefined) {
        predicate = this.prepare(
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
}
