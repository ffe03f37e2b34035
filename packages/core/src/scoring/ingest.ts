// Hits coming in: stored once (a hit id seen before is a duplicate), scored on the contacts they
// belong to, or kept anonymous until their visitor is identified.
import { type Environment, toIsoInstant } from "../environment.js";
import { CrmkitError, validationError } from "../errors.js";
import { tables } from "../records/index.js";
import type { StorageAdapter } from "../storage/index.js";
import { parseInput } from "../validation.js";
import { z } from "../zod.js";
import type { CompiledModel } from "./derive.js";
import { hitInputSchema } from "./input.js";
import { type RunOutcome, type ScoreRun, writeUnlessRaced } from "./scorer.js";
import { scoringTables } from "./tables.js";
import type { Hit, HitInput } from "./types.js";

/** What {@link ScoringService.ingest} did. */
export interface IngestReport {
  /** Ids (`<site>:<event id>`) of the hits stored. */
  readonly accepted: readonly string[];
  /** Ids of hits already stored (or sent twice in the call): counted once, ignored now. */
  readonly duplicates: readonly string[];
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
    prepare: () => Promise<ScoreRun>,
  ) => Promise<RunOutcome>;
}

const hitsSchema = z.array(hitInputSchema).min(1).max(1_000);

/** See {@link ScoringService.ingest}. */
export async function ingestHits(
  deps: IngestDeps,
  inputs: readonly HitInput[],
): Promise<IngestReport> {
  const parsed: HitInput[] = parseInput(hitsSchema, inputs, "hits");
  const receivedAt = toIsoInstant(deps.environment.now());
  const byId = new Map<string, Hit>();
  const duplicates: string[] = [];
  for (const input of parsed) {
    const hit = toHit(input, receivedAt);
    if (byId.has(hit.id)) duplicates.push(hit.id);
    else byId.set(hit.id, hit);
  }
  const storage = deps.storage;
  const explicit = [
    ...new Set(parsed.flatMap((hit) => (hit.contactId === undefined ? [] : [hit.contactId]))),
  ];
  const found = await tables.contacts.getMany(storage, explicit);
  const missing = explicit.find((_, index) => found[index] === null);
  if (missing !== undefined) {
    const index = parsed.findIndex((hit) => hit.contactId === missing);
    throw validationError("hits", [
      { path: [index, "contactId"], message: `unknown contact "${missing}"`, code: "unknown_ref" },
    ]);
  }
  const visitorKeys = [
    ...new Set(
      [...byId.values()].flatMap((hit) =>
        hit.contactId === undefined && hit.visitorKey !== undefined ? [hit.visitorKey] : [],
      ),
    ),
  ];
  const visitors = await scoringTables.visitors.getMany(storage, visitorKeys);
  const linked = new Map(
    visitorKeys.flatMap((key, index) => {
      const contactId = visitors[index]?.contactId;
      return contactId === undefined ? [] : [[key, contactId] as const];
    }),
  );
  const byContact = new Map<string, Hit[]>();
  const anonymous: Hit[] = [];
  for (const hit of byId.values()) {
    const contactId =
      hit.contactId ?? (hit.visitorKey === undefined ? undefined : linked.get(hit.visitorKey));
    if (contactId === undefined) anonymous.push(hit);
    else byContact.set(contactId, [...(byContact.get(contactId) ?? []), { ...hit, contactId }]);
  }
  const accepted: string[] = [];
  if (anonymous.length > 0) accepted.push(...(await storeAnonymous(storage, anonymous)));
  const model = await deps.model();
  for (const [contactId, hits] of byContact) {
    const outcome = await deps.score(model, contactId, async () => ({
      newHits: hits,
      hits: true,
      fit: false,
      cause: "hit",
    }));
    accepted.push(...outcome.stored);
  }
  const stored = new Set(accepted);
  duplicates.push(...[...byId.keys()].filter((id) => !stored.has(id)));
  return { accepted, duplicates };
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

/** Stores hits of anonymous visitors that are not stored yet; returns their ids. */
async function storeAnonymous(storage: StorageAdapter, hits: Hit[]): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const existing = await scoringTables.hits.getMany(
      storage,
      hits.map((hit) => hit.id),
    );
    const fresh = hits.filter((_, index) => existing[index] === null);
    if (fresh.length === 0) return [];
    const ops = fresh.map((hit) => scoringTables.hits.put(hit, 0));
    if (await writeUnlessRaced(storage, ops, attempt)) return fresh.map((hit) => hit.id);
  }
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
