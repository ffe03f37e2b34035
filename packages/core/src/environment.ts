import { nanoid, urlAlphabet } from "nanoid";
import { CrmkitError } from "./errors.js";

/**
 * Everything crmkit needs from the outside world that is not storage: the clock, id generation and
 * randomness. Core logic never reads `Date.now()` or `Math.random()` itself, so a test (or a replay)
 * that injects a fixed environment gets deterministic results.
 */
export interface Environment {
  /** The current instant, in milliseconds since the Unix epoch. */
  now(): number;
  /**
   * A new unique record id (URL-safe). crmkit's own never start with `-`, so an exported id is
   * never mistaken for a formula by a spreadsheet (see `toCsv`).
   */
  newId(): string;
  /** A random number in [0, 1). Seedable in test environments. */
  random(): number;
}

/**
 * The production environment: the system clock, nanoid ids and the platform's cryptographic random
 * source.
 *
 * @example
 * ```ts
 * const env = createEnvironment();
 * const id = env.newId();
 * ```
 */
export function createEnvironment(): Environment {
  const buffer = new Uint32Array(1);
  return {
    now: () => Date.now(),
    newId: () => {
      let id = nanoid();
      // A leading "-" reads as a formula in a spreadsheet: drawn again (1 time in 64).
      while (id.startsWith("-")) id = nanoid();
      return id;
    },
    random: () => {
      crypto.getRandomValues(buffer);
      return buffer[0]! / 0x1_0000_0000;
    },
  };
}

/** Options for {@link createTestEnvironment}. */
export interface TestEnvironmentOptions {
  /**
   * The clock's starting instant, as an ISO string or epoch milliseconds.
   * @default "2026-01-05T09:00:00.000Z"
   */
  readonly now?: string | number;
  /**
   * The seed of the random source (and of generated ids).
   * @default 1
   */
  readonly seed?: number;
  /**
   * Milliseconds the clock moves forward after each `now()` call; 0 keeps it fixed.
   * @default 0
   */
  readonly tick?: number;
}

/** A deterministic {@link Environment} with a clock the test controls. */
export interface TestEnvironment extends Environment {
  /** Moves the clock forward by `ms` milliseconds (negative moves it back). */
  advance(ms: number): void;
  /** Sets the clock to an instant (ISO string or epoch milliseconds). */
  set(instant: string | number): void;
}

/**
 * Creates a deterministic environment for tests and replays: a fixed (or ticking) clock, and ids and
 * random numbers from a seeded generator, so two runs with the same seed give the same results.
 *
 * @throws CrmkitError `VALIDATION_FAILED` when the starting instant is not a valid date
 * @example
 * ```ts
 * const env = createTestEnvironment({ now: "2026-03-01T08:00:00Z", seed: 42 });
 * env.advance(60_000); // one minute later
 * ```
 */
export function createTestEnvironment(options: TestEnvironmentOptions = {}): TestEnvironment {
  let clock = toEpoch(options.now ?? "2026-01-05T09:00:00.000Z");
  const tick = options.tick ?? 0;
  const random = seededRandom(options.seed ?? 1);
  return {
    now: () => {
      const current = clock;
      clock += tick;
      return current;
    },
    newId: () => {
      let id = "-";
      while (id.startsWith("-")) {
        id = "";
        for (let i = 0; i < 21; i++) id += urlAlphabet[Math.floor(random() * 64)];
      }
      return id;
    },
    random,
    advance: (ms) => {
      clock += ms;
    },
    set: (instant) => {
      clock = toEpoch(instant);
    },
  };
}

function toEpoch(instant: string | number): number {
  const epoch = typeof instant === "number" ? instant : Date.parse(instant);
  if (!Number.isFinite(epoch)) {
    throw new CrmkitError("VALIDATION_FAILED", `Invalid instant: ${String(instant)}.`, {
      details: { path: ["now"] },
    });
  }
  return epoch;
}

/**
 * A small, fast, seedable pseudo-random generator (sfc32) returning numbers in [0, 1). Not for
 * cryptography; for reproducible simulations and tests.
 *
 * @param seed - any 32-bit integer
 */
export function seededRandom(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 0x1_0000_0000;
  };
  // Discard the first outputs, which are weakly mixed for small seeds.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Formats an epoch-milliseconds instant as the ISO string crmkit stores. */
export function toIsoInstant(epochMs: number): string {
  // Batch work formats the same one or two instants (now, now + a lease) thousands of times; a
  // two-entry memo spares a Date and its formatting each time.
  if (epochMs === lastInstants[0]) return lastTexts[0]!;
  if (epochMs === lastInstants[1]) return lastTexts[1]!;
  const text = new Date(epochMs).toISOString();
  lastInstants[1] = lastInstants[0]!;
  lastTexts[1] = lastTexts[0]!;
  lastInstants[0] = epochMs;
  lastTexts[0] = text;
  return text;
}

const lastInstants = [Number.NaN, Number.NaN];
const lastTexts = ["", ""];
