// Length: one decision procedure (rules, then pools, then the fallback) with its explanation;
// snapshot, pools and tables are apart.
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, type ValidationIssue, validationError } from "../errors.js";
import { ownValue } from "../own.js";
import { compileCondition, readPath } from "../query/index.js";
import type { Absence, Revised, Taxonomy, User } from "../records/index.js";
import {
  asStored,
  collections,
  Held,
  loadTaxonomy,
  tables,
  taxonomyCollections,
} from "../records/index.js";
import type { StorageAdapter, StoredRecord, WriteOperation } from "../storage/index.js";
import { parseInput } from "../validation.js";
import { capacityPeriod, unavailability, wallTime } from "./availability.js";
import { assignmentRulesSchema } from "./input.js";
import { PoolService } from "./pools.js";
import { type Contender, choose } from "./strategy.js";
import { type AssignmentCounter, assignmentTables } from "./tables.js";
import type {
  AssignmentDecision,
  AssignmentRules,
  AssignmentSnapshot,
  AssignmentTarget,
  Pool,
  RuleTrace,
  SkippedCandidate,
  SkipReason,
} from "./types.js";

/** What the assignment service is built on. */
export interface AssignmentDeps {
  /** The store. */
  readonly storage: StorageAdapter;
  /** Clock and ids. */
  readonly environment: Environment;
  /** The workspace timezone. */
  readonly timezone: string;
}

/**
 * What to assign a deal by: the stored rules, or one target (a stage's hand-off) — for a deal
 * taken from the unassigned queue, with what queued it; an overdue one `relaxed` (working hours
 * and capacity not checked).
 */
export type AssignmentSource =
  | { readonly rules: true; readonly queued?: QueuedDeal }
  | {
      readonly target: AssignmentTarget;
      readonly label: string;
      readonly queued?: QueuedDeal;
      readonly relaxed?: boolean;
    };

/** A deal waiting in the unassigned queue, as its draining sees it. */
export interface QueuedDeal {
  /** When it entered the queue. */
  readonly since: string;
  /** The decision that left it there, when known. */
  readonly previous: AssignmentDecision | null;
}

/** A decision and the writes that record it, to be written with the deal. */
export interface AssignmentPlan {
  /** The decision record (its revision is set on write). */
  readonly decision: Omit<AssignmentDecision, "revision">;
  /** Rotation state, capacity counters and the decision, each with its revision check. */
  readonly writes: WriteOperation[];
}

const rulesId = "assignment";

/** The record counting a rep's new deals in the day or ISO week (in their timezone) of `at`. */
function counterId(userId: string, unit: "day" | "week", at: number, timezone: string): string {
  return `cap:${userId}:${unit}:${capacityPeriod(at, unit, timezone)}`;
}

/** Collects the candidates of one decision. */
interface CandidateLog {
  /** Capacity counters read so far, by record id. */
  readonly counters: Map<string, Revised<AssignmentCounter> | null>;
  /** Records a candidate and checks it is active, present and on duty. */
  consider(user: User | undefined, userId: string, respectHours: boolean): boolean;
  /** Records a candidate passed over for another reason. */
  skip(entry: SkippedCandidate): void;
}
const noRules: AssignmentRules = { rules: [] };

/**
 * Assignment rules and pools, and the engine that decides who gets a deal. Decisions are
 * deterministic: rotation cursors and capacity counters are records written with revision checks in
 * the same batch as the deal, so two servers assigning at once never exceed a capacity or skew a
 * rotation — one of them retries.
 */
export class AssignmentService {
  readonly #deps: AssignmentDeps;
  readonly #configuration: Held<{
    rules: AssignmentRules;
    pools: Map<string, Pool>;
    users: Map<string, Revised<User>>;
    absences: Map<string, Absence[]>;
    taxonomy: Taxonomy;
  }>;
  /** The pools leads are spread in: create, update, remove, get, list. */
  readonly pools: PoolService;

  /** @internal */
  constructor(deps: AssignmentDeps) {
    this.#deps = deps;
    this.#configuration = new Held(
      deps.storage,
      [
        collections.meta,
        collections.pools,
        collections.users,
        collections.absences,
        ...taxonomyCollections,
      ],
      () => this.#readConfiguration(),
    );
    this.pools = new PoolService({
      ...deps,
      snapshot: (at) => this.snapshot(at),
      rules: () => this.rules(),
    });
  }

  /** The stored rules (none until set). */
  async rules(): Promise<AssignmentRules> {
    const record = await assignmentTables.rules.get(this.#deps.storage, rulesId);
    return record === null ? noRules : record.value;
  }

  /**
   * Replaces the ordered assignment rules.
   * @throws CrmkitError `VALIDATION_FAILED` for a bad shape, an invalid condition, or a rule naming
   * a user or pool that does not exist (the path names the rule)
   */
  async setRules(rules: AssignmentRules): Promise<AssignmentRules> {
    const parsed: AssignmentRules = parseInput(assignmentRulesSchema, rules, "assignment rules");
    const snapshot = await this.snapshot(this.#deps.environment.now());
    const issues: ValidationIssue[] = [];
    for (const [index, rule] of parsed.rules.entries()) {
      if (rule.when !== undefined) {
        const compiled = compileCondition(rule.when, "deal", snapshot.scope, [
          "rules",
          index,
          "when",
        ]);
        if (!compiled.ok) issues.push(...compiled.issues);
      }
      issues.push(...this.#checkTarget(rule.target, snapshot, ["rules", index, "target"]));
    }
    if (parsed.fallbackPoolId !== undefined && !snapshot.pools.has(parsed.fallbackPoolId)) {
      issues.push({
        path: ["fallbackPoolId"],
        message: `unknown pool "${parsed.fallbackPoolId}"`,
        code: "unknown_pool",
      });
    }
    const deadline = parsed.queueDeadline;
    if (deadline !== undefined) {
      const poolId = deadline.poolId ?? parsed.fallbackPoolId;
      if (poolId === undefined)
        issues.push({
          path: ["queueDeadline", "poolId"],
          message: "a queue deadline needs a pool to give overdue deals to (or a fallbackPoolId)",
          code: "missing_pool",
        });
      else if (deadline.poolId !== undefined && !snapshot.pools.has(deadline.poolId))
        issues.push({
          path: ["queueDeadline", "poolId"],
          message: `unknown pool "${deadline.poolId}"`,
          code: "unknown_pool",
        });
    }
    if (issues.length > 0) throw validationError("assignment rules", issues);
    const current = await assignmentTables.rules.get(this.#deps.storage, rulesId);
    await this.#deps.storage.write([
      assignmentTables.rules.put({ id: rulesId, value: parsed }, current?.revision ?? 0),
    ]);
    return parsed;
  }

  /** @internal Checks that a target names existing users and pools. */
  checkTarget(target: AssignmentTarget, snapshot: AssignmentSnapshot, path: (string | number)[]) {
    return this.#checkTarget(target, snapshot, path);
  }

  #checkTarget(
    target: AssignmentTarget,
    snapshot: AssignmentSnapshot,
    path: (string | number)[],
  ): ValidationIssue[] {
    if (target.kind === "user" && !snapshot.users.has(target.userId))
      return [
        {
          path: [...path, "userId"],
          message: `unknown user "${target.userId}"`,
          code: "unknown_user",
        },
      ];
    if (target.kind === "pool" && !snapshot.pools.has(target.poolId))
      return [
        {
          path: [...path, "poolId"],
          message: `unknown pool "${target.poolId}"`,
          code: "unknown_pool",
        },
      ];
    if (target.kind === "field") {
      const probe = compileCondition(
        { op: "exists", field: target.field },
        "deal",
        snapshot.scope,
        path,
      );
      if (!probe.ok) return probe.issues.map((issue) => ({ ...issue, path: [...path, "field"] }));
    }
    return [];
  }

  /** The decisions recorded for a deal, oldest first. */
  async decisions(dealId: string): Promise<AssignmentDecision[]> {
    const page = await assignmentTables.decisions.query(this.#deps.storage, {
      index: "dealId",
      where: { eq: dealId },
    });
    return page.records.sort((a, b) =>
      a.at === b.at ? a.id.localeCompare(b.id) : a.at.localeCompare(b.at),
    );
  }

  /** @internal Loads what decisions read: rules, pools, users, absences, the condition scope. */
  async snapshot(at: number): Promise<AssignmentSnapshot> {
    const { rules, pools, users, absences, taxonomy } = await this.#configuration.get();
    return {
      rules,
      pools,
      users,
      absences,
      scope: {
        taxonomy,
        at,
        timezone: this.#deps.timezone,
        teamOf: (userId) => users.get(userId)?.teamId,
        compiled: new WeakMap(),
      },
    };
  }

  /** What decisions are made from, read once and held between writes to it. */
  async #readConfiguration() {
    const storage = this.#deps.storage;
    const [rules, pools, users, absences, taxonomy] = await Promise.all([
      this.rules(),
      this.pools.list(),
      tables.users.all(storage),
      tables.absences.all(storage),
      loadTaxonomy(storage),
    ]);
    const byUser = new Map<string, Absence[]>();
    for (const absence of absences) {
      const list = byUser.get(absence.userId) ?? [];
      list.push(absence);
      byUser.set(absence.userId, list);
    }
    return {
      rules,
      pools: new Map(pools.map((pool) => [pool.id, pool])),
      users: new Map(users.map((user) => [user.id, user])),
      absences: byUser,
      taxonomy,
    };
  }

  /**
   * Decides who gets a deal (given as its view: the deal with its contact and account embedded)
   * and returns the decision with the writes that record it.
   *
   * @internal
   */
  async plan(
    view: StoredRecord,
    source: AssignmentSource,
    trigger: AssignmentDecision["trigger"],
    snapshot: AssignmentSnapshot,
  ): Promise<AssignmentPlan> {
    const at = snapshot.scope.at;
    const relaxed = "target" in source && source.relaxed === true;
    const traces: RuleTrace[] = [];
    const skipped: SkippedCandidate[] = [];
    const candidates: string[] = [];
    const poolsTried: string[] = [];
    const writes: WriteOperation[] = [];
    const steps: string[] = [];
    let target: AssignmentTarget | undefined;
    let ruleId: string | undefined;

    if ("rules" in source) {
      for (const rule of snapshot.rules.rules) {
        const broken = this.#checkTarget(rule.target, snapshot, []);
        if (broken.length > 0) {
          traces.push({ ruleId: rule.id, outcome: "skipped", reason: broken[0]!.message });
          steps.push(`rule "${rule.id}" skipped: ${broken[0]!.message}`);
          continue;
        }
        if (rule.when !== undefined) {
          const compiled = compileCondition(rule.when, "deal", snapshot.scope);
          if (!compiled.ok) {
            const reason = `invalid condition: ${compiled.issues[0]!.message}`;
            traces.push({ ruleId: rule.id, outcome: "skipped", reason });
            steps.push(`rule "${rule.id}" skipped: ${reason}`);
            continue;
          }
          if (!compiled.condition.test(view)) {
            traces.push({ ruleId: rule.id, outcome: "notMatched" });
            continue;
          }
        }
        traces.push({ ruleId: rule.id, outcome: "matched" });
        steps.push(`rule "${rule.id}" matched`);
        target = rule.target;
        ruleId = rule.id;
        break;
      }
      if (target === undefined) steps.push("no rule matched");
    } else {
      target = source.target;
      steps.push(source.label);
    }

    let chosen: { userId: string; why: string } | undefined;
    const log: CandidateLog = {
      counters: new Map(),
      skip: (entry) => skipped.push(entry),
      consider: (user, userId, respectHours) => {
        candidates.push(userId);
        if (user === undefined) {
          skipped.push({ userId, reason: "deleted", detail: `user "${userId}" no longer exists` });
          return false;
        }
        const away = unavailability(user, snapshot.absences.get(userId) ?? [], at, respectHours);
        if (away !== undefined) {
          skipped.push({ userId, ...away });
          return false;
        }
        return true;
      },
    };

    if (target !== undefined && target.kind !== "pool") {
      let userId: string | undefined;
      let why = "named by the rule";
      if (target.kind === "user") userId = target.userId;
      else if (target.kind === "accountOwner") {
        const owner = readPath(view, ["account", "ownerId"]);
        userId = typeof owner === "string" ? owner : undefined;
        why = "owns the account";
        if (userId === undefined) steps.push("the account has no owner");
      } else {
        const value = readPath(view, target.field.split("."));
        userId = typeof value === "string" ? value : undefined;
        why = `named by ${target.field}`;
        if (userId === undefined) steps.push(`${target.field} is empty`);
      }
      if (userId !== undefined && log.consider(snapshot.users.get(userId), userId, true))
        chosen = { userId, why };
    }

    // Pools: the rule's, then the fallbacks, each tried once.
    let poolId: string | undefined =
      target?.kind === "pool"
        ? target.poolId
        : chosen === undefined
          ? snapshot.rules.fallbackPoolId
          : undefined;
    while (chosen === undefined && poolId !== undefined && !poolsTried.includes(poolId)) {
      poolsTried.push(poolId);
      const pool = snapshot.pools.get(poolId);
      if (pool === undefined) {
        steps.push(`pool "${poolId}" no longer exists`);
        break;
      }
      const result = await this.#choose(pool, snapshot, log, writes, relaxed);
      if (result !== undefined) chosen = result;
      else steps.push(`nobody eligible in pool "${pool.name}"`);
      poolId = pool.fallbackPoolId ?? snapshot.rules.fallbackPoolId;
    }

    const name = (userId: string) => snapshot.users.get(userId)?.name ?? userId;
    for (const skip of skipped) steps.push(`${name(skip.userId)} skipped: ${skip.reason}`);
    if (chosen !== undefined) {
      if (source.queued !== undefined)
        steps.unshift(queuedWhy(source.queued, chosen.userId, snapshot, relaxed));
      steps.push(`${name(chosen.userId)} chosen: ${chosen.why}`);
      writes.push(...(await this.#countAssignment(chosen.userId, snapshot, at, log.counters)));
    } else steps.push("left in the unassigned queue");

    const decision: Omit<AssignmentDecision, "revision"> = {
      id: this.#deps.environment.newId(),
      dealId: view.id,
      at: toIsoInstant(at),
      trigger,
      rules: traces,
      ...(ruleId === undefined ? {} : { ruleId }),
      pools: poolsTried,
      candidates,
      skipped,
      ...(chosen === undefined ? {} : { chosenId: chosen.userId }),
      outcome: chosen === undefined ? "unassigned" : "assigned",
      why: steps.join("; "),
    };
    writes.push(assignmentTables.decisions.put(decision, 0));
    return { decision, writes };
  }

  /**
   * The ids of a pool's members now (a team's users, listed users, or users matching a query),
   * active or not, sorted.
   * @throws CrmkitError `NOT_FOUND` for an unknown pool
   */
  async poolMembers(poolId: string): Promise<string[]> {
    const pool = await this.pools.get(poolId);
    if (pool === null)
      throw new CrmkitError("NOT_FOUND", `There is no pool "${poolId}".`, { details: { poolId } });
    return this.#members(pool, await this.snapshot(this.#deps.environment.now()));
  }

  /** The members of a pool, by id. */
  #members(pool: Pool, snapshot: AssignmentSnapshot): string[] {
    const members = pool.members;
    let ids: string[];
    if ("userIds" in members) ids = [...members.userIds];
    else if ("teamId" in members)
      ids = [...snapshot.users.values()]
        .filter((u) => u.teamId === members.teamId)
        .map((u) => u.id);
    else {
      const compiled = compileCondition(members.query, "user", snapshot.scope);
      ids = compiled.ok
        ? [...snapshot.users.values()]
            .filter((user) => compiled.condition.test(asStored(user)))
            .map((user) => user.id)
        : [];
    }
    return [...new Set(ids)].sort();
  }

  async #choose(
    pool: Pool,
    snapshot: AssignmentSnapshot,
    log: CandidateLog,
    writes: WriteOperation[],
    relaxed: boolean,
  ): Promise<{ userId: string; why: string } | undefined> {
    const storage = this.#deps.storage;
    const at = snapshot.scope.at;
    const stateId = `pool:${pool.id}`;
    const stateRecord = await assignmentTables.rotations.get(storage, stateId);
    const { id: _id, revision: _revision, ...state } = stateRecord ?? { id: stateId, revision: 0 };
    const open: string[] = [];
    const respectHours = !relaxed && (pool.respectWorkingHours ?? true);
    for (const userId of this.#members(pool, snapshot)) {
      if (!log.consider(snapshot.users.get(userId), userId, respectHours)) continue;
      const full = relaxed
        ? undefined
        : await this.#overCapacity(userId, pool, snapshot, at, log.counters);
      if (full === undefined) open.push(userId);
      else log.skip({ userId, reason: "overCapacity", detail: full });
    }
    const loadName = pool.load === "openTasks" ? "open tasks" : "open deals";
    const contenders: Contender[] = [];
    for (const userId of open) {
      const load =
        pool.strategy === "leastLoaded"
          ? await storage.count(
              pool.load === "openTasks"
                ? { collection: collections.tasks, index: "openAssigneeId", where: { eq: userId } }
                : { collection: collections.deals, index: "openOwnerId", where: { eq: userId } },
            )
          : 0;
      const weight = ownValue(pool.weights, userId);
      contenders.push({ userId, weight: typeof weight === "number" ? weight : 1, load });
    }
    const choice = choose(pool.strategy, contenders, state, loadName);
    // Written even when nobody was chosen: checking its revision serialises every decision made in
    // the pool, so concurrent writers never both take the same turn of the rotation.
    writes.push(
      assignmentTables.rotations.put(
        { id: stateId, ...(choice?.state ?? state) },
        stateRecord?.revision ?? 0,
      ),
    );
    return choice === undefined
      ? undefined
      : { userId: choice.userId, why: `${choice.why} in pool "${pool.name}"` };
  }

  async #overCapacity(
    userId: string,
    pool: Pool,
    snapshot: AssignmentSnapshot,
    at: number,
    counters: Map<string, Revised<AssignmentCounter> | null>,
  ): Promise<string | undefined> {
    const user = snapshot.users.get(userId)!;
    for (const unit of ["day", "week"] as const) {
      const limit = unit === "day" ? pool.capacity?.perDay : pool.capacity?.perWeek;
      if (limit === undefined) continue;
      const id = counterId(userId, unit, at, user.timezone);
      if (!counters.has(id))
        counters.set(id, await assignmentTables.counters.get(this.#deps.storage, id));
      const count = counters.get(id)?.count ?? 0;
      if (count >= limit) return `${user.name} has ${count} of ${limit} new deals this ${unit}`;
    }
    return undefined;
  }

  /** Increments the chosen rep's day and week counters, with revision checks. */
  async #countAssignment(
    userId: string,
    snapshot: AssignmentSnapshot,
    at: number,
    known: Map<string, Revised<AssignmentCounter> | null>,
  ): Promise<WriteOperation[]> {
    const timezone = snapshot.users.get(userId)?.timezone ?? this.#deps.timezone;
    const ids = (["day", "week"] as const).map((unit) => counterId(userId, unit, at, timezone));
    // A counter the capacity check read is written at that revision: if another writer counted in
    // between, this write conflicts and the decision is made again, so a capacity is never exceeded.
    const missing = ids.filter((id) => !known.has(id));
    const read = await assignmentTables.counters.getMany(this.#deps.storage, missing);
    for (const [index, id] of missing.entries()) known.set(id, read[index] ?? null);
    return ids.map((id) => {
      const counter = known.get(id) ?? null;
      return assignmentTables.counters.put(
        { id, userId, count: (counter?.count ?? 0) + 1 },
        counter?.revision ?? 0,
      );
    });
  }
}

/**
 * Why a queued deal could be assigned now, in words: "waited in the unassigned queue since
 * 2026-05-18 02:14; assigned at 09:00 when Anna Roux's working day started" — read from what
 * kept the chosen rep out of the decision that queued it.
 */
function queuedWhy(
  queued: QueuedDeal,
  chosenId: string,
  snapshot: AssignmentSnapshot,
  relaxed: boolean,
): string {
  const user = snapshot.users.get(chosenId);
  const timezone = user?.timezone ?? snapshot.scope.timezone;
  const name = user?.name ?? chosenId;
  const since = wallTime(Date.parse(queued.since), timezone);
  const now = wallTime(snapshot.scope.at, timezone);
  const at = since.slice(0, 10) === now.slice(0, 10) ? now.slice(11) : now;
  const blocked = queued.previous?.skipped.find((skip) => skip.userId === chosenId)?.reason;
  const unblocked: Partial<Record<SkipReason, string>> = {
    offHours: `when ${name}'s working day started`,
    absent: `when ${name}'s absence ended`,
    overCapacity: `when ${name} had capacity again`,
    inactive: `when ${name} was active again`,
  };
  const when = relaxed
    ? "past the queue's deadline"
    : ((blocked === undefined ? undefined : unblocked[blocked]) ??
      (queued.previous?.candidates.includes(chosenId) === true
        ? `when ${name} became available`
        : "after the assignment rules or pools changed"));
  return `waited in the unassigned queue since ${since}; assigned at ${at} ${when}`;
}
