import { queryReferences } from "../query/index.js";
import type { CustomFieldDefinition, PartyKind } from "../records/index.js";
import { collectionOf, tables } from "../records/index.js";
import type { StoredRecord } from "../storage/index.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import { DefinitionService } from "./definitions.js";
import { type CustomFieldInput, fieldInput } from "./inputs.js";

/** Custom field definitions of contacts and accounts. */
export class CustomFieldService extends DefinitionService {
  /** Lists the definitions, optionally of one target. */
  async list(target?: PartyKind): Promise<CustomFieldDefinition[]> {
    const fields = await tables.customFields.all(this.deps.storage);
    return target === undefined ? fields : fields.filter((field) => field.target === target);
  }

  /**
   * Declares a custom field. From then on, writes are validated against it; a `required` field
   * applies to every later write of the target's records.
   * @throws CrmkitError `VALIDATION_FAILED`, `REVISION_CONFLICT` when the key is taken
   */
  async create(input: CustomFieldInput): Promise<CustomFieldDefinition> {
    const parsed = parseInput(fieldInput, input, "custom field");
    const now = this.now();
    return this.insert(tables.customFields, {
      ...parsed,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Changes a definition's label, required flag or enum options. Its key and type never change. */
  async update(
    id: string,
    patch: {
      readonly label?: string;
      readonly required?: boolean;
      readonly options?: readonly string[];
    },
    options: { readonly expectedRevision?: number } = {},
  ): Promise<CustomFieldDefinition> {
    const parsed = parseInput(
      z.partial(
        z.strictObject({
          label: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
          required: z.boolean(),
          options: z
            .array(z.string().check(z.minLength(1), z.maxLength(100)))
            .check(z.minLength(1), z.maxLength(500)),
        }),
      ),
      patch,
      "custom field",
    );
    return this.rename(tables.customFields, "custom field", id, parsed, options.expectedRevision);
  }

  /**
   * Removes a definition. Refused with `IN_USE` while saved segments test the field, or while
   * records hold values for it unless `dropValues` is true, in which case the values are removed
   * atomically with the definition.
   */
  async remove(id: string, options: { readonly dropValues?: boolean } = {}): Promise<void> {
    const field = await this.require(tables.customFields, id, "custom field");
    const collection = collectionOf(field.target);
    const records: [PartyKind, StoredRecord][] = [];
    for await (const batch of this.deps.storage.scan({ collection, batchSize: 1_000 })) {
      for (const record of batch)
        if (
          typeof record.custom === "object" &&
          record.custom !== null &&
          Object.hasOwn(record.custom, id)
        )
          records.push([field.target, record]);
    }
    const names =
      field.target === "contact" ? [`custom.${id}`] : [`custom.${id}`, `account.custom.${id}`];
    const segments = (await this.savedSegments()).filter((segment) => {
      const fields = queryReferences(segment.query).fields;
      return names.some((name) => fields.has(name));
    });
    await this.migrate(
      "Custom field",
      id,
      records,
      segments,
      options.dropValues
        ? (record) => {
            const { [id]: _dropped, ...custom } = record.custom as Record<string, never>;
            return { ...record, custom };
          }
        : undefined,
      undefined,
      [tables.customFields.remove(id)],
    );
  }
}
