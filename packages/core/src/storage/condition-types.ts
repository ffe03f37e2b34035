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
export type RecordCondition = AllConditions | AnyCondition | NotCondition | FieldCondition;

/** Holds when every condition does (an empty list holds). */
export interface AllConditions {
  /** The conditions. */
  readonly and: readonly RecordCondition[];
}

/** Holds when at least one condition does (an empty list does not). */
export interface AnyCondition {
  /** The conditions. */
  readonly or: readonly RecordCondition[];
}

/** Holds when the condition does not. */
export interface NotCondition {
  /** The condition negated. */
  readonly not: RecordCondition;
}

/** A typed range of a {@link FieldCondition}: the value's type, and bounds of that type. */
export interface FieldRange {
  /** The type the value must have. */
  readonly type: "number" | "string";
  /** Exclusive lower bound. */
  readonly gt?: number | string;
  /** Inclusive lower bound. */
  readonly gte?: number | string;
  /** Exclusive upper bound. */
  readonly lt?: number | string;
  /** Inclusive upper bound. */
  readonly lte?: number | string;
}

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
  readonly range?: FieldRange;
  /** The value is absent, `null`, `""` or an empty array. */
  readonly empty?: true;
  /** The value is an array holding at least one of these strings. */
  readonly hasAny?: readonly string[];
  /** The value is an array holding every one of these strings. */
  readonly hasAll?: readonly string[];
}
