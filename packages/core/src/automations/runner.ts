// Running a run: its steps one after the other until it waits, ends or fails a step, and the
// conditions branches, waits and stop conditions read.

import { type Activity, activityTables } from "../activities/index.js";
import type { EmailSender } from "../email/index.js";
import { toIsoInstant } from "../environment.js";
import { scoringTables } from "../scoring/index.js";
import type { Instruction } from "./program.js";
import type { AutomationDeps } from "./runs.js";
import { durationMs, loadSubject, runStep, type StepOutcome, type Subject } from "./steps.js";
import type { StoredRun } from "./stored.js";
import type { AutomationCondition, AutomationRun, RebookedCondition, RunEntry } from "./types.js";

const recheckMs = 60 * 60_000;
const maxAttempts = 6;
/** How many entries a run's history keeps. @internal */
export const historyLength = 100;
const backoff = (attempts: number) => Math.min(12 * 3_600_000, 60_000 * 5 ** (attempts - 1));

/** Whether a condition holds for a run's subject now. @internal */
export async function conditionHolds(
  deps: Pick<AutomationDeps, "storage" | "segments" | "deals">,
  condition: AutomationCondition,
  run: AutomationRun,
  subject: Subject,
): Promise<boolean> {
  if ("rebooked" in condition) return (await rebookingOf(deps, condition, run, subject)) !== null;
  if ("qualified" in condition) {
    if (run.contactId === undefined) return false;
    const card = await scoringTables.cards.get(deps.storage, run.contactId);
    return card?.qualified?.includes(condition.qualified) ?? false;
  }
  if ("contact" in condition)
    return subject.contact === null
      ? false
      : deps.segments.isMember({ target: "contact", query: condition.contact }, subject.contact.id);
  return subject.deal === null ? false : deps.deals.matches(subject.deal.id, condition.deal);
}

/** Why a run's stop condition holds now (a rebooking names its appointment), or `null`. @internal */
export async function stopping(
  deps: Pick<AutomationDeps, "storage" | "segments" | "deals">,
  condition: AutomationCondition,
  run: AutomationRun,
  subject: Subject,
): Promise<{ readonly detail: string; readonly vars?: Record<string, unknown> } | null> {
  if ("rebooked" in condition) {
    const rebooking = await rebookingOf(deps, condition, run, subject);
    return rebooking === null
      ? null
      : { detail: rebookingDetail(rebooking), vars: { rebookedBy: rebooking.id } };
  }
  return (await conditionHolds(deps, condition, run, subject))
    ? { detail: "the stop condition holds" }
    : null;
}

/** "rebooked: demo on 2026-05-22T08:00:00.000Z (Demo with Ada)". @internal */
export function rebookingDetail(rebooking: Activity): string {
  return `rebooked: ${rebooking.type} on ${rebooking.startAt}${rebooking.title === undefined ? "" : ` (${rebooking.title})`}`;
}

/**
 * The appointment that rebooks a run's missed one, or `null`: the contact's earliest timed activity
 * created since the miss (or since the run started) for a time after it, planned or done, of the
 * condition's types. One logged afterwards for an earlier time (a meeting held before the miss,
 * recorded late) is not a rebooking.
 * @internal
 */
export async function rebookingOf(
  deps: Pick<AutomationDeps, "storage">,
  condition: RebookedCondition,
  run: AutomationRun,
  subject: Pick<Subject, "activity">,
): Promise<Activity | null> {
  if (run.contactId === undefined) return null;
  const since =
    subject.activity?.id === run.activityId && subject.activity?.missedAt !== undefined
      ? subject.activity.missedAt
      : run.startedAt;
  const activities = await activityTables.activities.all(deps.storage, {
    index: "contactId",
    where: { eq: run.contactId },
  });
  let found: Activity | null = null;
  for (const a of activities)
    if (
      (a.status === "planned" || a.status === "done") &&
      a.startAt !== undefined &&
      a.id !== run.activityId &&
      a.createdAt >= since &&
      a.startAt >= since &&
      (condition.activityTypes === undefined || condition.activityTypes.includes(a.type)) &&
      (found === null || a.createdAt < found.createdAt)
    )
      found = a;
  return found;
}

/** Runs steps until the run waits, ends, or fails a step. */
export async function advanceRun(
  deps: AutomationDeps,
  save: (run: Omit<StoredRun, "revision">, expectedRevision: number) => Promise<StoredRun>,
  claimed: StoredRun,
  now: number,
  email: EmailSender | undefined,
): Promise<{ run: StoredRun; steps: number; retried: boolean }> {
  let run = claimed;
  let steps = 0;
  const at = toIsoInstant(now);
  const entry = (kind: string, outcome: RunEntry["outcome"], detail?: string): RunEntry => ({
    pc: run.pc,
    kind,
    at,
    outcome,
    ...(detail === undefined || detail === "" ? {} : { detail }),
  });
  const finish = (
    status: "done" | "stopped" | "failed",
    entries: RunEntry[],
    reason?: string,
    vars?: Record<string, unknown>,
  ) => {
    const { dueAt: _due, revision, ...rest } = run;
    return save(
      {
        ...rest,
        status,
        ...(vars === undefined ? {} : { vars: { ...run.vars, ...vars } }),
        history: [...run.history, ...entries].slice(-historyLength),
        ...(reason === undefined ? {} : { reason }),
        endedAt: at,
        updatedAt: at,
      },
      revision,
    );
  };
  for (;;) {
    const instruction = run.program[run.pc];
    if (instruction === undefined) return { run: await finish("done", []), steps, retried: false };
    const subject = await loadSubject(deps, run);
    const stop =
      run.stopWhen === undefined ? null : await stopping(deps, run.stopWhen, run, subject);
    if (stop !== null)
      return {
        run: await finish(
          "stopped",
          [entry("stopWhen", "stopped", stop.detail)],
          "stopWhen",
          stop.vars,
        ),
        steps,
        retried: false,
      };
    if (instruction.op === "jump") {
      run = { ...run, pc: instruction.to };
      continue;
    }
    if (instruction.op === "jumpUnless") {
      const holds = await conditionHolds(deps, instruction.if, run, subject);
      run = { ...run, pc: holds ? run.pc + 1 : instruction.to };
      continue;
    }
    steps++;
    const outcome: StepOutcome =
      instruction.step.kind === "waitUntil"
        ? await waitUntil(deps, instruction, run, subject, now)
        : await runStep(deps, instruction, run, subject, email);
    const { revision, ...rest } = run;
    const kind = instruction.step.kind;
    switch (outcome.kind) {
      case "next": {
        const done = entry(kind, "done", outcome.detail);
        if (run.program[run.pc + 1] === undefined) {
          // The last step: the run ends in the write that records it, not in a second one.
          run = { ...run, pc: run.pc + 1, attempts: 0 };
          return {
            run: await finish("done", [done], undefined, outcome.vars),
            steps,
            retried: false,
          };
        }
        run = await save(
          {
            ...rest,
            pc: run.pc + 1,
            attempts: 0,
            vars: { ...run.vars, ...outcome.vars },
            history: [...run.history, done].slice(-historyLength),
            dueAt: at,
            updatedAt: at,
          },
          revision,
        );
        continue;
      }
      case "wait":
        run = await save(
          {
            ...rest,
            status: "waiting",
            vars: { ...run.vars, ...outcome.vars },
            history:
              outcome.vars === undefined
                ? run.history
                : [
                    ...run.history,
                    entry(kind, "waiting", `until ${toIsoInstant(outcome.until)}`),
                  ].slice(-historyLength),
            dueAt: toIsoInstant(outcome.until),
            updatedAt: at,
          },
          revision,
        );
        return { run, steps, retried: false };
      case "stop":
        return {
          run: await finish("stopped", [entry(kind, "stopped", outcome.detail)], outcome.detail),
          steps,
          retried: false,
        };
      case "fail": {
        const attempts = run.attempts + 1;
        if (!outcome.retryable || attempts >= maxAttempts)
          return {
            run: await finish("failed", [entry(kind, "failed", outcome.message)], outcome.message),
            steps,
            retried: false,
          };
        const wait = Math.max(backoff(attempts), outcome.retryAfterMs ?? 0);
        run = await save(
          {
            ...rest,
            status: "active",
            attempts,
            history: [...run.history, entry(kind, "retry", outcome.message)].slice(-historyLength),
            dueAt: toIsoInstant(now + wait),
            updatedAt: at,
          },
          revision,
        );
        return { run, steps, retried: true };
      }
    }
  }
}

async function waitUntil(
  deps: AutomationDeps,
  instruction: Extract<Instruction, { op: "step" }>,
  run: StoredRun,
  subject: Subject,
  now: number,
): Promise<StepOutcome> {
  const step = instruction.step as Extract<Instruction, { op: "step" }>["step"] & {
    kind: "waitUntil";
  };
  const since = (run.vars[`since:${run.pc}`] as number | undefined) ?? now;
  if (await conditionHolds(deps, step.condition, run, subject))
    return { kind: "next", detail: "condition met" };
  const deadline = since + durationMs(step.timeout);
  if (now >= deadline)
    return (step.onTimeout ?? "continue") === "stop"
      ? { kind: "stop", detail: "timed out" }
      : { kind: "next", detail: "timed out" };
  return {
    kind: "wait",
    until: Math.min(deadline, now + recheckMs),
    vars: { [`since:${run.pc}`]: since },
  };
}
