/**
 * Wildcard patterns (`/pricing*`, `*.example.com/docs/*`): `*` matches any run of characters,
 * everything else is literal. Matched without backtracking — a `.*` regular expression with four
 * wildcards costs seconds against a long path; here the literal parts are found left to right,
 * each leftmost after the previous (which is enough: `*` has no other constraint), so a test costs
 * at most about (pattern length) × (subject length) character comparisons.
 */

/** A compiled wildcard pattern. */
export interface Glob {
  /** The pattern as written. */
  readonly source: string;
  /** Whether the whole `subject` matches. */
  test(subject: string): boolean;
}

/** Compiles a wildcard pattern (`*` is the only special character). */
export function compileGlob(pattern: string): Glob {
  const parts = pattern.split("*");
  if (parts.length === 1) return { source: pattern, test: (subject) => subject === pattern };
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((part) => part !== "");
  const fixed = head.length + tail.length;
  return {
    source: pattern,
    test(subject) {
      if (subject.length < fixed || !subject.startsWith(head) || !subject.endsWith(tail))
        return false;
      let at = head.length;
      const end = subject.length - tail.length;
      for (const part of middle) {
        const found = subject.indexOf(part, at);
        if (found === -1 || found + part.length > end) return false;
        at = found + part.length;
      }
      return true;
    },
  };
}
