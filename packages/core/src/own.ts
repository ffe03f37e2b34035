/**
 * User-chosen keys (custom field ids, score groups, event properties, template variables…) are read
 * as own properties only: `record["constructor"]` must not find `Object.prototype.constructor`, and
 * `"valueOf" in custom` must not say a missing custom field is present.
 */

/** Whether `name` is a property of `Object.prototype` (`constructor`, `__proto__`, `toString`…). */
export function isPrototypeName(name: string): boolean {
  return Object.hasOwn(Object.prototype, name);
}

/** The message of a refused prototype name, for validation issues. */
export const prototypeNameMessage =
  "this name is reserved (Object.prototype has a property of that name)";

/** `object[key]` when `object` has `key` as an own property, else `undefined`. */
export function ownValue(object: unknown, key: string): unknown {
  return typeof object === "object" && object !== null && Object.hasOwn(object, key)
    ? (object as Record<string, unknown>)[key]
    : undefined;
}

/** Reads a value along a path of own properties; `undefined` when any step is missing. */
export function ownPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, step))
      return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/**
 * `record[key]` as an own property, created by `make` when absent. Created with
 * `Object.defineProperty`, so a key such as `__proto__` is a property, never the prototype.
 */
export function ownEntry<T>(record: Record<string, T>, key: string, make: () => T): T {
  if (Object.hasOwn(record, key)) return record[key]!;
  const value = make();
  Object.defineProperty(record, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
  return value;
}
