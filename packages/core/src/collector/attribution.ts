import type { Attribution } from "../scoring/index.js";

const utmKeys = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
/** Ad platforms' click ids kept for attribution. */
export const clickIdKeys = [
  "gclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "fbclid",
  "ttclid",
  "li_fat_id",
  "twclid",
] as const;

/** UTM parameters, click ids and the referrer's host of a page view. @internal */
export function attributionOf(url: URL, referrer: string | undefined): Attribution | undefined {
  const utm: Record<string, string> = {};
  for (const key of utmKeys) {
    const value = url.searchParams.get(key);
    if (value !== null && value !== "") utm[key.slice(4)] = value.slice(0, 500);
  }
  const clickIds: Record<string, string> = {};
  for (const key of clickIdKeys) {
    const value = url.searchParams.get(key);
    if (value !== null && value !== "") clickIds[key] = value.slice(0, 500);
  }
  let referrerHost: string | undefined;
  if (referrer !== undefined && URL.canParse(referrer)) {
    const host = new URL(referrer).hostname.toLowerCase();
    if (host !== url.hostname.toLowerCase()) referrerHost = host;
  }
  const out = {
    ...(Object.keys(utm).length > 0 ? { utm } : {}),
    ...(Object.keys(clickIds).length > 0 ? { clickIds } : {}),
    ...(referrerHost === undefined ? {} : { referrerHost }),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

const botPattern =
  /bot\b|bot\/|crawl|spider|slurp|headless|phantomjs|puppeteer|playwright|selenium|webdriver|lighthouse|pingdom|uptime|monitor|curl\/|wget\/|python-|go-http-client|java\/|okhttp|axios\/|node-fetch|undici|facebookexternalhit|embedly|preview/i;

/** Whether a user agent is a bot, crawler, headless browser or HTTP library (or missing). @internal */
export function isBot(userAgent: string | null): boolean {
  return userAgent === null || userAgent.trim().length < 8 || botPattern.test(userAgent);
}
