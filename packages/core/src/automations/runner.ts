// Running a run: its steps one after the other until it waits, ends or fails a step, and the
// conditions branches, waits and stop conditions read.

import { activityTables } from "../activities/index.js";
import type { EmailSender } from "../email/index.js";
import { toIsoInstant } from "../environment.js";
import { scoringTables } from "../scoring/index.js";
import type { Instruction } from "./program.js";
import type { AutomationDeps } from "./runs.js";
import { durationMs, loadSubject, runStep, type StepOutcome, type Subject } from "./steps.js";
import type { StoredRun } from "./stored.js";
import type { AutomationCondition, AutomationRun, RunEntry } from "./types.js";

const recheckMs = 60 * 60_000;
const maxAttempts = 6;
const historyLength = 100;
const backoff = (attempts: number) => Math.min(12 * 3_600_000, 60_000 * 5 ** (attempts - 1));

/** Whether a condition holds for a run's subject now. @internal */
export async function conditionHolds(
  deps: Pick<AutomationDeps, "storage" | "segments" | "deals">,
  condition: AutomationCondition,
  run: AutomationRun,
  subject: Subject,
): Promise<boolean> {
  if ("rebooked" in condition) {
    if (run.contactId === undefined) return false;
    const activities = await activityTables.activities.all(deps.storage, {
      index: "contactId",
      where: { eq: run.contactId },
    });
    return activities.some(
      (a) =>
        a.status === "planned" &&
        a.startAt !== undefined &&
        a.createdAt > run.startedAt &&
        a.id !== run.activityId,
    );
  }
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
  const finish = (status: "done" | "stopped" | "failed", entries: RunEntry[], reason?: string) => {
    const { dueAt: _due, revision, ...rest } = run;
    return save(
      {
        ...rest,
        status,
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
    if (run.stopWhen !== undefined && (await conditionHolds(deps, run.stopWhen, run, subject)))
      return {
        run: await finish(
          "stopped",
          [entry("stopWhen", "stopped", "the stop condition holds")],
          "stopWhen",
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
      case "next":
        run = await save(
          {
            ...rest,
            pc: run.pc + 1,
            attempts: 0,
            vars: { ...run.vars, ...outcome.vars },
            history: [...run.history, entry(kind, "done", outcome.detail)].slice(-historyLength),
            dueAt: at,
            updatedAt: at,
          },
          revision,
        );
        continue;
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
