/**
 * Signed identification tokens: the host's backend signs a contact id and an expiry with a secret
 * it shares with the collector (HMAC-SHA256, Web Crypto), and the page passes the token on.
 */

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (key === undefined) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Signs an identification token for a contact, on the host's server (never in the browser: the
 * secret must stay there). The page passes it to the snippet's `identify`.
 *
 * @param input.contactId - the contact the visitor is
 * @param input.expiresAt - when the token stops being accepted (epoch ms); keep it short, minutes
 * @param secret - the secret shared with the collector (at least 32 random characters)
 * @returns `v1.<contact id, base64url>.<expiry, epoch seconds>.<HMAC-SHA256, base64url>`
 * @example
 * ```ts
 * const token = await signIdentity({ contactId: user.crmContactId, expiresAt: Date.now() + 600_000 }, process.env.CRMKIT_IDENTITY_SECRET!);
 * ```
 */
export async function signIdentity(
  input: { readonly contactId: string; readonly expiresAt: number },
  secret: string,
): Promise<string> {
  const payload = `v1.${toBase64Url(encoder.encode(input.contactId))}.${Math.floor(input.expiresAt / 1_000)}`;
  const signature = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret),
    encoder.encode(payload),
  );
  return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
}

/**
 * Checks an identification token: the contact id when the signature is valid and the token has
 * not expired at `now`, otherwise `null` (whatever the reason, so a caller learns nothing more).
 */
export async function verifyIdentity(
  token: string,
  secret: string,
  now: number,
): Promise<string | null> {
  if (token.length > 1_000) return null;
  const parts = token.split(".");
  if (parts.length !== 4 || parts[0] !== "v1" || !/^\d{1,12}$/.test(parts[2]!)) return null;
  const signature = fromBase64Url(parts[3]!);
  const contact = fromBase64Url(parts[1]!);
  if (signature === null || contact === null || signature.length !== 32) return null;
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret),
    signature,
    encoder.encode(parts.slice(0, 3).join(".")),
  );
  if (!valid || Number(parts[2]) * 1_000 <= now) return null;
  const contactId = new TextDecoder("utf-8", { fatal: false }).decode(contact);
  return contactId.length > 0 && contactId.length <= 128 ? contactId : null;
}

let daySalt: { key: string; salt: Promise<CryptoKey> } | undefined;

/** A daily visitor id: HMAC of site, IP and user agent under a salt derived from the secret and the day. @internal */
export async function dailyVisitorId(
  secret: string,
  day: string,
  parts: readonly string[],
): Promise<string> {
  // The day's salt key is derived once per day and secret, not per hit.
  if (daySalt?.key !== `${day}\u0000${secret}`) {
    const salt = hmacKey(secret).then(async (key) => {
      const bytes = await crypto.subtle.sign("HMAC", key, encoder.encode(`visitor-salt|${day}`));
      return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
      ]);
    });
    daySalt = { key: `${day}\u0000${secret}`, salt };
  }
  const digest = await crypto.subtle.sign(
    "HMAC",
    await daySalt.salt,
    encoder.encode(parts.join("\u0000")),
  );
  return `d-${toBase64Url(new Uint8Array(digest).slice(0, 16))}`;
}
