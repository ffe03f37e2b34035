// The shapes the automation engine shares between its service and its runner.
import type { EventBus } from "../events/index.js";
import type { SegmentService } from "../segments/index.js";
import type { StepDeps } from "./steps.js";
import type { StoredRun } from "./stored.js";
import type { TriggerEvents } from "./triggers.js";
import type { AutomationEvents, AutomationRun } from "./types.js";

/** What the automation service is built on. */
export interface AutomationDeps extends StepDeps {
  readonly timezone: string;
  readonly segments: Pick<SegmentService, "isMember">;
  readonly bus: Pick<EventBus<TriggerEvents & AutomationEvents>, "on" | "emit">;
  /** Other work `runDue` does when it runs: draining the unassigned queue. */
  readonly dueWork?: () => Promise<unknown>;
}

/** A run without what only the engine reads (its program, stop condition, due key). @internal */
export function publicRun(run: StoredRun): AutomationRun {
  const { program: _program, stopWhen: _stopWhen, due: _due, ...rest } = run;
  return rest;
}
