import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { addTagsTo } from "../parties/index.js";
import { queryReferences, replaceQueryIds } from "../query/index.js";
import type {
  ChangeHook,
  Identified,
  PartyKind,
  RecordChange,
  Revised,
  Table,
  Unrevised,
} from "../records/index.js";
import { collectionOf, loadTaxonomy, revisionAfter } from "../records/index.js";
import { type SavedSegment, segmentTable } from "../segments/index.js";
import type { StorageAdapter, StoredRecord, WriteOperation } from "../storage/index.js";

/** What the definition services are built on. */
export interface DefinitionDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
  /** Where the migrated records' changes go (segment membership reacts to them). */
  readonly hook: ChangeHook;
}

/** Shared plumbing of the definition services. */
export abstract class DefinitionService {
  /** @internal */
  protected readonly deps: DefinitionDeps;

  /** The saved segments, read from storage: a removal must know which of them name a definition. */
  protected savedSegments(): Promise<SavedSegment[]> {
    return segmentTable.all(this.deps.storage);
  }

  /** @internal */
  constructor(deps: DefinitionDeps) {
    this.deps = deps;
  }

  /** @internal */
  protected now(): string {
    return toIsoInstant(this.deps.environment.now());
  }

  /** @internal */
  protected async insert<T extends Identified>(
    table: Table<T>,
    record: Unrevised<T>,
  ): Promise<Revised<Unrevised<T>>> {
    const [outcome] = await this.deps.storage.write([table.put(record, 0)]);
    return { ...record, revision: revisionAfter(outcome) };
  }

  /** @internal */
  protected async require<T extends Identified>(
    table: Table<T>,
    id: string,
    what: string,
  ): Promise<Revised<T>> {
    const found = await table.get(this.deps.storage, id);
    if (found === null)
      throw new CrmkitError("NOT_FOUND", `There is no ${what} "${id}".`, {
        details: { id, collection: table.name },
      });
    return found;
  }

  /** @internal */
  protected async rename<T extends Identified & { readonly updatedAt: string }>(
    table: Table<T>,
    what: string,
    id: string,
    patch: Partial<T>,
    expectedRevision?: number,
  ): Promise<Revised<T>> {
    const current = await this.require(table, id, what);
    const record: Revised<T> = { ...current, ...patch, updatedAt: this.now() };
    const [outcome] = await this.deps.storage.write([
      table.put(record, expectedRevision ?? current.revision),
    ]);
    return { ...record, revision: revisionAfter(outcome) };
  }

  /** Reads the records of both kinds selected by an index key. @internal */
  protected async recordsWith(
    index: string,
    keys: readonly string[],
  ): Promise<[PartyKind, StoredRecord][]> {
    const out: [PartyKind, StoredRecord][] = [];
    const seen = new Set<string>();
    for (const kind of ["contact", "account"] as const) {
      const collection = collectionOf(kind);
      for (const key of keys) {
        for await (const batch of this.deps.storage.scan({
          collection,
          index,
          where: { eq: key },
        })) {
          for (const record of batch) {
            if (seen.has(`${kind}:${record.id}`)) continue;
            seen.add(`${kind}:${record.id}`);
            out.push([kind, record]);
          }
        }
      }
    }
    return out;
  }

  /**
   * Applies a removal: refuses it with `IN_USE` when records or segments use the definition and no
   * migration is possible, otherwise writes the migration and the deletion in one atomic batch and
   * reports the membership changes.
   * @internal
   */
  protected async migrate(
    what: string,
    id: string,
    records: readonly [PartyKind, StoredRecord][],
    segments: readonly SavedSegment[],
    change: ((record: StoredRecord) => StoredRecord) | undefined,
    rewrite: ((segment: SavedSegment) => SavedSegment) | undefined,
    deletions: readonly WriteOperation[],
  ): Promise<void> {
    const usedBy = {
      contacts: records.filter(([kind]) => kind === "contact").length,
      accounts: records.filter(([kind]) => kind === "account").length,
      segments: segments.length,
    };
    const count = usedBy.contacts + usedBy.accounts + usedBy.segments;
    if (
      (records.length > 0 && change === undefined) ||
      (segments.length > 0 && rewrite === undefined)
    ) {
      throw new CrmkitError(
        "IN_USE",
        `${what} "${id}" is used by ${usedBy.contacts} contact(s), ${usedBy.accounts} account(s) and ${usedBy.segments} saved segment(s); give a replacement to migrate them.`,
        {
          details: { id, count, usedBy },
        },
      );
    }
    const now = this.now();
    const changes: Record<PartyKind, RecordChange[]> = { contact: [], account: [] };
    const operations: WriteOperation[] = [];
    for (const [kind, record] of records) {
      const after = { ...change!(record), updatedAt: now };
      operations.push({
        type: "put",
        collection: collectionOf(kind),
        record: after,
        expectedRevision: record.revision,
      });
      changes[kind].push({ before: record, after: { ...after, revision: record.revision + 1 } });
    }
    for (const segment of segments) {
      operations.push(segmentTable.put({ ...rewrite!(segment), updatedAt: now }, segment.revision));
    }
    operations.push(...deletions);
    await this.deps.storage.write(operations);
    const at = this.deps.environment.now();
    for (const kind of ["contact", "account"] as const)
      await this.deps.hook.committed({
        collection: collectionOf(kind),
        changes: changes[kind],
        at,
      });
  }

  /**
   * Removes tags from records and saved segments, replacing them with `replacement` when given, and
   * applies `deletions`, all in one batch (see `migrate`). Segments that test `category` itself
   * have nothing to be rewritten to, so they keep the removal refused.
   */
  protected async retireTags(
    what: string,
    id: string,
    removed: readonly string[],
    replacement: string | undefined,
    category: string | undefined,
    deletions: readonly WriteOperation[],
  ): Promise<void> {
    const taxonomy = await loadTaxonomy(this.deps.storage);
    const records = await this.recordsWith("tags", removed);
    const testsCategory = (segment: SavedSegment) =>
      category !== undefined && queryReferences(segment.query).categories.has(category);
    const segments = (await this.savedSegments()).filter(
      (segment) =>
        testsCategory(segment) ||
        removed.some((tag) => queryReferences(segment.query).tags.has(tag)),
    );
    await this.migrate(
      what,
      id,
      records,
      segments,
      replacement === undefined
        ? undefined
        : (record) => ({
            ...record,
            tags: addTagsTo(
              (record.tags as string[]).filter((tag) => !removed.includes(tag)),
              [replacement],
              taxonomy,
            ),
          }),
      replacement === undefined || segments.some(testsCategory)
        ? undefined
        : (segment) => ({
            ...segment,
            query: removed.reduce(
              (query, tag) => replaceQueryIds(query, "tag", tag, replacement),
              segment.query,
            ),
          }),
      deletions,
    );
  }
}
