// Length: a parser and a Thompson-NFA simulator that share one node type; kept together so the
// linear-time argument can be read in one place.
/**
 * A regular-expression engine whose time is linear in the input, for patterns users type into
 * segments. JavaScript's own engine backtracks: `^(a?a?)+$` over 30 characters blocks a process
 * for minutes. Here a pattern is compiled to a Thompson NFA and run as a set of states advanced one
 * character at a time, so `test` costs at most (length + 1) × program size steps, whatever the
 * pattern.
 *
 * The syntax and meaning are JavaScript's (`u` flag, optionally `i`): the pattern is first checked
 * by `new RegExp` (compiling never backtracks), each character class, escape, `.` and literal is
 * tested against one character by a one-character RegExp of its own (which cannot backtrack
 * either), and the rest — sequence, alternation, groups, `* + ? {n,m}`, `^ $ \b \B` — is the NFA.
 * What an NFA cannot express is refused: backreferences and lookarounds. No `eval`, no
 * `new Function`.
 */

/** The largest program a pattern may compile to, in instructions (`a{1,1000}` is about 2,000). */
export const maxProgramSize = 2_000;

/** A compiled pattern: `test` runs in time linear in the text. */
export interface LinearRegex {
  /** The pattern as written. */
  readonly source: string;
  /** Whether case is ignored. */
  readonly ignoreCase: boolean;
  /** The number of NFA instructions: the bound on the work per character. */
  readonly size: number;
  /** Whether the pattern matches anywhere in `text` (as `RegExp.prototype.test`). */
  test(text: string): boolean;
}

/** A pattern that compiled. */
export interface CompiledRegexOk {
  /** It compiled. */
  readonly ok: true;
  /** The compiled pattern. */
  readonly regex: LinearRegex;
}

/** A pattern that was refused. */
export interface CompiledRegexRefused {
  /** It did not compile. */
  readonly ok: false;
  /** Why, in a few words ("backreferences are not allowed"). */
  readonly reason: string;
}

/** The result of {@link compileRegex}. */
export type CompiledRegex = CompiledRegexOk | CompiledRegexRefused;

type Node =
  | { readonly t: "empty" }
  | { readonly t: "char"; readonly test: CharTest }
  | { readonly t: "assert"; readonly kind: Assertion }
  | { readonly t: "cat"; readonly items: readonly Node[] }
  | { readonly t: "alt"; readonly items: readonly Node[] }
  | { readonly t: "repeat"; readonly node: Node; readonly min: number; readonly max: number };

type Assertion = "start" | "end" | "word" | "notWord";
type CharTest = (codePoint: number) => boolean;

enum Op {
  Char,
  Split,
  Jump,
  Assert,
  Match,
}

type Instruction =
  | { op: Op.Char; test: CharTest; next: number }
  | { op: Op.Split; x: number; y: number }
  | { op: Op.Jump; x: number }
  | { op: Op.Assert; kind: Assertion; next: number }
  | { op: Op.Match };

class Refused extends Error {}

/**
 * Compiles a user's regular expression to a {@link LinearRegex}, or says why it cannot.
 *
 * @example
 * ```ts
 * const compiled = compileRegex("^(a?a?)+$");
 * if (compiled.ok) compiled.regex.test("a".repeat(10_000)); // true, at once
 * ```
 */
export function compileRegex(
  pattern: string,
  options: { ignoreCase?: boolean } = {},
): CompiledRegex {
  const ignoreCase = options.ignoreCase ?? false;
  const flags = ignoreCase ? "iu" : "u";
  try {
    // The syntax is JavaScript's: let its parser say what is malformed.
    new RegExp(pattern, flags);
  } catch (error) {
    return { ok: false, reason: `not a valid regular expression (${(error as Error).message})` };
  }
  try {
    const parser = new Parser(pattern, flags);
    const tree = parser.parse();
    const program = emitProgram(tree);
    return { ok: true, regex: new Nfa(pattern, ignoreCase, program, wordTest(flags)) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Reads a pattern that `new RegExp(pattern, "u")` accepted into a tree. */
class Parser {
  #at = 0;
  readonly #cache = new Map<string, CharTest>();

  constructor(
    readonly pattern: string,
    readonly flags: string,
  ) {}

  parse(): Node {
    const node = this.#alternation();
    if (this.#at < this.pattern.length) throw new Refused(`unexpected "${this.pattern[this.#at]}"`);
    return node;
  }

  #alternation(): Node {
    const items = [this.#sequence()];
    while (this.pattern[this.#at] === "|") {
      this.#at++;
      items.push(this.#sequence());
    }
    return items.length === 1 ? items[0]! : { t: "alt", items };
  }

  #sequence(): Node {
    const items: Node[] = [];
    while (this.#at < this.pattern.length) {
      const char = this.pattern[this.#at];
      if (char === "|" || char === ")") break;
      items.push(this.#quantified(this.#atom()));
    }
    return items.length === 0
      ? { t: "empty" }
      : items.length === 1
        ? items[0]!
        : { t: "cat", items };
  }

  #quantified(node: Node): Node {
    const char = this.pattern[this.#at];
    let min: number;
    let max: number;
    if (char === "*" || char === "+" || char === "?") {
      min = char === "+" ? 1 : 0;
      max = char === "?" ? 1 : Number.POSITIVE_INFINITY;
      this.#at++;
    } else if (char === "{") {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(this.#at, this.#at + 24));
      if (match === null) throw new Refused("a malformed repetition");
      min = Number(match[1]);
      max =
        match[2] === undefined
          ? min
          : match[3] === ""
            ? Number.POSITIVE_INFINITY
            : Number(match[3]);
      if (min > 1_000 || (max !== Number.POSITIVE_INFINITY && max > 1_000))
        throw new Refused("repetition bounds above 1000 are not allowed");
      this.#at += match[0].length;
    } else return node;
    // A lazy quantifier matches the same texts; only what it captures differs.
    if (this.pattern[this.#at] === "?") this.#at++;
    return { t: "repeat", node, min, max };
  }

  #atom(): Node {
    const pattern = this.pattern;
    const char = pattern[this.#at]!;
    switch (char) {
      case "^":
        this.#at++;
        return { t: "assert", kind: "start" };
      case "$":
        this.#at++;
        return { t: "assert", kind: "end" };
      case ".":
        this.#at++;
        return this.#char(".");
      case "(":
        return this.#group();
      case "[":
        return this.#char(this.#classSource());
      case "\\":
        return this.#escape();
      default: {
        const codePoint = pattern.codePointAt(this.#at)!;
        const text = String.fromCodePoint(codePoint);
        this.#at += text.length;
        return this.#char(text.replace(/[\\^$.*+?()[\]{}|/]/, "\\$&"));
      }
    }
  }

  #group(): Node {
    const pattern = this.pattern;
    if (pattern.startsWith("(?=", this.#at) || pattern.startsWith("(?!", this.#at))
      throw new Refused("lookarounds are not allowed");
    if (pattern.startsWith("(?<=", this.#at) || pattern.startsWith("(?<!", this.#at))
      throw new Refused("lookarounds are not allowed");
    if (pattern.startsWith("(?:", this.#at)) this.#at += 3;
    else if (pattern.startsWith("(?<", this.#at)) this.#at = pattern.indexOf(">", this.#at) + 1;
    else if (pattern.startsWith("(?", this.#at))
      throw new Refused("group modifiers are not allowed");
    else this.#at++;
    const inner = this.#alternation();
    if (pattern[this.#at] !== ")") throw new Refused("an unclosed group");
    this.#at++;
    return inner;
  }

  /** The source of a character class, `[` to its `]` (no nesting under the `u` flag). */
  #classSource(): string {
    const start = this.#at;
    let i = this.#at + 1;
    while (i < this.pattern.length && this.pattern[i] !== "]")
      i += this.pattern[i] === "\\" ? 2 : 1;
    this.#at = i + 1;
    return this.pattern.slice(start, this.#at);
  }

  #escape(): Node {
    const pattern = this.pattern;
    const next = pattern[this.#at + 1] ?? "";
    if (next === "b" || next === "B") {
      this.#at += 2;
      return { t: "assert", kind: next === "b" ? "word" : "notWord" };
    }
    if (/[1-9]/.test(next) || next === "k") throw new Refused("backreferences are not allowed");
    let end = this.#at + 2;
    if (next === "p" || next === "P" || (next === "u" && pattern[end] === "{"))
      end = pattern.indexOf("}", end) + 1;
    else if (next === "u") {
      end += 4;
      // Under the `u` flag an escaped surrogate pair is one character.
      if (/^\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(pattern.slice(end, end + 6))) end += 6;
    } else if (next === "x") end += 2;
    else if (next === "c") end += 1;
    const source = pattern.slice(this.#at, end);
    this.#at = end;
    return this.#char(source);
  }

  /** A one-character test for an atom's source, tested by a RegExp that cannot backtrack. */
  #char(source: string): Node {
    let test = this.#cache.get(source);
    if (test === undefined) {
      test = charTest(new RegExp(`^(?:${source})$`, this.flags));
      this.#cache.set(source, test);
    }
    return { t: "char", test };
  }
}

function charTest(regex: RegExp): CharTest {
  // Most text is ASCII: remember those answers (0 unknown, 1 no, 2 yes).
  const ascii = new Uint8Array(128);
  return (codePoint) => {
    if (codePoint < 128) {
      const known = ascii[codePoint]!;
      if (known !== 0) return known === 2;
      const result = regex.test(String.fromCharCode(codePoint));
      ascii[codePoint] = result ? 2 : 1;
      return result;
    }
    return regex.test(String.fromCodePoint(codePoint));
  };
}

function wordTest(flags: string): CharTest {
  // `\w` under `iu` also holds ſ (U+017F) and K (U+212A): ask the engine, per flags.
  return charTest(/* @__PURE__ */ new RegExp("^\\w$", flags));
}

/** Emits a Thompson program for a tree: every instruction's successors are indices. */
function emitProgram(tree: Node): Instruction[] {
  const program: Instruction[] = [];
  const push = (instruction: Instruction) => {
    if (program.length >= maxProgramSize)
      throw new Refused(`the pattern is too complex (more than ${maxProgramSize} steps)`);
    program.push(instruction);
    return program.length - 1;
  };
  const emit = (node: Node): void => {
    switch (node.t) {
      case "empty":
        return;
      case "char":
        push({ op: Op.Char, test: node.test, next: program.length + 1 });
        return;
      case "assert":
        push({ op: Op.Assert, kind: node.kind, next: program.length + 1 });
        return;
      case "cat":
        for (const item of node.items) emit(item);
        return;
      case "alt": {
        // split L1, next; L1: a; jump end; next: split L2, … ; last: z; end:
        const jumps: number[] = [];
        node.items.forEach((item, i) => {
          if (i < node.items.length - 1) {
            const split = push({ op: Op.Split, x: program.length + 1, y: -1 });
            emit(item);
            jumps.push(push({ op: Op.Jump, x: -1 }));
            (program[split] as { y: number }).y = program.length;
          } else emit(item);
        });
        for (const jump of jumps) (program[jump] as { x: number }).x = program.length;
        return;
      }
      case "repeat": {
        for (let i = 0; i < node.min; i++) emit(node.node);
        if (node.max === Number.POSITIVE_INFINITY) {
          const split = push({ op: Op.Split, x: program.length + 1, y: -1 });
          emit(node.node);
          push({ op: Op.Jump, x: split });
          (program[split] as { y: number }).y = program.length;
          return;
        }
        const splits: number[] = [];
        for (let i = node.min; i < node.max; i++) {
          splits.push(push({ op: Op.Split, x: program.length + 1, y: -1 }));
          emit(node.node);
        }
        for (const split of splits) (program[split] as { y: number }).y = program.length;
        return;
      }
    }
  };
  emit(tree);
  push({ op: Op.Match });
  return program;
}

/** Runs a program over a text as a set of states: each state is visited at most once per position. */
class Nfa implements LinearRegex {
  readonly size: number;
  readonly #program: readonly Instruction[];
  readonly #isWord: CharTest;

  constructor(
    readonly source: string,
    readonly ignoreCase: boolean,
    program: readonly Instruction[],
    isWord: CharTest,
  ) {
    this.#program = program;
    this.size = program.length;
    this.#isWord = isWord;
  }

  test(text: string): boolean {
    const program = this.#program;
    const seen = new Int32Array(program.length).fill(-1);
    const stack: number[] = [];
    // The states waiting to read the character at `at`, and those that read it.
    let current: number[] = [];
    let next: number[] = [];
    let step = 0;
    let previous = -1; // the code point before `at`; -1 at the start
    let at = 0;
    for (;;) {
      const codePoint = at < text.length ? text.codePointAt(at)! : -1;
      // Unanchored, as RegExp.test: a new attempt starts at every position.
      if (this.#close(0, step, seen, current, stack, previous, codePoint)) return true;
      if (codePoint === -1) return false;
      const after = at + (codePoint > 0xffff ? 2 : 1);
      const following = after < text.length ? text.codePointAt(after)! : -1;
      step++;
      next.length = 0;
      for (const pc of current) {
        const instruction = program[pc] as { readonly test: CharTest; readonly next: number };
        if (
          instruction.test(codePoint) &&
          this.#close(instruction.next, step, seen, next, stack, codePoint, following)
        )
          return true;
      }
      [current, next] = [next, current];
      previous = codePoint;
      at = after;
    }
  }

  /**
   * Adds `start` and every state reachable from it without reading a character (through jumps,
   * splits and assertions that hold between `before` and `after`) to `list`; true if one matches.
   */
  #close(
    start: number,
    step: number,
    seen: Int32Array,
    list: number[],
    stack: number[],
    before: number,
    after: number,
  ): boolean {
    const program = this.#program;
    stack.push(start);
    let matched = false;
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (seen[pc] === step) continue;
      seen[pc] = step;
      const instruction = program[pc]!;
      switch (instruction.op) {
        case Op.Char:
          list.push(pc);
          break;
        case Op.Jump:
          stack.push(instruction.x);
          break;
        case Op.Split:
          stack.push(instruction.y, instruction.x);
          break;
        case Op.Assert:
          if (this.#holds(instruction.kind, before, after)) stack.push(instruction.next);
          break;
        case Op.Match:
          matched = true;
          break;
      }
    }
    return matched;
  }

  #holds(kind: Assertion, before: number, after: number): boolean {
    switch (kind) {
      case "start":
        return before === -1;
      case "end":
        return after === -1;
      default: {
        const boundary =
          (before !== -1 && this.#isWord(before)) !== (after !== -1 && this.#isWord(after));
        return kind === "word" ? boundary : !boundary;
      }
    }
  }
}
