import { CrmkitError } from "../errors.js";
import { splitExactly } from "../money.js";

/** The key under which the part of a target not tied to any segment is filed. */
export const otherSegment = "other";

/** One rep in a {@link SegmentAllocationInput}. */
export interface AllocationRep {
  /** The rep. */
  readonly repId: string;
  /**
   * The rep's weight in the team: their share of the company target is weight / sum of weights
   * (their own revenue target works as a weight).
   * @default 1
   */
  readonly weight?: number;
  /** `specialised` mode: the segment this rep carries; omitted, the rep is a generalist. */
  readonly specialisation?: string;
}

/** A company-level target split by segment, to translate into individual targets. */
export interface SegmentAllocationInput {
  /** The company target, an integer (minor units for money). */
  readonly total: number;
  /** Each segment's share of the total, in percent; what is left goes to `other`. */
  readonly shares: Readonly<Record<string, number>>;
  /** The reps. */
  readonly reps: readonly AllocationRep[];
  /**
   * `proportional`: every rep carries each segment's share of their own target (a geographic
   * organisation). `specialised`: each segment's amount is shared by the reps specialised in it;
   * generalists share what remains (`other` and segments nobody specialises in).
   */
  readonly mode: "proportional" | "specialised";
  /**
   * `specialised` mode, for an amount nobody can carry (no specialist in the segment, no
   * generalist): `refuse` it, or leave it `unallocated` — to inbound, to a later hire — and report
   * it in {@link SegmentAllocation.unallocated}. Refusing is the default because leaving part of
   * the company target on nobody's plan is a decision a manager should take knowingly: the reps'
   * targets then add up to less than the company's.
   * @defaultValue "refuse"
   */
  readonly uncovered?: "refuse" | "unallocated";
}

/** What a {@link SegmentAllocation} leaves to nobody. */
export interface UnallocatedAmount {
  /** The sum left unallocated. */
  readonly total: number;
  /** The amount left per segment (only segments with some). */
  readonly bySegment: Readonly<Record<string, number>>;
}

/** One rep's allocated targets. */
export interface AllocatedRep {
  /** The rep. */
  readonly repId: string;
  /** The rep's total. */
  readonly total: number;
  /** The rep's target per segment (and `other`). */
  readonly bySegment: Readonly<Record<string, number>>;
}

/**
 * The outcome of {@link allocateBySegment}: rows and columns sum exactly — each segment's amount
 * is what its reps carry plus what is left unallocated.
 */
export interface SegmentAllocation {
  /** The company amount per segment (and `other`). */
  readonly segments: Readonly<Record<string, number>>;
  /** Per rep. */
  readonly reps: readonly AllocatedRep[];
  /** What nobody carries (`uncovered: "unallocated"`); a zero total otherwise. */
  readonly unallocated: UnallocatedAmount;
}

/**
 * Translates a company-level segment split ("35 % of revenue from segment A, 25 % from B") into
 * individual targets. Every amount is an integer, each rep's segments sum exactly to the rep's total,
 * and each segment's reps sum exactly to the segment's company amount.
 *
 * @throws CrmkitError `VALIDATION_FAILED` when shares are negative or exceed 100 % together, the
 * total is not an integer, no rep is given, or in `specialised` mode nobody can carry an amount
 * (unless `uncovered: "unallocated"`)
 * @example
 * ```ts
 * allocateBySegment({
 *   total: 100_000_000,
 *   shares: { a: 35, b: 25 },
 *   mode: "proportional",
 *   reps: [{ repId: "anna" }, { repId: "marc" }],
 * }).reps[0].bySegment; // { a: 17_500_000, b: 12_500_000, other: 20_000_000 }
 * ```
 */
export function allocateBySegment(input: SegmentAllocationInput): SegmentAllocation {
  const invalid = (message: string, path: (string | number)[]) =>
    new CrmkitError("VALIDATION_FAILED", message, { details: { path } });
  if (!Number.isSafeInteger(input.total) || input.total < 0)
    throw invalid("The total must be a non-negative integer.", ["total"]);
  if (input.reps.length === 0) throw invalid("Give at least one rep.", ["reps"]);
  const names = Object.keys(input.shares);
  let shareSum = 0;
  for (const name of names) {
    const share = input.shares[name]!;
    if (name === otherSegment)
      throw invalid(`"${otherSegment}" is the remainder; do not name it.`, ["shares", name]);
    if (!Number.isFinite(share) || share < 0)
      throw invalid(`Share of ${name} must be a non-negative percentage.`, ["shares", name]);
    shareSum += share;
  }
  if (shareSum > 100 + 1e-9)
    throw invalid(`Segment shares add up to ${shareSum} %, more than 100 %.`, ["shares"]);
  for (const [i, rep] of input.reps.entries()) {
    if (rep.weight !== undefined && (!Number.isFinite(rep.weight) || rep.weight < 0))
      throw invalid("A rep's weight must be a non-negative number.", ["reps", i, "weight"]);
  }
  const columns = [...names, otherSegment];
  const columnTotals = splitExactly(input.total, [
    ...names.map((n) => input.shares[n]!),
    Math.max(0, 100 - shareSum),
  ]);
  const segments = Object.fromEntries(columns.map((c, j) => [c, columnTotals[j]!]));
  const weights = input.reps.map((rep) => rep.weight ?? 1);

  if (input.mode === "proportional") {
    const rowTotals = splitExactly(input.total, weights);
    // Each rep takes their total across the segments in proportion to what is still unallocated:
    // rows sum exactly by construction, and the last rep takes exactly what remains of each column.
    const remaining = [...columnTotals];
    const reps = input.reps.map((rep, i) => {
      const parts = splitExactly(rowTotals[i]!, remaining.some((r) => r > 0) ? remaining : [1]);
      parts.forEach((part, j) => {
        remaining[j]! -= part;
      });
      return {
        repId: rep.repId,
        total: rowTotals[i]!,
        bySegment: Object.fromEntries(columns.map((c, j) => [c, parts[j] ?? 0])),
      };
    });
    return { segments, reps, unallocated: { total: 0, bySegment: {} } };
  }

  const bySegment = input.reps.map(() => Object.fromEntries(columns.map((c) => [c, 0])));
  const generalists = input.reps.flatMap((rep, i) =>
    rep.specialisation === undefined || !names.includes(rep.specialisation) ? [i] : [],
  );
  const left: Record<string, number> = {};
  for (const [j, column] of columns.entries()) {
    let carriers = input.reps.flatMap((rep, i) => (rep.specialisation === column ? [i] : []));
    if (carriers.length === 0) carriers = generalists;
    if (carriers.length === 0) {
      if (columnTotals[j] === 0) continue;
      if (input.uncovered === "unallocated") {
        left[column] = columnTotals[j]!;
        continue;
      }
      throw invalid(
        `Nobody carries ${column}: add a generalist or a specialist, or leave it unallocated (uncovered: "unallocated").`,
        ["reps"],
      );
    }
    const carrierWeights = carriers.map((i) => weights[i]!);
    const parts = splitExactly(
      columnTotals[j]!,
      carrierWeights.some((w) => w > 0) ? carrierWeights : carriers.map(() => 1),
    );
    carriers.forEach((i, k) => {
      bySegment[i]![column] = parts[k]!;
    });
  }
  return {
    segments,
    reps: input.reps.map((rep, i) => ({
      repId: rep.repId,
      total: Object.values(bySegment[i]!).reduce((a, b) => a + b, 0),
      bySegment: bySegment[i]!,
    })),
    unallocated: { total: Object.values(left).reduce((a, b) => a + b, 0), bySegment: left },
  };
}
