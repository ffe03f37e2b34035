import type { ActivityEvents } from "../activities/types.js";
import type { EmailSender } from "../email/port.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError, validationError } from "../errors.js";
import type { EventBus } from "../events/event-bus.js";
import type { PipelineEvents } from "../pipelines/deal-service.js";
import { readAll } from "../records/read-all.js";
import { collections } from "../records/schema.js";
import type { Contact } from "../records/types.js";
import type { ScoringEvents } from "../scoring/types.js";
import type { SegmentEvents, SegmentService } from "../segments/service.js";
import { calendarDate } from "../time/zoned.js";
import { parseInput } from "../validation.js";
import { automationInputSchema } from "./input.js";
import { compileProgram, type Instruction } from "./program.js";
import {
  durationMs,
  loadSubject,
  runStep,
  type StepDeps,
  type StepOutcome,
  type Subject,
} from "./steps.js";
import type {
  Automation,
  AutomationCondition,
  AutomationEvents,
  AutomationInput,
  AutomationRun,
  RunDueReport,
  RunEntry,
  RunStatus,
  Trigger,
} from "./types.js";

/** The events that start runs. @internal */
export type TriggerEvents = ActivityEvents &
  PipelineEvents &
  ScoringEvents &
  SegmentEvents & {
    /** Tags changed on a contact or account. */
    "tags.changed": TagsChangedEvent;
  };

/** Tags were added to or removed from a contact or account. */
export interface TagsChangedEvent {
  /** `contact` or `account`. */
  readonly target: "contact" | "account";
  /** The record. */
  readonly recordId: string;
  /** Tags added. */
  readonly added: readonly string[];
  /** Tags removed. */
  readonly removed: readonly string[];
  /** When. */
  readonly at: string;
}

/** What the automation service is built on. @internal */
export interface AutomationDeps extends StepDeps {
  readonly timezone: string;
  readonly segments: Pick<SegmentService, "isMember">;
  readonly bus: Pick<EventBus<TriggerEvents & AutomationEvents>, "on" | "emit">;
}

/** Options of {@link AutomationService.runDue}. */
export interface RunDueOptions {
  /** What e-mail steps send through. */
  readonly email?: EmailSender;
  /** The instant to run at. @defaultValue the environment's now */
  readonly now?: number;
  /** At most this many runs in this call. @defaultValue 1000 */
  readonly maxRuns?: number;
}

const leaseMs = 5 * 60_000;
const recheckMs = 60 * 60_000;
const maxAttempts = 6;
const historyLength = 100;
const backoff = (attempts: number) => Math.min(12 * 3_600_000, 60_000 * 5 ** (attempts - 1));

/**
 * Automations: a trigger (an activity done or missed, a deal entering a stage, a score crossing
 * its threshold, a segment entered or left, a tag added or removed, a time relative to a date
 * field), optional conditions, and steps — create an activity, send an e-mail, wait, wait until,
 * branch, assign, set status or tags, subscribe to a list, notify — run **durably**: every run is a
 * record, `runDue` executes what is due, each step at least once under an idempotency key (a
 * crash between an effect and its bookkeeping neither repeats nor loses the effect), failures
 * retry with backoff and end as dead letters with their reason.
 */
export class AutomationService {
  readonly #deps: AutomationDeps;
  readonly #pending = new Set<Promise<void>>();
  #startFailures: unknown[] = [];

  /** @internal */
  constructor(deps: AutomationDeps) {
    this.#deps = deps;
    const bus = deps.bus;
    const on = <T extends keyof TriggerEvents & string>(
      type: T,
      handle: (
        event: TriggerEvents[T],
      ) => { match: (t: Trigger) => boolean; key: string; subject: RunSubject } | null,
    ) =>
      bus.on(type, (event) => {
        const start = handle(event as TriggerEvents[T]);
        if (start !== null) this.#track(this.#startMatching(start.match, start.key, start.subject));
      });
    for (const type of ["activity.done", "activity.missed"] as const)
      on(type, ({ activity }) => ({
        match: (t) =>
          t.type === type &&
          (t.activityTypes === undefined || t.activityTypes.includes(activity.type)),
        key: activity.id,
        subject: {
          ...(activity.contactId === undefined ? {} : { contactId: activity.contactId }),
          ...(activity.dealId === undefined ? {} : { dealId: activity.dealId }),
          activityId: activity.id,
        },
      }));
    on("deal.stageChanged", (event) => ({
      match: (t) =>
        t.type === "deal.stageEntered" &&
        t.stageId === event.to &&
        (t.pipelineId === undefined || t.pipelineId === event.pipelineId),
      key: `${event.dealId}-${event.to}-${event.at}`,
      subject: { dealId: event.dealId },
    }));
    on("score.thresholdCrossed", (event) => ({
      match: (t) =>
        t.type === "score.thresholdCrossed" &&
        (t.group ?? "global") === event.group &&
        (t.direction ?? "up") === event.direction,
      key: `${event.contactId}-${event.group}-${event.direction}-${event.at}`,
      subject: { contactId: event.contactId },
    }));
    for (const type of ["segment.entered", "segment.left"] as const)
      on(type, (event) =>
        event.target !== "contact"
          ? null
          : {
              match: (t) => t.type === type && t.segmentId === event.segmentId,
              key: `${event.segmentId}-${event.recordId}-${event.at}`,
              subject: { contactId: event.recordId },
            },
      );
    on("tags.changed", (event) =>
      event.target !== "contact"
        ? null
        : {
            match: (t) =>
              (t.type === "tag.added" && event.added.includes(t.tagId)) ||
              (t.type === "tag.removed" && event.removed.includes(t.tagId)),
            key: `${event.recordId}-${event.added.join("+")}-${event.removed.join("+")}-${event.at}`,
            subject: { contactId: event.recordId },
          },
    );
  }

  /** Every automation, by name. */
  async list(): Promise<Automation[]> {
    const all = await readAll<Automation>(this.#deps.storage, collections.automations);
    return all.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One automation, or `null`. */
  async get(id: string): Promise<Automation | null> {
    return (await this.#deps.storage.get(collections.automations, id)) as Automation | null;
  }

  /**
   * Creates or replaces an automation. Runs already started keep the steps they started with.
   * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad field (an unknown action type,
   * status, tag, pool or segment included)
   */
  async define(input: AutomationInput): Promise<Automation> {
    const parsed = parseInput(automationInputSchema, input, "automation");
    await this.#checkReferences(parsed);
    const now = toIsoInstant(this.#deps.environment.now());
    const current = await this.get(parsed.id);
    const record = {
      ...parsed,
      enabled: parsed.enabled ?? true,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    };
    const [outcome] = await this.#deps.storage.write([
      {
        type: "put",
        collection: collections.automations,
        record: record as never,
        expectedRevision: current?.revision ?? 0,
      },
    ]);
    return { ...record, revision: outcome!.revision } as Automation;
  }

  /** Turns an automation on or off (runs under way go on). */
  async setEnabled(id: string, enabled: boolean): Promise<Automation> {
    const current = await this.get(id);
    if (current === null)
      throw new CrmkitError("NOT_FOUND", `There is no automation "${id}".`, { details: { id } });
    const { revision, ...rest } = current;
    return this.define({ ...rest, enabled } as AutomationInput);
  }

  /**
   * Starts a run by hand (a nurture sequence for a list of contacts, a test). `key` makes the
   * start idempotent: the same key starts one run. `null` when the automation's conditions do not
   * hold for the subject.
   * @throws CrmkitError `NOT_FOUND` for an unknown automation
   */
  async start(
    automationId: string,
    subject: RunSubject,
    key: string,
  ): Promise<AutomationRun | null> {
    const automation = await this.get(automationId);
    if (automation === null)
      throw new CrmkitError("NOT_FOUND", `There is no automation "${automationId}".`, {
        details: { automationId },
      });
    const run = await this.#startRun(automation, key, subject);
    return run === null ? null : publicRun(run as StoredRun);
  }

  /** Waits until runs started by recent events are stored; returns how many starts failed. */
  async settle(): Promise<number> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    const failures = this.#startFailures.length;
    this.#startFailures = [];
    return failures;
  }

  /** A run, or `null`. */
  async run(id: string): Promise<AutomationRun | null> {
    const stored = await this.#deps.storage.get(collections.automationRuns, id);
    return stored === null ? null : publicRun(stored as unknown as StoredRun);
  }

  /** Runs of an automation (or of a contact), optionally of one status, oldest first. */
  async runs(
    filter: {
      readonly automationId?: string;
      readonly contactId?: string;
      readonly status?: RunStatus;
    } = {},
  ): Promise<AutomationRun[]> {
    const selection =
      filter.automationId !== undefined
        ? { index: "automationId", where: { eq: filter.automationId } }
        : filter.contactId !== undefined
          ? { index: "contactId", where: { eq: filter.contactId } }
          : undefined;
    const all = await readAll<AutomationRun>(
      this.#deps.storage,
      collections.automationRuns,
      selection,
    );
    return all
      .map((run) => publicRun(run as StoredRun))
      .filter(
        (run) =>
          (filter.status === undefined || run.status === filter.status) &&
          (filter.contactId === undefined || run.contactId === filter.contactId),
      )
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  }

  /**
   * Takes a failed run (a dead letter) up again from its failed step, now.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when it has not failed
   */
  async retry(runId: string): Promise<AutomationRun> {
    const run = (await this.#deps.storage.get(
      collections.automationRuns,
      runId,
    )) as unknown as StoredRun | null;
    if (run === null)
      throw new CrmkitError("NOT_FOUND", `There is no run "${runId}".`, { details: { runId } });
    if (run.status !== "failed")
      throw new CrmkitError("INVALID_TRANSITION", `Run "${runId}" is ${run.status}.`, {
        details: { runId },
      });
    const now = toIsoInstant(this.#deps.environment.now());
    const { revision, reason: _reason, endedAt: _ended, ...rest } = run;
    return publicRun(
      await this.#save(
        { ...rest, status: "active", attempts: 0, dueAt: now, updatedAt: now },
        revision,
      ),
    );
  }

  /**
   * Executes what is due: runs whose next step is due at `now`, each claimed with a revision
   * check and a five-minute lease (two workers never run one step at once; a crashed worker's run
   * is taken again when the lease ends), step after step until the run waits or ends. Call it
   * from a timer, a cron job or a queue consumer ({@link AutomationService.startTimer} in
   * long-running processes); date triggers are swept by it too.
   */
  async runDue(options: RunDueOptions = {}): Promise<RunDueReport> {
    await this.settle();
    const now = options.now ?? this.#deps.environment.now();
    await this.#sweepDates(now);
    const counts = { runs: 0, steps: 0, ended: 0, retried: 0, failed: 0, interrupted: 0 };
    const page = await this.#deps.storage.query({
      collection: collections.automationRuns,
      index: "due",
      where: { lte: toIsoInstant(now) },
      limit: options.maxRuns ?? 1_000,
    });
    for (const stored of page.records as unknown as AutomationRun[]) {
      const claimed = await this.#claim(stored, now);
      if (claimed === null) continue;
      counts.runs++;
      try {
        const result = await this.#advance(claimed, now, options.email);
        counts.steps += result.steps;
        if (result.run.status === "done" || result.run.status === "stopped") counts.ended++;
        if (result.run.status === "failed") counts.failed++;
        if (result.retried) counts.retried++;
      } catch {
        // An unexpected error (the storage failing, a crash in a step): nothing more is written;
        // the lease runs out and the step runs again, under the same key.
        counts.interrupted++;
      }
    }
    return counts;
  }

  /**
   * Calls `runDue` every `intervalMs` (default one minute) in a long-running process, one call at
   * a time; returns a function that stops it. Errors go to `onError`.
   */
  startTimer(
    options: RunDueOptions & {
      readonly intervalMs?: number;
      readonly onError?: (error: unknown) => void;
    } = {},
  ): () => void {
    let running = false;
    const timer = setInterval(async () => {
      if (running) return;
      running = true;
      try {
        await this.runDue(options);
      } catch (error) {
        options.onError?.(error);
      } finally {
        running = false;
      }
    }, options.intervalMs ?? 60_000);
    return () => clearInterval(timer);
  }

  /** Whether a condition holds for a run's subject now. @internal */
  async holds(
    condition: AutomationCondition,
    run: AutomationRun,
    subject: Subject,
  ): Promise<boolean> {
    if ("rebooked" in condition) {
      if (run.contactId === undefined) return false;
      const activities = await readAll<{
        status: string;
        startAt?: string;
        createdAt: string;
        id: string;
      }>(this.#deps.storage, collections.activities, {
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
    if ("contact" in condition)
      return subject.contact === null
        ? false
        : this.#deps.segments.isMember(
            { target: "contact", query: condition.contact },
            subject.contact.id,
          );
    return subject.deal === null
      ? false
      : this.#deps.deals.matches(subject.deal.id, condition.deal);
  }

  #track(promise: Promise<void>): void {
    const tracked = promise.catch((error) => {
      this.#startFailures.push(error);
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  async #startMatching(
    match: (t: Trigger) => boolean,
    key: string,
    subject: RunSubject,
  ): Promise<void> {
    for (const automation of await this.list())
      if (automation.enabled && match(automation.trigger))
        await this.#startRun(automation, key, subject);
  }

  async #startRun(
    automation: Automation,
    key: string,
    subject: RunSubject,
  ): Promise<AutomationRun | null> {
    const id = `${automation.id}:${key}`;
    const existing = await this.run(id);
    if (existing !== null) return existing;
    let contactId = subject.contactId;
    if (contactId === undefined && subject.dealId !== undefined) {
      const deal = await this.#deps.deals.get(subject.dealId);
      contactId = deal?.contactId;
    }
    const now = toIsoInstant(this.#deps.environment.now());
    const draft = {
      id,
      automationId: automation.id,
      ...subject,
      ...(contactId === undefined ? {} : { contactId }),
      status: "active" as const,
      pc: 0,
      program: compileProgram(automation.steps),
      stopWhen: automation.stopWhen,
      attempts: 0,
      vars: {},
      history: [],
      startedAt: now,
      dueAt: now,
      updatedAt: now,
    } as unknown as StoredRun;
    if (automation.conditions !== undefined) {
      const subjectNow = await loadSubject(this.#deps, draft);
      if (!(await this.holds(automation.conditions, draft, subjectNow))) return null;
    }
    try {
      return await this.#save(draft, 0);
    } catch (error) {
      if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
      return (await this.run(id))!;
    }
  }

  async #claim(run: AutomationRun, now: number): Promise<StoredRun | null> {
    if (run.status !== "active" && run.status !== "waiting") return null;
    const { revision, ...rest } = run as StoredRun;
    try {
      return await this.#save({ ...rest, dueAt: toIsoInstant(now + leaseMs) }, revision);
    } catch (error) {
      if (CrmkitError.is(error, "REVISION_CONFLICT")) return null; // another worker has it
      throw error;
    }
  }

  /** Runs steps until the run waits, ends, or fails a step. */
  async #advance(
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
    ) => {
      const { dueAt: _due, revision, ...rest } = run;
      return this.#save(
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
      if (instruction === undefined)
        return { run: await finish("done", []), steps, retried: false };
      const subject = await loadSubject(this.#deps, run);
      if (run.stopWhen !== undefined && (await this.holds(run.stopWhen, run, subject)))
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
        const holds = await this.holds(instruction.if, run, subject);
        run = { ...run, pc: holds ? run.pc + 1 : instruction.to };
        continue;
      }
      steps++;
      const outcome: StepOutcome =
        instruction.step.kind === "waitUntil"
          ? await this.#waitUntil(instruction, run, subject, now)
          : await runStep(this.#deps, instruction, run, subject, email);
      const { revision, ...rest } = run;
      const kind = instruction.step.kind;
      switch (outcome.kind) {
        case "next":
          run = await this.#save(
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
          run = await this.#save(
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
              run: await finish(
                "failed",
                [entry(kind, "failed", outcome.message)],
                outcome.message,
              ),
              steps,
              retried: false,
            };
          const wait = Math.max(backoff(attempts), outcome.retryAfterMs ?? 0);
          run = await this.#save(
            {
              ...rest,
              status: "active",
              attempts,
              history: [...run.history, entry(kind, "retry", outcome.message)].slice(
                -historyLength,
              ),
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

  async #waitUntil(
    instruction: Extract<Instruction, { op: "step" }>,
    run: StoredRun,
    subject: Subject,
    now: number,
  ): Promise<StepOutcome> {
    const step = instruction.step as Extract<Instruction, { op: "step" }>["step"] & {
      kind: "waitUntil";
    };
    const since = (run.vars[`since:${run.pc}`] as number | undefined) ?? now;
    if (await this.holds(step.condition, run, subject))
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

  async #save(run: Omit<StoredRun, "revision">, expectedRevision: number): Promise<StoredRun> {
    const pending = run.status === "active" || run.status === "waiting";
    const record = { ...run, due: pending ? run.dueAt : undefined };
    if (!pending) delete (record as { due?: string }).due;
    const [outcome] = await this.#deps.storage.write([
      {
        type: "put",
        collection: collections.automationRuns,
        record: record as never,
        expectedRevision,
      },
    ]);
    return { ...run, revision: outcome!.revision } as StoredRun;
  }

  /** Starts the runs of date triggers whose moment came since the last sweep. */
  async #sweepDates(now: number): Promise<void> {
    const automations = (await this.list()).filter((a) => a.enabled && a.trigger.type === "date");
    if (automations.length === 0) return;
    const contacts = await readAll<Contact>(this.#deps.storage, collections.contacts);
    for (const automation of automations) {
      const trigger = automation.trigger as Extract<Trigger, { type: "date" }>;
      const markerId = `automation-sweep:${automation.id}`;
      const marker = (await this.#deps.storage.get(collections.meta, markerId)) as {
        revision: number;
        through: number;
      } | null;
      const since = marker?.through ?? Date.parse(automation.createdAt);
      if (now <= since) continue;
      const fromDay = calendarDate(since, this.#deps.timezone);
      const toDay = calendarDate(now, this.#deps.timezone);
      for (const contact of contacts) {
        const value = readField(contact, trigger.field);
        if (value === undefined) continue;
        const day = shiftDate(value.slice(0, 10), trigger.offsetDays);
        if (day > fromDay && day <= toDay)
          await this.#startRun(automation, `${contact.id}-${value.slice(0, 10)}`, {
            contactId: contact.id,
          });
      }
      await this.#deps.storage.write([
        {
          type: "put",
          collection: collections.meta,
          record: { id: markerId, through: now },
          expectedRevision: marker?.revision ?? 0,
        },
      ]);
    }
  }

  async #checkReferences(input: AutomationInput): Promise<void> {
    const storage = this.#deps.storage;
    const issues: { path: (string | number)[]; message: string; code: string }[] = [];
    const trigger = input.trigger;
    if (
      (trigger.type === "segment.entered" || trigger.type === "segment.left") &&
      (await storage.get(collections.segments, trigger.segmentId)) === null
    )
      issues.push({
        path: ["trigger", "segmentId"],
        message: `unknown segment "${trigger.segmentId}"`,
        code: "unknown_ref",
      });
    if (
      (trigger.type === "tag.added" || trigger.type === "tag.removed") &&
      (await storage.get(collections.tags, trigger.tagId)) === null
    )
      issues.push({
        path: ["trigger", "tagId"],
        message: `unknown tag "${trigger.tagId}"`,
        code: "unknown_ref",
      });
    const walk = async (steps: AutomationInput["steps"], path: (string | number)[]) => {
      for (const [index, step] of steps.entries()) {
        const at = [...path, index];
        if (
          step.kind === "createActivity" &&
          (await storage.get(collections.actionTypes, step.type)) === null
        )
          issues.push({
            path: [...at, "type"],
            message: `unknown action type "${step.type}"`,
            code: "unknown_ref",
          });
        if (
          step.kind === "setStatus" &&
          (await storage.get(collections.statuses, step.status)) === null
        )
          issues.push({
            path: [...at, "status"],
            message: `unknown status "${step.status}"`,
            code: "unknown_ref",
          });
        if (step.kind === "addTags" || step.kind === "removeTags")
          for (const [i, tag] of step.tags.entries())
            if ((await storage.get(collections.tags, tag)) === null)
              issues.push({
                path: [...at, "tags", i],
                message: `unknown tag "${tag}"`,
                code: "unknown_ref",
              });
        if (step.kind === "branch") {
          await walk(step.steps, [...at, "steps"]);
          if (step.otherwise !== undefined) await walk(step.otherwise, [...at, "otherwise"]);
        }
      }
    };
    await walk(input.steps, ["steps"]);
    if (issues.length > 0) throw validationError("automation", issues);
  }
}

/** What a run is about. */
export interface RunSubject {
  /** The contact. */
  readonly contactId?: string;
  /** The deal. */
  readonly dealId?: string;
  /** The triggering activity. */
  readonly activityId?: string;
}

/** A run as stored: with its program and stop condition. @internal */
export type StoredRun = AutomationRun & {
  readonly program: readonly Instruction[];
  readonly stopWhen?: AutomationCondition;
};

/** A run without what only the engine reads (its program, stop condition, due key). */
function publicRun(run: StoredRun): AutomationRun {
  const {
    program: _program,
    stopWhen: _stopWhen,
    due: _due,
    ...rest
  } = run as StoredRun & {
    due?: string;
  };
  return rest;
}

function readField(contact: Contact, field: string): string | undefined {
  let value: unknown = contact;
  for (const key of field.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) ? value : undefined;
}

function shiftDate(date: string, days: number): string {
  const at = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(at).toISOString().slice(0, 10);
}
