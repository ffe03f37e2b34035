import type { Environment } from "../environment.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { type Identified, revised, type Table, type Unrevised } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";

/** What the directory repositories are built on. */
export interface DirectoryDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
}

/** A directory record: an id, and when it was created and last written. */
export interface Stamped extends Identified {
  /** When it was created (ISO 8601). */
  readonly createdAt: string;
  /** When it was last written (ISO 8601). */
  readonly updatedAt: string;
}

/** The id and stamps a repository gives a record it builds. */
export interface Stamps {
  /** The record's id; `undefined` takes the input's or a new one. */
  readonly id: string | undefined;
  /** When the record was created (ISO 8601). */
  readonly createdAt: string;
  /** When it is written now (ISO 8601). */
  readonly updatedAt: string;
}

/** The shared part of the user and team repositories. */
export abstract class SimpleRepository<Entity extends Stamped, Input> {
  /** @internal */
  protected readonly deps: DirectoryDeps;
  /** @internal */
  protected abstract readonly table: Table<Entity>;
  /** @internal */
  protected abstract readonly what: string;

  /** @internal */
  constructor(deps: DirectoryDeps) {
    this.deps = deps;
  }

  /**
   * Validates `input` (the host's, or a record merged with a patch) and builds the record to
   * write with the given id (generated when `undefined` and the input has none) and stamps.
   * @internal
   */
  protected abstract build(input: unknown, what: string, stamps: Stamps): Unrevised<Entity>;

  /** @internal */
  protected abstract checkReferences(record: Unrevised<Entity>): Promise<void>;

  /** Parsed input with the record's id (given, or the input's, or a new one) and its stamps. @internal */
  protected stamped<Parsed extends { readonly id?: string }>(
    parsed: Parsed,
    stamps: Stamps,
  ): Parsed & { id: string; createdAt: string; updatedAt: string } {
    return {
      ...parsed,
      id: stamps.id ?? parsed.id ?? this.deps.environment.newId(),
      createdAt: stamps.createdAt,
      updatedAt: stamps.updatedAt,
    };
  }

  /**
   * Refuses a reference to a record that does not exist, at the path of the referencing field.
   * @internal
   */
  protected async requireReferenced(
    id: string | undefined,
    table: Table<Identified>,
    what: string,
    field: string,
  ): Promise<void> {
    if (id === undefined || (await table.get(this.deps.storage, id)) !== null) return;
    throw new CrmkitError("VALIDATION_FAILED", `There is no ${what} "${id}".`, {
      details: { path: [field] },
    });
  }

  /** Lists every record. */
  async list(): Promise<Entity[]> {
    return this.table.all(this.deps.storage);
  }

  /** Reads one record, or `null`. */
  async get(id: string): Promise<Entity | null> {
    return this.table.get(this.deps.storage, id);
  }

  /**
   * Creates a record.
   * @throws CrmkitError `VALIDATION_FAILED`, `UNIQUE_VIOLATION`
   */
  async create(input: Input): Promise<Entity> {
    const now = toIsoInstant(this.deps.environment.now());
    const record = this.build(input, this.what, { id: undefined, createdAt: now, updatedAt: now });
    await this.checkReferences(record);
    const [outcome] = await this.deps.storage.write([this.table.put(record, 0)]);
    return revised(record, outcome);
  }

  /**
   * Updates a record; `null` clears an optional field.
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED`, `REVISION_CONFLICT`
   */
  async update(
    id: string,
    patch: Readonly<Record<string, unknown>>,
    options: { readonly expectedRevision?: number } = {},
  ): Promise<Entity> {
    const current = await this.table.get(this.deps.storage, id);
    if (current === null)
      throw new CrmkitError("NOT_FOUND", `There is no ${this.what} "${id}".`, { details: { id } });
    // The patch over the record; `null` clears a field; the stamps are the repository's.
    const rest = Object.fromEntries(
      Object.entries({ ...current, ...patch }).filter(
        ([key, value]) => value !== null && !["revision", "createdAt", "updatedAt"].includes(key),
      ),
    );
    const record = this.build(rest, `${this.what} update`, {
      id,
      createdAt: current.createdAt,
      updatedAt: toIsoInstant(this.deps.environment.now()),
    });
    await this.checkReferences(record);
    const [outcome] = await this.deps.storage.write([
      this.table.put(record, options.expectedRevision ?? current.revision),
    ]);
    return revised(record, outcome);
  }
}
