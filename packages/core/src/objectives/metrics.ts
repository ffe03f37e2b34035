import * as z from "../zod.js";

/**
 * What an objective or a pay criterion measures.
 *
 * Outputs: `revenue` (value of deals won, minor units), `margin` (minor units; only from a dataset,
 * deals carry no margin), `mrr` (monthly recurring revenue booked, minor units; only from a
 * dataset), `dealsWon`, `newCustomers` (accounts — or contacts without an account —
 * whose first won deal closed in the period), `segmentRevenueShare` (percentage of revenue from a
 * segment's members). Inputs: `meetingsHeld` and `meetingsPerWeek` (done activities of the
 * `meeting` and `visit` categories), `calls` (done `call` activities), `proposalsSent` (deals
 * entering a proposal stage), `newProspects` (contacts and accounts created with the rep as owner),
 * `conversionRate` (percentage of the deals closed in the period that were won).
 */
export type MetricKind =
  | "revenue"
  | "margin"
  | "mrr"
  | "dealsWon"
  | "newCustomers"
  | "segmentRevenueShare"
  | "meetingsHeld"
  | "meetingsPerWeek"
  | "calls"
  | "proposalsSent"
  | "newProspects"
  | "conversionRate";

/** A metric, optionally restricted to a segment's members. */
export interface MetricRef {
  /** What is measured. */
  readonly kind: MetricKind;
  /**
   * A saved segment (of accounts or contacts): only deals of its members count. Required for
   * `segmentRevenueShare`; allowed for `revenue`, `dealsWon`, and — in supplied datasets, where it
   * may name any breakdown such as a product line — `margin` and `mrr`.
   */
  readonly segmentId?: string;
}

/** How a metric's values read. */
export type MetricUnit = "money" | "count" | "percent" | "perWeek";

/** What crmkit knows about a metric kind. */
export interface MetricInfo {
  /** An output (results) or an input (effort). */
  readonly family: "output" | "input";
  /** How its values read. */
  readonly unit: MetricUnit;
  /**
   * Whether values add up across reps and months (revenue does, a conversion rate does not): only
   * additive targets are split by seasonality and summed into team targets.
   */
  readonly additive: boolean;
  /** Its name in explanations. */
  readonly label: string;
}

/** The catalogue of metric kinds. */
export const metricCatalogue: Readonly<Record<MetricKind, MetricInfo>> = {
  revenue: { family: "output", unit: "money", additive: true, label: "Revenue booked" },
  margin: { family: "output", unit: "money", additive: true, label: "Margin" },
  mrr: { family: "output", unit: "money", additive: true, label: "MRR booked" },
  dealsWon: { family: "output", unit: "count", additive: true, label: "Deals won" },
  newCustomers: { family: "output", unit: "count", additive: true, label: "New customers" },
  segmentRevenueShare: {
    family: "output",
    unit: "percent",
    additive: false,
    label: "Share of revenue from a segment",
  },
  meetingsHeld: { family: "input", unit: "count", additive: true, label: "Meetings held" },
  meetingsPerWeek: {
    family: "input",
    unit: "perWeek",
    additive: false,
    label: "Meetings held per week",
  },
  calls: { family: "input", unit: "count", additive: true, label: "Calls" },
  proposalsSent: { family: "input", unit: "count", additive: true, label: "Proposals sent" },
  newProspects: { family: "input", unit: "count", additive: true, label: "New prospects" },
  conversionRate: { family: "input", unit: "percent", additive: false, label: "Conversion rate" },
};

const metricKinds = Object.keys(metricCatalogue) as [MetricKind, ...MetricKind[]];

/** The zod schema of a {@link MetricRef}. @internal */
export const metricRefSchema = z
  .strictObject({
    kind: z.enum(metricKinds),
    segmentId: z.optional(z.string().check(z.minLength(1))),
  })
  .check(
    z.superRefine((metric, context) => {
      if (metric.kind === "segmentRevenueShare" && metric.segmentId === undefined) {
        context.addIssue({
          code: "custom",
          path: ["segmentId"],
          message: "segmentRevenueShare needs the segment whose share it measures",
        });
      }
      if (
        metric.segmentId !== undefined &&
        !["revenue", "dealsWon", "segmentRevenueShare", "margin", "mrr"].includes(metric.kind)
      ) {
        context.addIssue({
          code: "custom",
          path: ["segmentId"],
          message: `${metric.kind} cannot be restricted to a segment`,
        });
      }
    }),
  );

/**
 * The key a metric's values are filed under in actuals and datasets: the kind, then `@` and the
 * segment id when restricted (`revenue@smb`).
 */
export function metricKey(metric: MetricRef): string {
  return metric.segmentId === undefined ? metric.kind : `${metric.kind}@${metric.segmentId}`;
}

/**
 * Parses a metric key back into a reference.
 * @returns the reference, or `null` for a key that names no metric kind
 */
export function parseMetricKey(key: string): MetricRef | null {
  const [kind, segmentId] = key.split("@", 2) as [string, string | undefined];
  if (!Object.hasOwn(metricCatalogue, kind)) return null;
  return segmentId === undefined
    ? { kind: kind as MetricKind }
    : { kind: kind as MetricKind, segmentId };
}

/** The catalogue entry of a metric. */
export function metricInfo(metric: Pick<MetricRef, "kind">): MetricInfo {
  return metricCatalogue[metric.kind];
}

/** A metric's label with its segment: `Revenue booked (segment smb)`. */
export function metricLabel(metric: MetricRef): string {
  const label = metricCatalogue[metric.kind].label;
  return metric.segmentId === undefined ? label : `${label} (segment ${metric.segmentId})`;
}
