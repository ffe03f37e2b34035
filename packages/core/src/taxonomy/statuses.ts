import { CrmkitError } from "../errors.js";
import { queryReferences, replaceQueryIds } from "../query/index.js";
import type { StatusDefinition } from "../records/index.js";
import { tables } from "../records/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import { DefinitionService } from "./definitions.js";
import { type RemoveOptions, type StatusInput, statusInput } from "./inputs.js";

/** Statuses: defaults plus the workspace's own. */
export class StatusService extends DefinitionService {
  /** Lists the statuses. */
  async list(): Promise<StatusDefinition[]> {
    return tables.statuses.all(this.deps.storage);
  }

  /**
   * Adds a status.
   * @throws CrmkitError `VALIDATION_FAILED`, `REVISION_CONFLICT` when the id is taken
   */
  async create(input: StatusInput): Promise<StatusDefinition> {
    const parsed = parseInput(statusInput, input, "status");
    const now = this.now();
    return this.insert(tables.statuses, {
      ...parsed,
      id: parsed.id ?? this.deps.environment.newId(),
      builtIn: false,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Renames or recolours a status; records are untouched (they hold its id). */
  async update(
    id: string,
    patch: { readonly name?: string; readonly color?: string },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<StatusDefinition> {
    const parsed = parseInput(z.partial(z.omit(statusInput, { id: true })), patch, "status");
    return this.rename(tables.statuses, "status", id, parsed, options.expectedRevision);
  }

  /**
   * Removes a status. In use, it is refused with `IN_USE` and the count of records and segments
   * using it, unless `replaceWith` names the status they move to, atomically.
   * @throws CrmkitError `NOT_FOUND`, `IN_USE`, `VALIDATION_FAILED` for a bad replacement
   */
  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    await this.require(tables.statuses, id, "status");
    const replacement = options.replaceWith;
    if (replacement !== undefined) {
      if (replacement === id)
        throw new CrmkitError("VALIDATION_FAILED", "A status cannot replace itself.", {
          details: { path: ["replaceWith"] },
        });
      await this.require(tables.statuses, replacement, "status");
    }
    const records = await this.recordsWith("status", [id]);
    const segments = (await this.savedSegments()).filter((segment) =>
      queryReferences(segment.query).statuses.has(id),
    );
    await this.migrate(
      "Status",
      id,
      records,
      segments,
      replacement === undefined ? undefined : (record) => ({ ...record, status: replacement }),
      replacement === undefined
        ? undefined
        : (segment) => ({
            ...segment,
            query: replaceQueryIds(segment.query, "status", id, replacement),
          }),
      [tables.statuses.remove(id)],
    );
  }
}
