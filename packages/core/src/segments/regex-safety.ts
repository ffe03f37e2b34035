/**
 * Checks a regular expression for constructs that make a backtracking engine take exponential time
 * or that crmkit does not support, and compiles it. Rejected: a repeated group that itself contains
 * a repetition or an alternation (`(a+)+`, `(a|ab)*` — star height above one), backreferences,
 * lookarounds, and repetition bounds above 1,000.
 *
 * @returns the compiled expression, or the reason it was refused
 *
 * @internal
 */
export function compileSafeRegex(
  pattern: string,
  ignoreCase: boolean,
): { ok: true; regex: RegExp } | { ok: false; reason: string } {
  const problem = findProblem(pattern);
  if (problem !== undefined) return { ok: false, reason: problem };
  try {
    return { ok: true, regex: new RegExp(pattern, ignoreCase ? "iu" : "u") };
  } catch (error) {
    return { ok: false, reason: `not a valid regular expression (${(error as Error).message})` };
  }
}

interface Group {
  repeats: boolean;
  alternates: boolean;
}

function findProblem(pattern: string): string | undefined {
  const stack: Group[] = [{ repeats: false, alternates: false }];
  let i = 0;
  // What the last atom was: a group just closed (with its contents), or a plain atom.
  let lastGroup: Group | null = null;
  let lastIsAtom = false;
  while (i < pattern.length) {
    const char = pattern[i]!;
    const top = stack[stack.length - 1]!;
    if (char === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") return "backreferences are not allowed";
      i += 2;
      lastGroup = null;
      lastIsAtom = true;
      continue;
    }
    if (char === "[") {
      i++;
      if (pattern[i] === "^") i++;
      if (pattern[i] === "]") i++;
      while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
      i++;
      lastGroup = null;
      lastIsAtom = true;
      continue;
    }
    if (char === "(") {
      if (
        pattern.startsWith("(?=", i) ||
        pattern.startsWith("(?!", i) ||
        pattern.startsWith("(?<=", i) ||
        pattern.startsWith("(?<!", i)
      ) {
        return "lookarounds are not allowed";
      }
      stack.push({ repeats: false, alternates: false });
      i += pattern.startsWith("(?:", i) ? 3 : 1;
      if (pattern[i - 1] === "(" && pattern[i] === "?" && pattern[i + 1] === "<") {
        const end = pattern.indexOf(">", i);
        i = end === -1 ? pattern.length : end + 1;
      }
      lastGroup = null;
      lastIsAtom = false;
      continue;
    }
    if (char === ")") {
      const closed = stack.length > 1 ? stack.pop()! : top;
      const parent = stack[stack.length - 1]!;
      if (closed.repeats) parent.repeats = true;
      lastGroup = closed;
      lastIsAtom = true;
      i++;
      continue;
    }
    if (char === "|") {
      top.alternates = true;
      lastGroup = null;
      lastIsAtom = false;
      i++;
      continue;
    }
    const quantifier = readQuantifier(pattern, i);
    if (quantifier !== undefined) {
      if (quantifier.max > 1000 && quantifier.max !== Number.POSITIVE_INFINITY) {
        return "repetition bounds above 1000 are not allowed";
      }
      if (quantifier.min > 1000) return "repetition bounds above 1000 are not allowed";
      const repeating = quantifier.max > 1;
      if (repeating && lastGroup !== null && (lastGroup.repeats || lastGroup.alternates)) {
        return "a repeated group may not contain a repetition or an alternation (catastrophic backtracking)";
      }
      if (repeating && lastIsAtom) top.repeats = true;
      i = quantifier.end;
      // A lazy or possessive marker after a quantifier is part of it.
      if (pattern[i] === "?") i++;
      lastGroup = null;
      lastIsAtom = false;
      continue;
    }
    lastGroup = null;
    lastIsAtom = true;
    i++;
  }
  return undefined;
}

function readQuantifier(
  pattern: string,
  at: number,
): { min: number; max: number; end: number } | undefined {
  const char = pattern[at];
  if (char === "*") return { min: 0, max: Number.POSITIVE_INFINITY, end: at + 1 };
  if (char === "+") return { min: 1, max: Number.POSITIVE_INFINITY, end: at + 1 };
  if (char === "?") return { min: 0, max: 1, end: at + 1 };
  if (char === "{") {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
    if (match === null) return undefined;
    const min = Number(match[1]);
    const max =
      match[2] === undefined ? min : match[3] === "" ? Number.POSITIVE_INFINITY : Number(match[3]);
    return { min, max, end: at + match[0].length };
  }
  return undefined;
}
