// Draining the unassigned queue: the deals nobody could take are offered again, oldest first,
// whenever reps may have become available; overdue ones go to the deadline's pool.
import type {
  AssignmentDecision,
  AssignmentSnapshot,
  AssignmentSource,
} from "../assignment/index.js";
import { CrmkitError } from "../errors.js";
import type { DealDeps } from "./deal-types.js";
import { pipelineTables } from "./tables.js";
import type { Transition } from "./transition.js";
import type { Deal, Pipeline } from "./types.js";

/** Options of `crm.deals.drainQueue`. */
export interface DrainQueueOptions {
  /** At most this many queued deals are offered, oldest first. @defaultValue 500 */
  readonly max?: number;
}

/** What draining the unassigned queue did. */
export interface QueueDrainReport {
  /** Queued deals offered again. */
  readonly examined: number;
  /** Assigned, their decisions saying why ("assigned at 09:00 when Anna's working day started"). */
  readonly assigned: number;
  /** Of those, given to the deadline's pool after waiting too long. */
  readonly overdue: number;
  /** Still waiting: nobody eligible yet. */
  readonly waiting: number;
}

/** What one change of a deal does with the deal as read: `unchanged` writes nothing. @internal */
export type DealApply = (
  transition: Transition,
  deal: Deal,
  pipeline: Pipeline,
  snapshot: AssignmentSnapshot,
) => Promise<"unchanged" | undefined>;

/** Changes one deal in a read-apply-write loop (DealService's own). @internal */
export type DealChange = (id: string, apply: DealApply) => Promise<unknown>;

const hour = 3_600_000;

/**
 * Offers the queued deals again in arrival order. A deal is written only when somebody takes it —
 * with its decision, in one batch whose revision checks make two processes draining at once
 * assign it once; one nobody can take yet is left as it was, without a new decision. @internal
 */
export async function drainQueue(
  deps: Pick<DealDeps, "storage" | "assignment">,
  change: DealChange,
  options: DrainQueueOptions = {},
): Promise<QueueDrainReport> {
  const max = options.max ?? 500;
  if (!(Number.isSafeInteger(max) && max >= 1))
    throw new CrmkitError("VALIDATION_FAILED", "max must be a positive integer.", {
      details: { path: ["max"] },
    });
  const queued = await pipelineTables.deals.all(deps.storage, {
    index: "queue",
    where: { eq: "unassigned" },
  });
  const arrival = (deal: Deal) => deal.queuedAt ?? deal.createdAt;
  queued.sort((a, b) => arrival(a).localeCompare(arrival(b)) || a.id.localeCompare(b.id));
  const counts = { examined: 0, assigned: 0, overdue: 0, waiting: 0 };
  for (const deal of queued.slice(0, max)) {
    counts.examined++;
    const decisions = await deps.assignment.decisions(deal.id);
    const previous = decisions.filter((d) => d.outcome === "unassigned").at(-1) ?? null;
    const result: { outcome: "assigned" | "overdue" | "waiting" | "gone" } = { outcome: "gone" };
    await change(deal.id, async (transition, current, pipeline, snapshot) => {
      result.outcome = "gone";
      if (current.queue !== "unassigned") return "unchanged"; // taken meanwhile
      const since = arrival(current);
      const deadline = snapshot.rules.queueDeadline;
      const deadlinePool = deadline?.poolId ?? snapshot.rules.fallbackPoolId;
      const overdue =
        deadline !== undefined &&
        deadlinePool !== undefined &&
        snapshot.scope.at - Date.parse(since) >= deadline.afterHours * hour;
      const stage = pipeline.stages.find((s) => s.id === current.stageId);
      const queuedDeal = { since, previous };
      const source: AssignmentSource = overdue
        ? {
            target: { kind: "pool", poolId: deadlinePool! },
            label: `waited more than ${deadline!.afterHours} h in the unassigned queue: given to the deadline's pool`,
            queued: queuedDeal,
            relaxed: true,
          }
        : previous?.trigger === "stageEntry" && stage?.assignOnEntry !== undefined
          ? {
              target: stage.assignOnEntry,
              label: `stage "${stage.name}" hands off`,
              queued: queuedDeal,
            }
          : { rules: true, queued: queuedDeal };
      await transition.assign(source, "queue");
      let decision: Omit<AssignmentDecision, "revision"> | undefined;
      for (const pending of transition.events)
        if (pending.type === "deal.assigned") decision = pending.event.decision;
      if (decision?.chosenId === undefined) {
        result.outcome = "waiting";
        return "unchanged"; // nobody yet: nothing written, no new decision
      }
      result.outcome = overdue ? "overdue" : "assigned";
      return undefined;
    });
    if (result.outcome === "waiting") counts.waiting++;
    else if (result.outcome !== "gone") {
      counts.assigned++;
      if (result.outcome === "overdue") counts.overdue++;
    }
  }
  return counts;
}
