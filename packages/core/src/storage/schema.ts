import { CrmkitError } from "../errors.js";
import { parseInput } from "../validation.js";
import * as z from "../zod.js";
import type { CollectionDefinition, IndexDefinition, StorageSchema } from "./types.js";

const name = z
  .string()
  .check(
    z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "use letters, digits and _, starting with a letter"),
  );

const indexDefinitionSchema = z.strictObject({
  name,
  path: z
    .string()
    .check(z.regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, "use a dotted path of field names")),
  unique: z.optional(z.boolean()),
  multiEntry: z.optional(z.boolean()),
});

const collectionDefinitionSchema = z.strictObject({
  name,
  indexes: z.optional(z.array(indexDefinitionSchema)).check(
    z.superRefine((indexes, ctx) => {
      const seen = new Set<string>();
      for (const [position, index] of (indexes ?? []).entries()) {
        if (seen.has(index.name)) {
          ctx.addIssue({
            code: "custom",
            message: `duplicate index name "${index.name}"`,
            path: [position, "name"],
          });
        }
        seen.add(index.name);
      }
    }),
  ),
});

const storageSchemaSchema = z.strictObject({
  version: z.number().check(z.int(), z.gte(1)),
  collections: z.array(collectionDefinitionSchema).check(
    z.superRefine((collections, ctx) => {
      const seen = new Set<string>();
      for (const [position, collection] of collections.entries()) {
        if (seen.has(collection.name)) {
          ctx.addIssue({
            code: "custom",
            message: `duplicate collection name "${collection.name}"`,
            path: [position, "name"],
          });
        }
        seen.add(collection.name);
      }
    }),
  ),
});

/** An index definition with its defaults applied. */
export interface ResolvedIndex {
  /** The index name. */
  readonly name: string;
  /** The dotted path of the indexed field. */
  readonly path: string;
  /** The path split into field names. */
  readonly segments: readonly string[];
  /** Whether keys are unique across records. */
  readonly unique: boolean;
  /** Whether an array value yields one key per element. */
  readonly multiEntry: boolean;
}

/** A collection definition with its indexes resolved and looked up by name. */
export interface ResolvedCollection {
  /** The collection name. */
  readonly name: string;
  /** The indexes, in declaration order. */
  readonly indexes: readonly ResolvedIndex[];
  /** The indexes by name. */
  readonly indexByName: ReadonlyMap<string, ResolvedIndex>;
}

/**
 * A validated schema with fast look-ups, shared by every adapter so that they all interpret
 * definitions the same way.
 */
export interface SchemaCatalog {
  /** The schema as given (validated). */
  readonly schema: StorageSchema;
  /** The collections by name. */
  readonly collections: ReadonlyMap<string, ResolvedCollection>;
  /**
   * Looks up a collection.
   * @throws CrmkitError `VALIDATION_FAILED` when it is not in the schema
   */
  collection(name: string, path?: readonly (string | number)[]): ResolvedCollection;
  /**
   * Looks up an index of a collection.
   * @throws CrmkitError `VALIDATION_FAILED` when it is not declared
   */
  index(collection: ResolvedCollection, name: string): ResolvedIndex;
}

/**
 * Validates a storage schema and returns it unchanged (typed), so that a definition error is found
 * where the schema is written rather than when a store is opened.
 *
 * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad definition
 * @example
 * ```ts
 * const schema = defineStorageSchema({
 *   version: 1,
 *   collections: [
 *     { name: "contacts", indexes: [
 *       { name: "email", path: "email", unique: true },
 *       { name: "tags", path: "tags", multiEntry: true },
 *     ] },
 *   ],
 * });
 * ```
 */
export function defineStorageSchema<const Schema extends StorageSchema>(schema: Schema): Schema {
  parseInput(storageSchemaSchema, schema, "storage schema");
  return schema;
}

/**
 * Validates a schema and builds its {@link SchemaCatalog}. Adapters call this when they open.
 *
 * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad definition
 */
export function createSchemaCatalog(schema: StorageSchema): SchemaCatalog {
  parseInput(storageSchemaSchema, schema, "storage schema");
  const collections = new Map<string, ResolvedCollection>();
  for (const definition of schema.collections) {
    collections.set(definition.name, resolveCollection(definition));
  }
  return {
    schema,
    collections,
    collection(collectionName, path = ["collection"]) {
      const found = collections.get(collectionName);
      if (found) return found;
      throw new CrmkitError(
        "VALIDATION_FAILED",
        `Unknown collection "${collectionName}": it is not declared in the storage schema.`,
        { details: { path, collection: collectionName } },
      );
    },
    index(collection, indexName) {
      const found = collection.indexByName.get(indexName);
      if (found) return found;
      throw new CrmkitError(
        "VALIDATION_FAILED",
        `Unknown index "${indexName}" on collection "${collection.name}".`,
        { details: { path: ["index"], collection: collection.name, index: indexName } },
      );
    },
  };
}

function resolveCollection(definition: CollectionDefinition): ResolvedCollection {
  const indexes = (definition.indexes ?? []).map(resolveIndex);
  return {
    name: definition.name,
    indexes,
    indexByName: new Map(indexes.map((index) => [index.name, index])),
  };
}

function resolveIndex(definition: IndexDefinition): ResolvedIndex {
  return {
    name: definition.name,
    path: definition.path,
    segments: definition.path.split("."),
    unique: definition.unique ?? false,
    multiEntry: definition.multiEntry ?? false,
  };
}

/** Tells whether two index definitions index the same keys the same way. */
export function sameIndexDefinition(a: IndexDefinition, b: IndexDefinition): boolean {
  return (
    a.path === b.path &&
    (a.unique ?? false) === (b.unique ?? false) &&
    (a.multiEntry ?? false) === (b.multiEntry ?? false)
  );
}
