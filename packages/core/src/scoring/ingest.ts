// Hits coming in, in two steps. Accepting stores them durably — each hit once (a hit id seen before
// is a duplicate), with a queue record — and answers. Draining works through the queue in hit
// order, a page at a time, and scores each contact once per page with all its new hits. A queue
// record leaves in the batch that scores its hit, with its revision checked: two processes
// draining the same queue cannot both score a hit, and a process dying mid-drain leaves its hits
// queued for the next drain.
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, validationError } from "../errors.js";
import { tables } from "../records/index.js";
import type { StorageAdapter, WriteOperation } from "../storage/index.js";
import type { CompiledModel } from "./derive.js";
import { queueId, type RunOutcome, type ScoreRun, writeUnlessRaced } from "./scorer.js";
import { type QueuedHit, scoringTables } from "./tables.js";
import type { Hit, HitInput } from "./types.js";

/** What {@link ScoringService.accept} or {@link ScoringService.ingest} did. */
export interface IngestReport {
  /** Ids (`<site>:<event id>`) of the hits stored. */
  readonly accepted: readonly string[];
  /** Ids of hits already stored (or sent twice in the call): counted once, ignored now. */
  readonly duplicates: readonly string[];
}

/** What one {@link ScoringService.drain} did. */
export interface DrainReport {
  /** Hits scored. */
  readonly scored: number;
  /** Contacts scored. */
  readonly contacts: number;
  /** Hits of anonymous visitors, kept unscored until the visitor is identified. */
  readonly anonymous: number;
  /** Whether hits were left in the queue because `limit` was reached. */
  readonly more: boolean;
}

/** What ingestion is built on. */
export interface IngestDeps {
  readonly storage: StorageAdapter;
  readonly environment: Environment;
  /** The compiled model. */
  readonly model: () => Promise<CompiledModel>;
  /** Scores one contact (hand-offs included). */
  readonly score: (
    model: CompiledModel,
    contactId: string,
    prepare: () => Promise<ScoreRun | null>,
  ) => Promise<RunOutcome>;
}

/** Stores validated hits and their queue records; scores nothing. See {@link ScoringService.accept}. */
export async function acceptHits(
  deps: Pick<IngestDeps, "storage" | "environment">,
  inputs: readonly HitInput[],
): Promise<IngestReport> {
  const { storage } = deps;
  const receivedAt = toIsoInstant(deps.environment.now());
  const byId = new Map<string, Hit>();
  const duplicates: string[] = [];
  for (const input of inputs) {
    const hit = toHit(input, receivedAt);
    if (byId.has(hit.id)) duplicates.push(hit.id);
    else byId.set(hit.id, hit);
  }
  const explicit = [
    ...new Set(inputs.flatMap((hit) => (hit.contactId === undefined ? [] : [hit.contactId]))),
  ];
  if (explicit.length > 0) {
    const found = await tables.contacts.getMany(storage, explicit);
    const missing = explicit.find((_, index) => found[index] === null);
    if (missing !== undefined) {
      const index = inputs.findIndex((hit) => hit.contactId === missing);
      throw validationError("hits", [
        {
          path: [index, "contactId"],
          message: `unknown contact "${missing}"`,
          code: "unknown_ref",
        },
      ]);
    }
  }
  const hits = await linkVisitors(storage, [...byId.values()]);
  for (let attempt = 1; ; attempt++) {
    // Optimistic: a hit seen before makes its put conflict, and only then are the ids looked up.
    const fresh = attempt === 1 ? hits : await unseen(storage, hits);
    const ops: WriteOperation[] = fresh.flatMap((hit) => [
      scoringTables.hits.put(hit, 0),
      scoringTables.queue.put({ id: queueId(hit), hitId: hit.id }, 0),
    ]);
    if (fresh.length === 0 || (await writeUnlessRaced(storage, ops, attempt))) {
      const stored = new Set(fresh.map((hit) => hit.id));
      duplicates.push(...hits.filter((hit) => !stored.has(hit.id)).map((hit) => hit.id));
      return { accepted: [...stored], duplicates };
    }
  }
}

async function unseen(storage: StorageAdapter, hits: readonly Hit[]): Promise<Hit[]> {
  const existing = await scoringTables.hits.getMany(
    storage,
    hits.map((hit) => hit.id),
  );
  return hits.filter((_, index) => existing[index] === null);
}

/** Hits of identified visitors get their contact now, so the drain scores them in order. */
async function linkVisitors(storage: StorageAdapter, hits: Hit[]): Promise<Hit[]> {
  const keys = [
    ...new Set(
      hits.flatMap((hit) =>
        hit.contactId === undefined && hit.visitorKey !== undefined ? [hit.visitorKey] : [],
      ),
    ),
  ];
  if (keys.length === 0) return hits;
  const visitors = await scoringTables.visitors.getMany(storage, keys);
  const linked = new Map(
    keys.flatMap((key, index) => {
      const contactId = visitors[index]?.contactId;
      return contactId === undefined ? [] : [[key, contactId] as const];
    }),
  );
  return hits.map((hit) => {
    const contactId = hit.visitorKey === undefined ? undefined : linked.get(hit.visitorKey);
    return hit.contactId !== undefined || contactId === undefined ? hit : { ...hit, contactId };
  });
}

/** Scores queued hits. See {@link ScoringService.drain}. */
export async function drainQueue(
  deps: IngestDeps,
  options: { readonly limit?: number; readonly batchSize?: number } = {},
): Promise<DrainReport> {
  const { storage } = deps;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const batchSize = options.batchSize ?? 500;
  const report = { scored: 0, contacts: 0, anonymous: 0, more: false };
  let model: CompiledModel | undefined;
  let cursor: string | null = null;
  let taken = 0;
  do {
    const page = await scoringTables.queue.query(storage, {
      limit: Math.min(batchSize, limit - taken),
      cursor,
    });
    cursor = page.cursor;
    if (page.records.length === 0) break;
    taken += page.records.length;
    model ??= await deps.model();
    const found = await scoringTables.hits.getMany(
      storage,
      page.records.map((entry) => entry.hitId),
    );
    const byContact = new Map<string, { entries: QueuedHit[]; hits: Hit[] }>();
    const spent: QueuedHit[] = [];
    page.records.forEach((entry, index) => {
      const hit = found[index];
      const contactId = hit?.contactId;
      if (hit == null || contactId === undefined) {
        spent.push(entry);
        return;
      }
      const group = byContact.get(contactId);
      if (group === undefined) byContact.set(contactId, { entries: [entry], hits: [hit] });
      else {
        group.entries.push(entry);
        group.hits.push(hit);
      }
    });
    // Anonymous hits stay stored: identifying their visitor scores them.
    report.anonymous += spent.length;
    if (spent.length > 0) await removeUnlessGone(storage, spent);
    for (const [contactId, group] of byContact) {
      // The first attempt scores what this page read; a retry (another writer got there first)
      // reads again what is still queued.
      let first = true;
      const prepare = async (): Promise<ScoreRun | null> => {
        if (!first) return claim(storage, contactId, group.entries);
        first = false;
        return {
          newHits: group.hits,
          queued: group.entries,
          hits: false,
          fit: false,
          cause: "hit",
        };
      };
      const outcome = await deps.score(model, contactId, prepare);
      if (outcome.scored.length > 0) report.contacts++;
      report.scored += outcome.scored.length;
    }
  } while (cursor !== null && taken < limit);
  report.more = cursor !== null && taken >= limit;
  return report;
}

/** The queued hits of a contact that are still queued (another drain may have scored some). */
async function claim(
  storage: StorageAdapter,
  contactId: string,
  entries: readonly QueuedHit[],
): Promise<ScoreRun | null> {
  const current = (
    await scoringTables.queue.getMany(
      storage,
      entries.map((entry) => entry.id),
    )
  ).filter((entry): entry is QueuedHit => entry !== null);
  if (current.length === 0) return null;
  const hits = (
    await scoringTables.hits.getMany(
      storage,
      current.map((entry) => entry.hitId),
    )
  ).filter((hit): hit is Hit => hit !== null && hit.contactId === contactId);
  return { newHits: hits, queued: current, hits: false, fit: false, cause: "hit" };
}

async function removeUnlessGone(storage: StorageAdapter, entries: readonly QueuedHit[]) {
  try {
    await storage.write(
      entries.map((entry) => scoringTables.queue.remove(entry.id, entry.revision)),
    );
  } catch (error) {
    // Another drain removed some first: what is left is removed one by one.
    if (!CrmkitError.is(error, "REVISION_CONFLICT")) throw error;
    for (const entry of entries)
      await storage
        .write([scoringTables.queue.remove(entry.id, entry.revision)])
        .catch((single: unknown) => {
          if (!CrmkitError.is(single, "REVISION_CONFLICT")) throw single;
        });
  }
}

/** See {@link ScoringService.identify}. */
export async function identifyVisitor(
  deps: IngestDeps,
  input: { readonly siteId?: string; readonly visitorId: string; readonly contactId: string },
): Promise<number> {
  const key = `${input.siteId ?? "api"}:${input.visitorId}`;
  const storage = deps.storage;
  if ((await tables.contacts.get(storage, input.contactId)) === null)
    throw new CrmkitError("NOT_FOUND", `No contact "${input.contactId}".`, {
      details: { id: input.contactId },
    });
  let linked = 0;
  await deps.score(await deps.model(), input.contactId, async (): Promise<ScoreRun> => {
    const visitor = await scoringTables.visitors.get(storage, key);
    if (visitor?.contactId === input.contactId) {
      linked = 0;
      return { hits: false, fit: false, cause: "identify" };
    }
    const earlier = await scoringTables.hits.all(storage, {
      index: "visitorKey",
      where: { eq: key },
    });
    const relink = earlier.filter((hit) => hit.contactId === undefined);
    linked = relink.length;
    const record = {
      id: key,
      siteId: input.siteId ?? "api",
      contactId: input.contactId,
      identifiedAt: toIsoInstant(deps.environment.now()),
    };
    return {
      relink,
      extra: [scoringTables.visitors.put(record, visitor?.revision ?? 0)],
      hits: true,
      fit: false,
      cause: "identify",
    };
  });
  return linked;
}

function toHit(input: HitInput, receivedAt: string): Hit {
  const site = input.siteId ?? "api";
  return {
    id: `${site}:${input.id}`,
    revision: 0,
    siteId: site,
    ...(input.visitorId === undefined ? {} : { visitorKey: `${site}:${input.visitorId}` }),
    ...(input.contactId === undefined ? {} : { contactId: input.contactId }),
    type: input.type,
    ...(input.url === undefined ? {} : { url: input.url }),
    ...(input.referrer === undefined ? {} : { referrer: input.referrer }),
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.props === undefined ? {} : { props: input.props }),
    ...(input.seconds === undefined ? {} : { seconds: input.seconds }),
    at: toIsoInstant(typeof input.at === "number" ? input.at : Date.parse(input.at)),
    receivedAt,
    ...(input.attribution === undefined ? {} : { attribution: input.attribution }),
  };
}
