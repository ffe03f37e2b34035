/**
 * The client's address behind proxies, and the rate-limit key derived from it. `X-Forwarded-For`
 * is a list each proxy appends to: its left end is whatever the client wrote, so only the hops
 * added by proxies the operator trusts can be believed. The client is the right-most address that
 * is not a trusted proxy.
 */

/** Which proxies in front of the collector are trusted to append to `X-Forwarded-For`. */
export type TrustProxy =
  /** How many proxies there are: the client is that many hops left of the socket's address. */
  | number
  /** The proxies' addresses or CIDR ranges (`10.0.0.0/8`, `fd00::/8`, `203.0.113.7`). */
  | readonly string[];

/** A parsed address: 4 bytes (IPv4) or 16 (IPv6). */
type Bytes = readonly number[];

/**
 * Reads an IPv4 or IPv6 address (an IPv4-mapped IPv6 address as IPv4; a zone id dropped) and
 * returns its bytes, or `undefined` when `text` is not an address.
 */
export function parseIp(text: string): Bytes | undefined {
  const value = text.trim();
  if (value.length === 0 || value.length > 64) return undefined;
  const v4 = parseIpv4(value);
  if (v4 !== undefined) return v4;
  const bare = value.startsWith("[") && value.endsWith("]") ? value.slice(1, -1) : value;
  const zoneless = bare.split("%")[0]!;
  if (!/^[0-9A-Fa-f:.]+$/.test(zoneless) || !zoneless.includes(":")) return undefined;
  // The URL parser canonicalises IPv6 (and refuses what is not one): no hand-written grammar.
  const url = `http://[${zoneless}]/`;
  if (!URL.canParse(url)) return undefined;
  const host = new URL(url).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped !== null) {
    const high = Number.parseInt(mapped[1]!, 16);
    const low = Number.parseInt(mapped[2]!, 16);
    return [high >> 8, high & 255, low >> 8, low & 255];
  }
  const [head = "", tail = ""] = host.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = host.includes("::")
    ? [...left, ...new Array<string>(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return groups.flatMap((group) => {
    const n = Number.parseInt(group, 16);
    return [n >> 8, n & 255];
  });
}

function parseIpv4(text: string): Bytes | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

/** The canonical text of an address: dotted IPv4, or eight lower-case hex groups. */
function formatIp(bytes: Bytes): string {
  if (bytes.length === 4) return bytes.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(":");
}

/**
 * The rate-limit key of an address, bounded whatever the input: the IPv4 address itself, the /64
 * network of an IPv6 address (one subscriber commonly holds a whole /64, so per-address buckets
 * would let one client take 2^64 of them), or `"unknown"` for anything that is not an address.
 */
export function rateKey(ip: string | undefined): string {
  const bytes = ip === undefined ? undefined : parseIp(ip);
  if (bytes === undefined) return "unknown";
  return bytes.length === 4
    ? formatIp(bytes)
    : `${formatIp([...bytes.slice(0, 8), 0, 0, 0, 0, 0, 0, 0, 0])}/64`;
}

/** A compiled trust rule: whether an address is one of the trusted proxies. */
export interface ProxyTrust {
  /** Picks the client's address from the socket's and the `X-Forwarded-For` header. */
  clientOf(socketIp: string | undefined, forwardedFor: string | null): string | undefined;
}

/**
 * Compiles a {@link TrustProxy} rule.
 *
 * @throws Error when an entry of the list is not an address or a CIDR range (a configuration
 * mistake, reported at start-up)
 */
export function compileTrust(trust: TrustProxy | undefined): ProxyTrust {
  if (trust === undefined || trust === 0) return { clientOf: (socketIp) => normalized(socketIp) };
  if (typeof trust === "number") {
    if (!Number.isSafeInteger(trust) || trust < 0)
      throw new Error(`trustProxy: ${trust} is not a number of hops`);
    return {
      clientOf(socketIp, forwardedFor) {
        const chain = [...hops(forwardedFor), socketIp ?? ""];
        // With fewer hops than proxies the header was not written by them: use the left-most.
        return normalized(chain[Math.max(0, chain.length - 1 - trust)]);
      },
    };
  }
  const ranges = trust.map((entry) => {
    const [address = "", bits] = entry.split("/");
    const bytes = parseIp(address);
    const size = bytes === undefined ? 0 : bytes.length * 8;
    const prefix = bits === undefined ? size : Number(bits);
    if (bytes === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > size)
      throw new Error(`trustProxy: "${entry}" is not an address or a CIDR range`);
    return { bytes, prefix };
  });
  const trusted = (ip: string) => {
    const bytes = parseIp(ip);
    return (
      bytes !== undefined &&
      ranges.some(
        (range) =>
          range.bytes.length === bytes.length && samePrefix(range.bytes, bytes, range.prefix),
      )
    );
  };
  return {
    clientOf(socketIp, forwardedFor) {
      const chain = [...hops(forwardedFor), socketIp ?? ""];
      for (let i = chain.length - 1; i > 0; i--)
        if (!trusted(chain[i]!)) return normalized(chain[i]);
      return normalized(chain[0]);
    },
  };
}

function hops(header: string | null): string[] {
  if (header === null) return [];
  // A header longer than any honest chain is not read at all.
  if (header.length > 2_000) return ["invalid"];
  return header.split(",").map((hop) => hop.trim());
}

function normalized(ip: string | undefined): string | undefined {
  const bytes = ip === undefined ? undefined : parseIp(ip);
  return bytes === undefined ? undefined : formatIp(bytes);
}

function samePrefix(a: Bytes, b: Bytes, bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((a[byte]! & mask) !== (b[byte]! & mask)) return false;
  }
  return true;
}
