import { CrmkitError } from "../errors.js";
import { collections } from "../records/index.js";
import type { StoredRecord } from "../storage/index.js";
import type { MeasureDeps } from "./measure.js";
import { parsePeriod, periodInstants } from "./period.js";
import type { IntensityLine, IntensityRequest } from "./types.js";

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Plans activity volume from intensity rules ("8 calls and 3 meetings a year per prospect of segment
 * A") over each rep's portfolio (the segment's members the rep owns), and measures what was done:
 * coverage (share of the portfolio worked) and pressure (actions per member), planned against done.
 * An activity counts for a member through its account (or its contact's account) for segments of
 * accounts, through its contact for segments of contacts; a rule's key matches an action type id or
 * an action category.
 *
 * @throws CrmkitError `NOT_FOUND` for an unknown segment, `VALIDATION_FAILED` for a bad period or a
 * negative intensity
 */
export async function measureIntensity(
  deps: MeasureDeps,
  request: IntensityRequest,
): Promise<IntensityLine[]> {
  const period = parsePeriod(request.period);
  const [startMs, endMs] = periodInstants(period, deps.timezone);
  const start = new Date(startMs).toISOString();
  const end = new Date(endMs).toISOString();
  const wantedUsers = request.userIds === undefined ? null : new Set(request.userIds);

  // Per rule: member id → owner.
  const portfolios: { target: string; owner: Map<string, string> }[] = [];
  for (const [i, rule] of request.rules.entries()) {
    for (const [key, count] of Object.entries(rule.perYear)) {
      if (!Number.isFinite(count) || count < 0) {
        throw new CrmkitError("VALIDATION_FAILED", `Intensity of ${key} must be ≥ 0.`, {
          details: { path: ["rules", i, "perYear", key] },
        });
      }
    }
    const segment = await deps.segments.get(rule.segmentId);
    if (segment === null) {
      throw new CrmkitError("NOT_FOUND", `No segment "${rule.segmentId}".`, {
        details: { path: ["rules", i, "segmentId"] },
      });
    }
    const owner = new Map<string, string>();
    let cursor: string | null = null;
    do {
      const page = await deps.segments.members(rule.segmentId, { limit: 1_000, cursor });
      for (const record of page.records) {
        const ownerId = record.ownerId as string | undefined;
        if (ownerId !== undefined && (wantedUsers === null || wantedUsers.has(ownerId)))
          owner.set(record.id, ownerId);
      }
      cursor = page.cursor;
    } while (cursor !== null);
    portfolios.push({ target: segment.target, owner });
  }

  const categories = new Map<string, string>();
  for await (const batch of deps.storage.scan({ collection: collections.actionTypes })) {
    for (const type of batch) categories.set(type.id, type.category as string);
  }
  type Tally = {
    done: Record<string, number>;
    booked: Record<string, number>;
    worked: Set<string>;
  };
  const tallies = portfolios.map(() => new Map<string, Tally>());
  const tallyOf = (rule: number, repId: string): Tally => {
    let tally = tallies[rule]!.get(repId);
    if (tally === undefined) {
      tally = { done: {}, booked: {}, worked: new Set() };
      tallies[rule]!.set(repId, tally);
    }
    return tally;
  };
  const contactAccount = new Map<string, string | null>();
  const needAccounts = portfolios.some((p) => p.target === "account");
  for await (const batch of deps.storage.scan({ collection: collections.activities })) {
    const relevant = batch.filter((a) => {
      const at = (a.startAt ?? a.dueAt ?? a.doneAt) as string | undefined;
      return at !== undefined && at >= start && at < end;
    });
    if (needAccounts) await loadContactAccounts(deps, relevant, contactAccount);
    for (const activity of relevant) {
      if (activity.status !== "done" && activity.status !== "planned") continue;
      const type = activity.type as string;
      const accountId =
        (activity.accountId as string | undefined) ??
        contactAccount.get(activity.contactId as string) ??
        undefined;
      for (const [r, portfolio] of portfolios.entries()) {
        const member =
          portfolio.target === "account" ? accountId : (activity.contactId as string | undefined);
        if (member === undefined) continue;
        const repId = portfolio.owner.get(member);
        if (repId === undefined) continue;
        const rule = request.rules[r]!;
        // A rule names action types or categories; the type's own id wins.
        const category = categories.get(type);
        const key =
          type in rule.perYear
            ? type
            : category !== undefined && category in rule.perYear
              ? category
              : null;
        if (key === null) continue;
        const tally = tallyOf(r, repId);
        const bucket = activity.status === "done" ? tally.done : tally.booked;
        bucket[key] = (bucket[key] ?? 0) + 1;
        if (activity.status === "done") tally.worked.add(member);
      }
    }
  }

  const lines: IntensityLine[] = [];
  for (const [r, rule] of request.rules.entries()) {
    const sizes = new Map<string, number>();
    for (const repId of portfolios[r]!.owner.values())
      sizes.set(repId, (sizes.get(repId) ?? 0) + 1);
    const reps = [...new Set([...(request.userIds ?? []), ...sizes.keys()])].sort();
    for (const repId of reps) {
      const size = sizes.get(repId) ?? 0;
      const tally = tallies[r]!.get(repId);
      const planned: Record<string, number> = {};
      let plannedTotal = 0;
      for (const [key, perYear] of Object.entries(rule.perYear)) {
        planned[key] = round2((perYear * size * period.months) / 12);
        plannedTotal += (perYear * period.months) / 12;
      }
      const done = Object.fromEntries(
        Object.keys(rule.perYear).map((k) => [k, tally?.done[k] ?? 0]),
      );
      const booked = Object.fromEntries(
        Object.keys(rule.perYear).map((k) => [k, tally?.booked[k] ?? 0]),
      );
      const doneTotal = Object.values(done).reduce((a, b) => a + b, 0);
      const worked = tally?.worked.size ?? 0;
      lines.push({
        repId,
        segmentId: rule.segmentId,
        portfolio: size,
        planned,
        done,
        booked,
        worked,
        coverage: size === 0 ? 0 : round2((worked * 100) / size),
        pressure: size === 0 ? 0 : round2(doneTotal / size),
        plannedPressure: round2(plannedTotal),
      });
    }
  }
  return lines;
}

async function loadContactAccounts(
  deps: MeasureDeps,
  activities: readonly StoredRecord[],
  known: Map<string, string | null>,
): Promise<void> {
  const missing = [
    ...new Set(
      activities.flatMap((a) =>
        a.accountId === undefined && typeof a.contactId === "string" && !known.has(a.contactId)
          ? [a.contactId]
          : [],
      ),
    ),
  ];
  if (missing.length === 0) return;
  const contacts = await deps.storage.getMany(collections.contacts, missing);
  missing.forEach((id, i) => {
    known.set(id, (contacts[i]?.accountId as string | undefined) ?? null);
  });
}
