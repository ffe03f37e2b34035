/**
 * What crmkit accepts as text, whatever the adapter: well-formed UTF-16 (no lone surrogate) without
 * U+0000. PostgreSQL cannot store either in `text`/`jsonb`, IndexedDB and memory can: checking here,
 * before any adapter sees a string, makes every adapter give the same answer.
 */
import type { PathSegment, ValidationIssue } from "./errors.js";

// With the `u` flag a surrogate pair is one code point outside this class, so only a lone
// surrogate (or U+0000) matches. Linear in the text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what is looked for.
const badText = /[\u0000\uD800-\uDFFF]/u;

/** Why a key `__proto__` is refused. */
export const reservedKeyMessage = "a key may not be __proto__";

/** Why `text` is refused, or `undefined` when it is acceptable. */
export function textProblem(text: string): string | undefined {
  if (!badText.test(text)) return undefined;
  return text.includes("\u0000")
    ? "text may not contain the character U+0000"
    : "text must be well-formed UTF-16 (it has a lone surrogate)";
}

/**
 * Finds an own key `__proto__` in untrusted input, before a schema sees it: zod drops such keys
 * silently, and crmkit refuses them instead, as every storage adapter does. Walks arrays and plain
 * objects only, each once.
 */
export function findReservedKey(
  value: unknown,
  path: readonly PathSegment[] = [],
  seen: Set<object> = new Set(),
): ValidationIssue | undefined {
  if (typeof value !== "object" || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findReservedKey(value[i], [...path, i], seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  if (Object.hasOwn(value, "__proto__"))
    return { path: [...path, "__proto__"], message: reservedKeyMessage, code: "reserved_key" };
  for (const key of Object.keys(value)) {
    const found = findReservedKey((value as Record<string, unknown>)[key], [...path, key], seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Finds the first string (value or object key) in a JSON-like value that {@link textProblem}
 * refuses, or a key `__proto__` (which an assignment would turn into a prototype), with its path.
 */
export function findInputProblem(
  value: unknown,
  path: readonly PathSegment[] = [],
  seen: Set<object> = new Set(),
): ValidationIssue | undefined {
  if (typeof value === "string") {
    const message = textProblem(value);
    return message === undefined ? undefined : { path, message, code: "invalid_text" };
  }
  if (typeof value !== "object" || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findInputProblem(value[i], [...path, i], seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key === "__proto__")
      return { path: [...path, key], message: reservedKeyMessage, code: "reserved_key" };
    const keyProblem = textProblem(key);
    if (keyProblem !== undefined)
      return { path: [...path, key], message: `a key: ${keyProblem}`, code: "invalid_text" };
    const found = findInputProblem((value as Record<string, unknown>)[key], [...path, key], seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A stable 64-bit hash of a text in 16 hex digits (two FNV-1a passes with different seeds): short
 * ids that must not show the text they stand for. Not for security. @internal
 */
export function hashId(text: string): string {
  return `${fnv(text, 0x811c9dc5)}${fnv(text, 0x01000193)}`;
}

function fnv(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
