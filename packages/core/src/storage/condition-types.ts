// The storage contract's record conditions: what an adapter that evaluates conditions itself
// must decide exactly as `matchesCondition` (condition.ts) does.

/** A value a {@link FieldCondition} compares with (JSON's scalars). */
export type ConditionValue = string | number | boolean | null;

/**
 * A condition on a record's fields, in the storage contract's own terms: what an adapter that
 * evaluates conditions natively ({@link StorageAdapter.countMatching}) must decide exactly as
 * {@link matchesCondition} does. Combinators take any number of conditions (`and` of none holds,
 * `or` of none does not).
 */
export type RecordCondition =
  | { readonly and: readonly RecordCondition[] }
  | { readonly or: readonly RecordCondition[] }
  | { readonly not: RecordCondition }
  | FieldCondition;

/**
 * A test of the value at a path of the record (absent when a step is missing or not an object).
 * Exactly one test is given.
 */
export interface FieldCondition {
  /** The value's path in the record, one property name per step. */
  readonly path: readonly string[];
  /** The number an absent or `null` value counts as. */
  readonly fallback?: number;
  /** The value is this one (strictly: `1` is not `"1"`). */
  readonly eq?: ConditionValue;
  /** The value is one of these. */
  readonly in?: readonly ConditionValue[];
  /**
   * The value is of this type (`number` or `string`) and within the bounds given (of that type
   * too); strings compare by UTF-16 code unit, as ids and keys do everywhere in crmkit.
   */
  readonly range?: {
    readonly type: "number" | "string";
    readonly gt?: number | string;
    readonly gte?: number | string;
    readonly lt?: number | string;
    readonly lte?: number | string;
  };
  /** The value is absent, `null`, `""` or an empty array. */
  readonly empty?: true;
  /** The value is an array holding at least one of these strings. */
  readonly hasAny?: readonly string[];
  /** The value is an array holding every one of these strings. */
  readonly hasAll?: readonly string[];
}
