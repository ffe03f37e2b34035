import { CrmkitError, type PathSegment } from "../errors.js";
import { reservedKeyMessage, textProblem } from "../text.js";
import { parseShape, type Shaped, wellFormed } from "./batch-shape.js";
import { extractIndexKeys } from "./keys.js";
import type { ResolvedCollection, SchemaCatalog } from "./schema.js";
import type { IndexKey, JsonValue, RecordDraft, WriteOperation } from "./types.js";

/**
 * The longest string an index holds, in UTF-16 code units: every adapter can key it (a PostgreSQL
 * B-tree entry holds the key and the record id in about 2.7 KB). Longer values are refused.
 */
export const maxIndexKeyLength = 512;

/** A validated put, with the record copied and its index keys computed. */
export interface PreparedPut {
  /** The operation kind. */
  readonly type: "put";
  /** The operation's position in the batch. */
  readonly opIndex: number;
  /** The collection written. */
  readonly collection: ResolvedCollection;
  /** The record id. */
  readonly id: string;
  /** A private deep copy of the record (its objects and arrays frozen); the adapter sets `revision` before storing it. */
  readonly record: RecordDraft;
  /** The record's keys in each index of the collection, sorted, by index name. */
  readonly keys: Readonly<Record<string, IndexKey[]>>;
  /** The revision the stored record must have, if stated. */
  readonly expectedRevision: number | undefined;
}

/** A validated delete. */
export interface PreparedDelete {
  /** The operation kind. */
  readonly type: "delete";
  /** The operation's position in the batch. */
  readonly opIndex: number;
  /** The collection written. */
  readonly collection: ResolvedCollection;
  /** The record id. */
  readonly id: string;
  /** The revision the stored record must have, if stated. */
  readonly expectedRevision: number | undefined;
}

/** A validated operation, ready for an adapter to apply. */
export type PreparedOperation = PreparedPut | PreparedDelete;

/**
 * Validates a write batch and prepares it for an adapter: every record is deep-copied (so later
 * changes by the caller cannot reach the store) and checked to be plain JSON, and its index keys are
 * computed by the one shared rule. Adapters call this before touching their backend, so a bad batch
 * writes nothing.
 *
 * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad field, e.g.
 * `[3, "record", "tags", 1]`
 */
export function prepareWrite(
  catalog: SchemaCatalog,
  operations: readonly WriteOperation[],
): PreparedOperation[] {
  // The shape only: strings and keys are checked by the copy below, once. A batch the quick check
  // accepts is exactly one the schema accepts; only a doubtful one goes through zod, for its issues.
  const parsed: Shaped = wellFormed(operations) ? operations : parseShape(operations);
  return parsed.map((operation, opIndex): PreparedOperation => {
    const collection = catalog.collection(operation.collection, [opIndex, "collection"]);
    if (operation.type === "delete") {
      return {
        type: "delete",
        opIndex,
        collection,
        id: operation.id,
        expectedRevision: operation.expectedRevision,
      };
    }
    // Read fields from the caller's object, not zod's output, so the copy is made exactly once.
    const input = (operations[opIndex] as { readonly record: object }).record;
    const record = copyRecord(input, [opIndex, "record"]);
    const keys: Record<string, IndexKey[]> = {};
    for (const index of collection.indexes) {
      const indexKeys = extractIndexKeys(record, index);
      for (const key of indexKeys)
        if (typeof key === "string" && key.length > maxIndexKeyLength)
          throw new CrmkitError(
            "VALIDATION_FAILED",
            `Invalid write batch: an indexed string has at most ${maxIndexKeyLength} characters.`,
            {
              details: {
                path: [opIndex, "record", ...index.segments],
                collection: collection.name,
                index: index.name,
              },
            },
          );
      keys[index.name] = indexKeys;
    }
    return {
      type: "put",
      opIndex,
      collection,
      id: operation.record.id,
      record,
      keys,
      expectedRevision: operation.expectedRevision,
    };
  });
}

function copyRecord(input: object, path: PathSegment[]): RecordDraft {
  const source = input as Record<string, unknown>;
  // id and revision come first so stored records read well; revision is assigned by the adapter.
  const record: Record<string, JsonValue> = { id: source.id as string, revision: 0 };
  try {
    for (const key in source) {
      if (key === "id" || key === "revision" || !Object.hasOwn(source, key)) continue;
      if (key === "__proto__") {
        const error = new NotJson(reservedKeyMessage);
        error.reversedPath.push(key);
        throw error;
      }
      const value = source[key];
      if (value !== undefined) record[key] = copyValue(value, key, 1, true);
    }
  } catch (error) {
    throw error instanceof NotJson ? error.toCrmkitError(path) : error;
  }
  return record as RecordDraft;
}

const maxDepth = 64;

/** Raised inside the copy; it collects the path while unwinding, so the happy path builds none. */
class NotJson extends Error {
  readonly reversedPath: PathSegment[] = [];
  toCrmkitError(prefix: readonly PathSegment[]): CrmkitError {
    const path = [...prefix, ...this.reversedPath.reverse()];
    return new CrmkitError("VALIDATION_FAILED", `Invalid write batch: ${this.message}.`, {
      details: { path, issues: [{ path, message: this.message, code: "not_json" }] },
    });
  }
}

/**
 * Deep-copies a JSON value, checking that it is one: `null`, booleans, finite numbers, strings,
 * arrays and plain objects. Object properties whose value is `undefined` are dropped, as in JSON.
 * Adapters use it to copy records on the way in and out, so callers never share objects with the
 * store.
 *
 * @throws CrmkitError `VALIDATION_FAILED` with the path of the first non-JSON value (a Date, a Map, a
 * function, NaN, `undefined` in an array, a cycle)
 */
export function copyJson(value: unknown): JsonValue {
  try {
    return copyValue(value, undefined, 0);
  } catch (error) {
    throw error instanceof NotJson ? error.toCrmkitError([]) : error;
  }
}

function copyValue(
  value: unknown,
  key: PathSegment | undefined,
  depth: number,
  freeze = false,
): JsonValue {
  try {
    return copyInner(value, depth, freeze);
  } catch (error) {
    if (error instanceof NotJson && key !== undefined) error.reversedPath.push(key);
    throw error;
  }
}

/**
 * A checked deep copy of a JSON value; with `freeze`, every object and array of the copy is frozen
 * as it is built (a record's fields, for adapters that keep records and share them on reads).
 */
function copyInner(value: unknown, depth: number, freeze = false): JsonValue {
  switch (typeof value) {
    case "string": {
      const problem = textProblem(value);
      if (problem === undefined) return value;
      throw new NotJson(problem);
    }
    case "boolean":
      return value;
    case "number":
      if (Number.isFinite(value)) return value;
      throw new NotJson("numbers must be finite");
    case "object": {
      if (value === null) return null;
      if (depth >= maxDepth)
        throw new NotJson(`nesting deeper than ${maxDepth} levels (or a cycle)`);
      if (Array.isArray(value)) {
        const copy: JsonValue[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const element: unknown = value[i];
          if (element === undefined) {
            const error = new NotJson("undefined is not JSON");
            error.reversedPath.push(i);
            throw error;
          }
          copy[i] = copyValue(element, i, depth + 1, freeze);
        }
        if (freeze) Object.freeze(copy);
        return copy;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        const kind = (value as object).constructor?.name ?? "object";
        throw new NotJson(`a ${kind} is not a plain JSON object`);
      }
      const copy: Record<string, JsonValue> = {};
      for (const field in value as Record<string, unknown>) {
        if (!Object.hasOwn(value, field)) continue;
        const keyProblem = field === "__proto__" ? reservedKeyMessage : textProblem(field);
        if (keyProblem !== undefined) {
          const error = new NotJson(`a key: ${keyProblem}`);
          error.reversedPath.push(field);
          throw error;
        }
        const fieldValue = (value as Record<string, unknown>)[field];
        if (fieldValue !== undefined) copy[field] = copyValue(fieldValue, field, depth + 1, freeze);
      }
      if (freeze) Object.freeze(copy);
      return copy;
    }
    default:
      throw new NotJson(`a ${typeof value} is not JSON`);
  }
}

/** Builds the `REVISION_CONFLICT` error every adapter throws, with identical details. */
export function revisionConflict(
  operation: PreparedOperation,
  actualRevision: number,
  adapter: string,
): CrmkitError {
  const expected = operation.expectedRevision ?? 0;
  const state = actualRevision === 0 ? "does not exist" : `is at revision ${actualRevision}`;
  return new CrmkitError(
    "REVISION_CONFLICT",
    `Record "${operation.id}" in "${operation.collection.name}" ${state}, not at revision ${expected}; nothing was written.`,
    {
      details: {
        collection: operation.collection.name,
        id: operation.id,
        opIndex: operation.opIndex,
        expectedRevision: expected,
        actualRevision,
        adapter,
      },
    },
  );
}

/** Builds the `UNIQUE_VIOLATION` error every adapter throws, with identical details. */
export function uniqueViolation(
  operation: PreparedOperation,
  index: string,
  adapter: string,
  key?: IndexKey,
): CrmkitError {
  return new CrmkitError(
    "UNIQUE_VIOLATION",
    `Record "${operation.id}" in "${operation.collection.name}" would share a key of unique index "${index}"; nothing was written.`,
    {
      details: {
        collection: operation.collection.name,
        id: operation.id,
        index,
        opIndex: operation.opIndex,
        adapter,
        ...(key === undefined ? {} : { key }),
      },
    },
  );
}

/** Tells whether a stored revision satisfies an operation's expected revision. */
export function revisionMatches(operation: PreparedOperation, actualRevision: number): boolean {
  return operation.expectedRevision === undefined || operation.expectedRevision === actualRevision;
}
