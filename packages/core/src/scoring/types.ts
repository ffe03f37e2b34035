// Length: declarations only — the scoring model, hits, ledger and reports with their TSDoc; no
// logic.
import type { SegmentQuery } from "../query/index.js";
import type { JsonPrimitive } from "../storage/index.js";

/**
 * A duration written as a number and a unit: `s` seconds, `m` minutes, `h` hours, `d` days, `w`
 * weeks (`"30m"`, `"7d"`, `"2w"`).
 */
export type Duration = `${number}${"s" | "m" | "h" | "d" | "w"}`;

/**
 * How points lose value as they age, read lazily from the clock (no background job):
 * - `halfLife`: an entry is worth half its points after `halfLife`, a quarter after twice that;
 * - `linear`: an entry loses `percent` of its points per `every`, down to nothing.
 */
export type Decay = HalfLifeDecay | LinearDecay;

/** Points halve every `halfLife`. */
export interface HalfLifeDecay {
  /** Half-life decay. */
  readonly kind: "halfLife";
  /** The time after which an entry is worth half its points. */
  readonly halfLife: Duration;
}

/** Points lose `percent` of their value per `every`, down to nothing. */
export interface LinearDecay {
  /** Linear decay. */
  readonly kind: "linear";
  /** The share of the points lost per period, in percent. */
  readonly percent: number;
  /** The period. */
  readonly every: Duration;
}

/** A score a contact accumulates: the global one, or one per product line. */
export interface ScoreGroup {
  /** The group id (letters, digits, `_`, `-`); it is the key in `contact.scores`. */
  readonly id: string;
  /** The display name. */
  readonly name?: string;
  /** The highest score the group can show; points above it stay in the ledger but do not count. */
  readonly cap?: number;
  /** The decay of its rules' points, unless a rule sets its own. */
  readonly decay?: Decay;
}

/**
 * How often a rule scores for one contact: `once` (the first qualifying hit ever), `day` or `week`
 * (the first per calendar day or ISO week, in the workspace timezone), or `always` (every hit).
 */
export type RepeatPolicy = "once" | "day" | "week" | "always";

/** What a rule listens to. */
export type RuleTrigger = PageTrigger | EngagementTrigger | EventTrigger | FitTrigger;

/**
 * Page visits whose URL matches a pattern. `*` matches any run of characters; a pattern starting
 * with `/` matches the path, one with a host (`example.com/pricing*` or `https://…`) the host and
 * path. The query string is ignored unless the pattern has a `?`. A trailing `/` does not matter.
 */
export interface PageTrigger {
  /** Page visits. */
  readonly type: "page";
  /** The URL pattern. */
  readonly url: string;
  /** Only the contact's first visit of a matching page qualifies. */
  readonly first?: boolean;
  /** Only visits from the N-th matching visit on qualify. */
  readonly minVisits?: number;
  /** Only a visit within this duration of the previous matching visit qualifies (a quick return). */
  readonly returnWithin?: Duration;
  /** Only a visit at least this long after the previous matching visit qualifies (a comeback). */
  readonly returnAfter?: Duration;
}

/**
 * Time spent on matching pages: the engagement hit that brings the contact's cumulative time on
 * them to `minSeconds` qualifies, and each one after it.
 */
export interface EngagementTrigger {
  /** Engagement time. */
  readonly type: "engagement";
  /** The URL pattern, as for {@link PageTrigger}. */
  readonly url: string;
  /** The cumulative engagement on matching pages, in seconds. */
  readonly minSeconds: number;
}

/** Built-in event names; any other name is a custom event. */
export type BuiltInEvent = "email.opened" | "email.clicked" | "form.submitted";

/**
 * A named event: a built-in one (`email.opened`, `email.clicked`, `form.submitted`) or the site's
 * own (`webinar.registered`). `props` must all match: a value, or an array of accepted values.
 */
export interface EventTrigger {
  /** Events. */
  readonly type: "event";
  /** The event name. */
  readonly name: BuiltInEvent | (string & {});
  /** Property conditions. */
  readonly props?: Readonly<Record<string, JsonPrimitive | readonly JsonPrimitive[]>>;
  /** Only events sent from pages matching this URL pattern. */
  readonly url?: string;
}

/** Profile fit: the contact matches a query of the segment language (re-checked when it changes). */
export interface FitTrigger {
  /** Profile fit. */
  readonly type: "fit";
  /** The condition on the contact. */
  readonly when: SegmentQuery;
}

/** A scoring rule: a trigger, its points in a group, and how often and how long they count. */
export interface ScoringRule {
  /** The rule id; ledger entries name it. */
  readonly id: string;
  /** A display name for explanations. */
  readonly name?: string;
  /** The group the points go to. @defaultValue "global" */
  readonly group?: string;
  /** Whole points, negative to subtract. */
  readonly points: number;
  /** What earns them. */
  readonly when: RuleTrigger;
  /** How often (not for fit rules). @defaultValue "always" */
  readonly repeat?: RepeatPolicy;
  /** The decay of its points; `"none"` opts out of the group's. Not for fit rules. */
  readonly decay?: Decay | "none";
}

/**
 * What happens around a group's threshold. Hysteresis: a contact qualifies at `qualifyAt` and is
 * unqualified only below `unqualifyBelow`, so a score hovering around the line fires nothing.
 */
export interface ScoreThreshold {
  /** The group. */
  readonly group: string;
  /** The score that qualifies. */
  readonly qualifyAt: number;
  /** The score under which a qualified contact returns to nurture. @defaultValue qualifyAt */
  readonly unqualifyBelow?: number;
  /**
   * Hand a contact who qualifies to sales: a deal in the routed (or given) pipeline, assigned by
   * the assignment rules, with the visit history attached. `false` only fires the event.
   * @defaultValue `{}`
   */
  readonly handoff?: false | HandoffOptions;
  /** An e-mail list contacts below the threshold belong to (subscribed and unsubscribed through the outbox). */
  readonly nurtureListId?: string;
}

/** Where a hand-off deal goes. */
export interface HandoffOptions {
  /** The pipeline. @defaultValue the one the routing rules choose */
  readonly pipelineId?: string;
  /** The deal's source. @defaultValue "website" */
  readonly source?: string;
}

/** The whole scoring configuration of a workspace. */
export interface ScoringModel {
  /** The groups; `global` exists even when not listed. */
  readonly groups: readonly ScoreGroup[];
  /** The rules. */
  readonly rules: readonly ScoringRule[];
  /** The thresholds, at most one per group. */
  readonly thresholds: readonly ScoreThreshold[];
}

/** A scoring model as given to {@link ScoringService.setModel}: a list left out is empty. */
export interface ScoringModelInput {
  /** The groups; `global` exists even when not listed. @defaultValue [] */
  readonly groups?: readonly ScoreGroup[];
  /** The rules. @defaultValue [] */
  readonly rules?: readonly ScoringRule[];
  /** The thresholds, at most one per group. @defaultValue [] */
  readonly thresholds?: readonly ScoreThreshold[];
}

/** A stored scoring model. */
export interface StoredScoringModel extends ScoringModel {
  /** The storage revision; pass it back to replace the model without losing a concurrent change. */
  readonly revision: number;
}

/** The kinds of hit the collector and {@link ScoringService.ingest} accept. */
export type HitType = "pageview" | "engagement" | "event";

/** Where a visit came from, parsed from its URL and referrer. */
export interface Attribution {
  /** `utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, `utm_content`, without the prefix. */
  readonly utm?: Readonly<Record<string, string>>;
  /** Ad click ids (`gclid`, `fbclid`, …). */
  readonly clickIds?: Readonly<Record<string, string>>;
  /** The referrer's host, when it is another site. */
  readonly referrerHost?: string;
}

/** A hit to store and score (what the collector produces; server-side events use it directly). */
export interface HitInput {
  /** The event id given by its sender: the same id sent twice is counted once. */
  readonly id: string;
  /** The site it was collected on; hits of different sites never collide. @defaultValue "api" */
  readonly siteId?: string;
  /** The anonymous visitor, until identified. */
  readonly visitorId?: string;
  /** The contact, when the sender knows it (e-mail events from the host's e-mail tool). */
  readonly contactId?: string;
  /** Pageview, engagement time, or a named event. */
  readonly type: HitType;
  /** The page URL. */
  readonly url?: string;
  /** The referrer URL. */
  readonly referrer?: string;
  /** The event name (for `event`). */
  readonly name?: string;
  /** Flat event properties. */
  readonly props?: Readonly<Record<string, JsonPrimitive>>;
  /** Seconds of engagement (for `engagement`). */
  readonly seconds?: number;
  /** When it happened, as an ISO instant or epoch milliseconds. */
  readonly at: string | number;
  /** UTM parameters, click ids and referrer host. */
  readonly attribution?: Attribution;
}

/** A stored hit. */
export interface Hit {
  /** `<site>:<event id>`. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The site. */
  readonly siteId: string;
  /** The visitor key (`<site>:<visitor id>`). */
  readonly visitorKey?: string;
  /** The contact, once known. */
  readonly contactId?: string;
  /** The hit type. */
  readonly type: HitType;
  /** The page URL. */
  readonly url?: string;
  /** The referrer URL. */
  readonly referrer?: string;
  /** The event name. */
  readonly name?: string;
  /** Event properties. */
  readonly props?: Readonly<Record<string, JsonPrimitive>>;
  /** Engagement seconds. */
  readonly seconds?: number;
  /** When it happened. */
  readonly at: string;
  /** When it was stored. */
  readonly receivedAt: string;
  /** Where the visit came from. */
  readonly attribution?: Attribution;
}

/** A decay as stored on a ledger entry, in milliseconds. */
export interface EntryDecay {
  /** Half-life or linear. */
  readonly kind: "halfLife" | "linear";
  /** The half-life, or the period of linear decay, in milliseconds. */
  readonly ms: number;
  /** For linear decay: the percent lost per period. */
  readonly percent?: number;
}

/**
 * One line of the ledger: what one rule gives one hit (or the contact's profile, for a fit rule).
 * The ledger holds exactly what counts, one entry per rule and hit: a rule change or a late hit
 * that changes what a hit is worth rewrites its entry in place (same id, a new revision, `cause`
 * and `recordedAt` saying why and when), and removes an entry no longer earned.
 */
export interface ScoreEntry {
  /** The entry id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The contact. */
  readonly contactId: string;
  /** The group. */
  readonly group: string;
  /** The rule. */
  readonly ruleId: string;
  /** The rule's name when the entry was written. */
  readonly ruleName?: string;
  /** The hit that earned it (none for fit). */
  readonly hitId?: string;
  /** Points, before decay. */
  readonly points: number;
  /** When the points were earned (the hit's instant); decay runs from it. */
  readonly at: string;
  /** The decay in force for it. */
  readonly decay?: EntryDecay;
  /** What last wrote it: a new hit, an identification, a contact change, or a rescore. */
  readonly cause: "hit" | "identify" | "fit" | "rescore";
  /** When it was last written. */
  readonly recordedAt: string;
}

/** One contribution to a score. */
export interface ScoreContribution {
  /** The ledger entry. */
  readonly entryId: string;
  /** The rule. */
  readonly ruleId: string;
  /** The rule's name. */
  readonly ruleName?: string;
  /** The hit, with its URL or event name. */
  readonly hit?: ContributionHit;
  /** Points before decay. */
  readonly points: number;
  /** What they are worth at the instant asked, rounded to hundredths. */
  readonly value: number;
  /** When they were earned. */
  readonly at: string;
}

/** The hit behind a contribution. */
export interface ContributionHit {
  /** The hit id. */
  readonly id: string;
  /** Its type. */
  readonly type: HitType;
  /** The page URL. */
  readonly url?: string;
  /** The event name. */
  readonly name?: string;
}

/** Why a contact has the score it has in one group, as of an instant. */
export interface ScoreExplanation {
  /** The group. */
  readonly group: string;
  /** The instant. */
  readonly at: string;
  /** The score: `total`, capped. */
  readonly score: number;
  /** The sum of the contributions' values. */
  readonly total: number;
  /** The cap in force, if any. */
  readonly cap?: number;
  /** The contributions, largest value first. */
  readonly contributions: readonly ScoreContribution[];
}

/** The scoring state kept per contact: cached scores and threshold states. */
export interface ScoreCard {
  /** The contact id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** Scores by group as of `at` (the same as `contact.scores`). */
  readonly scores: Readonly<Record<string, number>>;
  /** When they were computed. */
  readonly at: string;
  /** Groups whose threshold the contact is over. */
  readonly qualified: readonly string[];
  /** Groups in which the contact is in nurture. */
  readonly nurtured: readonly string[];
  /** Groups qualified whose hand-off deal is not created yet (retried by `refresh`). */
  readonly pending: readonly string[];
  /** Upward crossings so far, per group. */
  readonly crossings: Readonly<Record<string, number>>;
  /** The deal of each group's latest hand-off. */
  readonly handoffs: Readonly<Record<string, string>>;
}

/** A hand-off to sales, kept with the deal it created. */
export interface Handoff {
  /** The record id. */
  readonly id: string;
  /** The storage revision. */
  readonly revision: number;
  /** The deal. */
  readonly dealId: string;
  /** The contact. */
  readonly contactId: string;
  /** The group whose threshold was crossed. */
  readonly group: string;
  /** The score then. */
  readonly score: number;
  /** When. */
  readonly at: string;
  /** The contributions then, largest first. */
  readonly contributions: readonly ScoreContribution[];
  /** The contact's visits and events, newest first (at most 200). */
  readonly history: readonly HitSummary[];
}

/** A visit or event in a history. */
export interface HitSummary {
  /** The hit id. */
  readonly id: string;
  /** Its type. */
  readonly type: HitType;
  /** The page URL. */
  readonly url?: string;
  /** The event name. */
  readonly name?: string;
  /** When. */
  readonly at: string;
  /** Where the visit came from. */
  readonly attribution?: Attribution;
}

/** A contact's score crossed a group's threshold. */
export interface ThresholdCrossedEvent {
  /** The contact. */
  readonly contactId: string;
  /** The group. */
  readonly group: string;
  /** `up`: qualified; `down`: back under the unqualify line. */
  readonly direction: "up" | "down";
  /** The score then. */
  readonly score: number;
  /** When. */
  readonly at: string;
}

/** A qualified contact was handed to sales. */
export interface HandedOffEvent {
  /** The contact. */
  readonly contactId: string;
  /** The group. */
  readonly group: string;
  /** The deal created (or still open from an earlier hand-off). */
  readonly dealId: string;
  /** The score then. */
  readonly score: number;
}

/** A contact entered or left a group's nurture. */
export interface NurtureEvent {
  /** The contact. */
  readonly contactId: string;
  /** The group. */
  readonly group: string;
  /** Entered (scored under the threshold, or unqualified) or left (qualified). */
  readonly action: "entered" | "left";
  /** The score then. */
  readonly score: number;
  /** When. */
  readonly at: string;
}

/** Events of lead scoring. */
export interface ScoringEvents {
  /** A contact's score went over a group's threshold (`up`) or back under it (`down`). Once per crossing. */
  "score.thresholdCrossed": ThresholdCrossedEvent;
  /** A qualified contact was handed to sales. */
  "score.handedOff": HandedOffEvent;
  /**
   * A contact entered (or left) a group's nurture: scored but under the threshold. The host's
   * e-mail tool listens to this (or names a `nurtureListId`).
   */
  "score.nurture": NurtureEvent;
}

/**
 * The port through which scoring hands a qualified contact to sales: a lead (a deal) is created,
 * or found open. The workspace wires it to its deals; scoring knows nothing else of pipelines.
 */
export interface LeadPort {
  /** The state of a lead (deal), or `null` when there is none. */
  get(id: string): Promise<{ readonly state: string } | null>;
  /** Creates a lead (deal) for a contact; throws a `CrmkitError` when it cannot. */
  create(input: {
    readonly id: string;
    readonly title: string;
    readonly contactId: string;
    readonly source: string;
    readonly pipelineId?: string;
  }): Promise<unknown>;
}
