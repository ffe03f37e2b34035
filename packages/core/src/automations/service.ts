// Length: the public face of automations — programs, runs, triggers and runDue — each verb short;
// the runner, steps, journal and triggers are apart.
import type { EmailSender } from "../email/index.js";
import { toIsoInstant } from "../environment.js";
import { CrmkitError } from "../errors.js";
import { revised } from "../records/index.js";
import { parseInput } from "../validation.js";
import { sweepDateTriggers } from "./dates.js";
import { automationInputSchema, checkReferences } from "./input.js";
import { journalId } from "./journal.js";
import { compileProgram } from "./program.js";
import { advanceRun, conditionHolds, historyLength, rebookingOf, stopping } from "./runner.js";
import { type AutomationDeps, publicRun } from "./runs.js";
import { loadSubject } from "./steps.js";
import type { StoredRun } from "./stored.js";
import { automationTables } from "./tables.js";
import {
  type RunSubject,
  subscribeTriggers,
  type TriggerOccurrence,
  triggerMatches,
} from "./triggers.js";
import type {
  Automation,
  AutomationInput,
  AutomationRun,
  RebookedCondition,
  RunDueReport,
  RunEntry,
  RunStatus,
} from "./types.js";

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
/** Runs claimed per write: few enough that their leases outlast running them. */
const claimBatch = 100;

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
    subscribeTriggers(deps.bus, (occurrence) => this.#track(this.#consume(occurrence)));
  }

  /** Every automation, by name. */
  async list(): Promise<Automation[]> {
    const all = await automationTables.automations.all(this.#deps.storage);
    return all.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One automation, or `null`. */
  async get(id: string): Promise<Automation | null> {
    return automationTables.automations.get(this.#deps.storage, id);
  }

  /**
   * Creates an automation.
   * @throws CrmkitError `VALIDATION_FAILED` with the path of the bad field (an unknown action type,
   * status, tag, pool or segment included), `REVISION_CONFLICT` when one has this id already
   */
  async create(input: AutomationInput): Promise<Automation> {
    return this.#write(input, null);
  }

  /**
   * Changes an automation: the given fields replace the stored ones (`{ enabled: false }` turns it
   * off). Runs already started keep the steps they started with.
   * @throws CrmkitError `NOT_FOUND`, `VALIDATION_FAILED` with the path of the bad field,
   * `REVISION_CONFLICT` when it changed meanwhile
   */
  async update(id: string, patch: Partial<Omit<AutomationInput, "id">>): Promise<Automation> {
    const current = await this.get(id);
    if (current === null)
      throw new CrmkitError("NOT_FOUND", `There is no automation "${id}".`, { details: { id } });
    const {
      revision: _revision,
      createdAt: _created,
      updatedAt: _updated,
      ...definition
    } = current;
    return this.#write({ ...definition, ...patch, id }, current);
  }

  async #write(input: AutomationInput, current: Automation | null): Promise<Automation> {
    const parsed = parseInput(automationInputSchema, input, "automation");
    await checkReferences(this.#deps.storage, parsed);
    const now = toIsoInstant(this.#deps.environment.now());
    const record = {
      ...parsed,
      enabled: parsed.enabled ?? true,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    };
    const [outcome] = await this.#deps.storage.write([
      automationTables.automations.put(record, current?.revision ?? 0),
    ]);
    return revised<Automation>(record, outcome);
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
    return run === null ? null : publicRun(run);
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
    const stored = await automationTables.runs.get(this.#deps.storage, id);
    return stored === null ? null : publicRun(stored);
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
    const all = await automationTables.runs.all(this.#deps.storage, selection);
    return all
      .map((run) => publicRun(run))
      .filter(
        (run) =>
          (filter.status === undefined || run.status === filter.status) &&
          (filter.contactId === undefined || run.contactId === filter.contactId),
      )
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  }

  /**
   * Ends a run under way (`stopped`, with the reason): a contact unsubscribed, a rep took over.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when it has ended
   */
  async stop(runId: string, reason: string): Promise<AutomationRun> {
    const run = await this.#storedRun(runId, ["active", "waiting"]);
    const now = toIsoInstant(this.#deps.environment.now());
    const { revision, dueAt: _due, ...rest } = run;
    return publicRun(
      await this.#save(
        { ...rest, status: "stopped", reason, endedAt: now, updatedAt: now },
        revision,
      ),
    );
  }

  /**
   * Ends a contact's runs under way (of one automation, or all): call it when the contact
   * unsubscribes. Returns how many were stopped.
   */
  async stopFor(
    contactId: string,
    options: { readonly automationId?: string; readonly reason?: string } = {},
  ): Promise<number> {
    let stopped = 0;
    for (const run of await this.runs({ contactId }))
      if (
        (run.status === "active" || run.status === "waiting") &&
        (options.automationId === undefined || run.automationId === options.automationId)
      ) {
        try {
          await this.stop(run.id, options.reason ?? "unsubscribed");
          stopped++;
        } catch (error) {
          // Claimed and advanced meanwhile by a worker: it will stop at its next step anyway.
          if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
        }
      }
    return stopped;
  }

  /**
   * Takes a failed run (a dead letter) up again from its failed step, now.
   * @throws CrmkitError `NOT_FOUND`, `INVALID_TRANSITION` when it has not failed
   */
  async retry(runId: string): Promise<AutomationRun> {
    const run = await this.#storedRun(runId, ["failed"]);
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
   * long-running processes); date triggers are swept by it too, and the unassigned queue of deals
   * is drained (`crm.deals.drainQueue`): reps whose working day started take the deals that waited.
   */
  async runDue(options: RunDueOptions = {}): Promise<RunDueReport> {
    await this.settle();
    await this.#sweepJournal(options.now ?? this.#deps.environment.now(), options.maxRuns ?? 1_000);
    // Read after the sweep: a run it just started is due at its start, and is run in this call.
    const now = options.now ?? this.#deps.environment.now();
    await sweepDateTriggers(this.#deps, await this.list(), now, (automation, key, subject) =>
      this.#startRun(automation, key, subject),
    );
    await this.#deps.dueWork?.();
    const counts = { runs: 0, steps: 0, ended: 0, retried: 0, failed: 0, interrupted: 0 };
    const page = await automationTables.runs.query(this.#deps.storage, {
      index: "due",
      where: { lte: toIsoInstant(now) },
      limit: options.maxRuns ?? 1_000,
    });
    // Claimed a hundred at a time, each hundred run before the next is claimed: one write per
    // hundred claims, and no lease runs out while earlier runs are still being worked. A run's last
    // write in this call — it ends, waits, or fails — is recorded with the hundred's others in one
    // write after them: a process dying before it leaves effects without their record, which the
    // lease hands to the next call, whose steps run again under the same keys (effects once).
    for (let start = 0; start < page.records.length; start += claimBatch) {
      const chunk = page.records.slice(start, start + claimBatch);
      const endings: { record: Omit<StoredRun, "revision">; revision: number }[] = [];
      const save = async (run: Omit<StoredRun, "revision">, revision: number) => {
        if (run.status === "active") return this.#save(run, revision);
        const record = storedRun(run);
        endings.push({ record, revision });
        return { ...record, revision: revision + 1 } as StoredRun;
      };
      for (const claimed of await this.#claimAll(chunk, now)) {
        counts.runs++;
        const written = endings.length;
        try {
          const result = await advanceRun(this.#deps, save, claimed, now, options.email);
          counts.steps += result.steps;
          if (result.retried) counts.retried++;
        } catch {
          // An unexpected error (the storage failing, a crash in a step): nothing more is
          // written; the lease runs out and the step runs again, under the same key.
          endings.length = written;
          counts.interrupted++;
        }
      }
      // A run ends (or fails) once its ending is written; one that could not be is interrupted,
      // and its lease decides.
      const written = await this.#record(endings);
      counts.interrupted += endings.length - written.length;
      for (const { status } of written) {
        if (status === "done" || status === "stopped") counts.ended++;
        if (status === "failed") counts.failed++;
      }
    }
    return counts;
  }

  /**
   * Writes the runs' last records of a hundred in one batch; one by one when another worker changed
   * one meanwhile (its lease ran out), skipping that one. Returns the records written.
   */
  async #record(
    endings: readonly { record: Omit<StoredRun, "revision">; revision: number }[],
  ): Promise<Omit<StoredRun, "revision">[]> {
    if (endings.length === 0) return [];
    const storage = this.#deps.storage;
    try {
      await storage.write(endings.map((e) => automationTables.runs.put(e.record, e.revision)));
      return endings.map((e) => e.record);
    } catch (error) {
      if (!CrmkitError.is(error, "REVISION_CONFLICT")) return [];
    }
    const written: Omit<StoredRun, "revision">[] = [];
    for (const { record, revision } of endings) {
      try {
        await storage.write([automationTables.runs.put(record, revision)]);
        written.push(record);
      } catch {
        // Taken by another worker meanwhile, or the storage failing: the lease decides.
      }
    }
    return written;
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

  /** A stored run in one of the given states. */
  async #storedRun(runId: string, states: readonly RunStatus[]): Promise<StoredRun> {
    const run = await automationTables.runs.get(this.#deps.storage, runId);
    if (run === null)
      throw new CrmkitError("NOT_FOUND", `There is no run "${runId}".`, { details: { runId } });
    if (!states.includes(run.status))
      throw new CrmkitError("INVALID_TRANSITION", `Run "${runId}" is ${run.status}.`, {
        details: { runId },
      });
    return run;
  }

  #track(promise: Promise<void>): void {
    const tracked = promise.catch((error) => {
      this.#startFailures.push(error);
    });
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  /**
   * Starts the runs an occurrence calls for (each start is idempotent: its run id is the
   * automation's and the occurrence's key), then removes its journal record.
   */
  async #consume(occurrence: TriggerOccurrence): Promise<void> {
    for (const automation of await this.list())
      if (automation.enabled && triggerMatches(automation.trigger, occurrence))
        await this.#startRun(automation, occurrence.key, occurrence.subject);
    await this.#followRebooking(occurrence);
    await this.#deps.storage.write([automationTables.journal.remove(journalId(occurrence))]);
  }

  /**
   * Bookings end the contact's recoveries at once, not at their next wake-up: a run whose stop
   * condition is `rebooked` stops on the booking (or the logging of a held meeting). When the
   * appointment that stopped one is cancelled, or missed without a new recovery taking the miss
   * up, the run resumes where it stopped — unless another rebooking still holds. Idempotent: the
   * journal may hand the same occurrence over twice.
   */
  async #followRebooking(occurrence: TriggerOccurrence): Promise<void> {
    const { contactId, activityId } = occurrence.subject;
    if (contactId === undefined || activityId === undefined) return;
    if (!occurrence.type.startsWith("activity.")) return;
    const runs = await automationTables.runs.all(this.#deps.storage, {
      index: "contactId",
      where: { eq: contactId },
    });
    for (const run of runs) {
      if (run.stopWhen === undefined || !("rebooked" in run.stopWhen)) continue;
      if (run.activityId === activityId) continue;
      const pending = run.status === "active" || run.status === "waiting";
      const stoppedBy =
        run.status === "stopped" &&
        run.reason === "stopWhen" &&
        Object.hasOwn(run.vars, "rebookedBy")
          ? run.vars.rebookedBy
          : undefined;
      if (!pending && stoppedBy !== activityId) continue;
      try {
        if (pending) await this.#stopIfRebooked(run);
        else await this.#resumeUnlessRebooked(run, run.stopWhen, occurrence);
      } catch (error) {
        // A worker advanced the run meanwhile: it checks the stop condition before its next step.
        if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
      }
    }
  }

  async #stopIfRebooked(run: StoredRun): Promise<void> {
    const stop = await stopping(this.#deps, run.stopWhen!, run, await loadSubject(this.#deps, run));
    if (stop === null) return;
    const at = toIsoInstant(this.#deps.environment.now());
    const { revision, dueAt: _due, ...rest } = run;
    const entry: RunEntry = {
      pc: run.pc,
      kind: "stopWhen",
      at,
      outcome: "stopped",
      detail: stop.detail,
    };
    await this.#save(
      {
        ...rest,
        status: "stopped",
        reason: "stopWhen",
        vars: { ...run.vars, ...stop.vars },
        history: [...run.history, entry].slice(-historyLength),
        endedAt: at,
        updatedAt: at,
      },
      revision,
    );
  }

  async #resumeUnlessRebooked(
    run: StoredRun,
    condition: RebookedCondition,
    occurrence: TriggerOccurrence,
  ): Promise<void> {
    const { revision, reason: _reason, endedAt: _ended, ...rest } = run;
    const at = toIsoInstant(this.#deps.environment.now());
    const rebooking = await rebookingOf(
      this.#deps,
      condition,
      run,
      await loadSubject(this.#deps, run),
    );
    if (rebooking !== null) {
      // Another appointment still rebooks it: it stays stopped, by that one now.
      if (rebooking.id !== run.vars.rebookedBy)
        await this.#save(
          { ...run, vars: { ...run.vars, rebookedBy: rebooking.id }, updatedAt: at },
          revision,
        );
      return;
    }
    if (occurrence.type !== "activity.cancelled" && occurrence.type !== "activity.missed") return;
    if (occurrence.type === "activity.missed") {
      // The new miss starts its own recovery when the automation covers it; the old run stays.
      const automation = await this.get(run.automationId);
      if (automation?.enabled === true && triggerMatches(automation.trigger, occurrence)) return;
    }
    const { rebookedBy: _by, ...vars } = run.vars;
    const what = occurrence.type === "activity.cancelled" ? "cancelled" : "missed";
    const entry: RunEntry = {
      pc: run.pc,
      kind: "stopWhen",
      at,
      outcome: "resumed",
      detail: `the new appointment was ${what}`,
    };
    await this.#save(
      {
        ...rest,
        status: "waiting",
        vars,
        history: [...run.history, entry].slice(-historyLength),
        dueAt: at,
        updatedAt: at,
      },
      revision,
    );
  }

  /** Consumes journal records left by a process that stopped before their runs started. */
  async #sweepJournal(now: number, limit: number): Promise<void> {
    const page = await automationTables.journal.query(this.#deps.storage, {
      index: "at",
      where: { lte: toIsoInstant(now) },
      limit,
    });
    for (const entry of page.records) {
      const { id: _id, revision: _revision, at: _at, ...occurrence } = entry;
      await this.#consume(occurrence);
    }
  }

  async #startRun(
    automation: Automation,
    key: string,
    subject: RunSubject,
  ): Promise<StoredRun | null> {
    const id = `${automation.id}:${key}`;
    const existing = await automationTables.runs.get(this.#deps.storage, id);
    if (existing !== null) return existing;
    let contactId = subject.contactId;
    if (contactId === undefined && subject.dealId !== undefined) {
      const deal = await this.#deps.deals.get(subject.dealId);
      contactId = deal?.contactId;
    }
    const now = toIsoInstant(this.#deps.environment.now());
    const draft: StoredRun = {
      id,
      revision: 0,
      automationId: automation.id,
      ...subject,
      ...(contactId === undefined ? {} : { contactId }),
      status: "active",
      pc: 0,
      program: compileProgram(automation.steps),
      ...(automation.stopWhen === undefined ? {} : { stopWhen: automation.stopWhen }),
      attempts: 0,
      vars: {},
      history: [],
      startedAt: now,
      dueAt: now,
      updatedAt: now,
    };
    if (automation.conditions !== undefined) {
      const subjectNow = await loadSubject(this.#deps, draft);
      if (!(await conditionHolds(this.#deps, automation.conditions, draft, subjectNow)))
        return null;
    }
    try {
      return await this.#save(draft, 0);
    } catch (error) {
      if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
      return (await automationTables.runs.get(this.#deps.storage, id))!;
    }
  }

  /**
   * Claims runs in one atomic write; when another worker took one of them meanwhile (the batch
   * then writes nothing), claims them one by one so that the others are still taken.
   */
  async #claimAll(runs: readonly StoredRun[], now: number): Promise<StoredRun[]> {
    const dueAt = toIsoInstant(now + leaseMs);
    const records = runs
      .filter((run) => run.status === "active" || run.status === "waiting")
      .map(({ revision, ...rest }) => ({ record: storedRun({ ...rest, dueAt }), revision }));
    if (records.length === 0) return [];
    try {
      const outcomes = await this.#deps.storage.write(
        records.map(({ record, revision }) => automationTables.runs.put(record, revision)),
      );
      return records.map(({ record }, i) => revised<StoredRun>(record, outcomes[i]!));
    } catch (error) {
      if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
    }
    const claimed: StoredRun[] = [];
    for (const run of runs) {
      const taken = await this.#claim(run, now);
      if (taken !== null) claimed.push(taken);
    }
    return claimed;
  }

  async #claim(run: StoredRun, now: number): Promise<StoredRun | null> {
    if (run.status !== "active" && run.status !== "waiting") return null;
    const { revision, ...rest } = run;
    try {
      return await this.#save({ ...rest, dueAt: toIsoInstant(now + leaseMs) }, revision);
    } catch (error) {
      if (CrmkitError.is(error, "REVISION_CONFLICT")) return null; // another worker has it
      throw error;
    }
  }

  async #save(run: Omit<StoredRun, "revision">, expectedRevision: number): Promise<StoredRun> {
    const record = storedRun(run);
    const [outcome] = await this.#deps.storage.write([
      automationTables.runs.put(record, expectedRevision),
    ]);
    return revised<StoredRun>(record, outcome);
  }
}

/** A run as written: `due` (the index key) only while it is pending; a read run may bring an old one. */
function storedRun(run: Omit<StoredRun, "revision">): Omit<StoredRun, "revision"> {
  const { due: _stale, ...rest } = run;
  const pending = run.status === "active" || run.status === "waiting";
  return { ...rest, ...(pending && run.dueAt !== undefined ? { due: run.dueAt } : {}) };
}
