import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileTrust, parseIp, rateKey } from "./client-ip.js";

describe("parseIp and rateKey", () => {
  it("read IPv4, IPv6, mapped and bracketed addresses, and refuse the rest", () => {
    expect(parseIp("203.0.113.7")).toEqual([203, 0, 113, 7]);
    expect(parseIp("::ffff:203.0.113.7")).toEqual([203, 0, 113, 7]);
    expect(parseIp("[2001:db8::1]")).toHaveLength(16);
    expect(parseIp("fe80::1%eth0")).toHaveLength(16);
    for (const bad of [
      "",
      "1.2.3",
      "1.2.3.256",
      "01.2.3.4",
      "x",
      "2001:db8::g",
      "::1::2",
      "a".repeat(80),
      "1.2.3.4:80",
    ])
      expect([bad, parseIp(bad)]).toEqual([bad, undefined]);
  });

  it("keys IPv4 by address, IPv6 by /64, and anything else by one shared bucket", () => {
    expect(rateKey("203.0.113.7")).toBe("203.0.113.7");
    expect(rateKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(rateKey("2001:db8:1:2:aaaa::1")).toBe(rateKey("2001:db8:1:2:bbbb::9"));
    expect(rateKey("2001:db8:1:2::1")).not.toBe(rateKey("2001:db8:1:3::1"));
    expect(rateKey("x".repeat(8_192))).toBe("unknown");
    expect(rateKey(undefined)).toBe("unknown");
  });

  it("bounds every key, whatever the input (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        expect(rateKey(text).length).toBeLessThanOrEqual(44);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("compileTrust", () => {
  it("ignores X-Forwarded-For when no proxy is trusted", () => {
    expect(compileTrust(undefined).clientOf("203.0.113.7", "1.1.1.1")).toBe("203.0.113.7");
  });

  it("takes the address that many hops left of the socket's", () => {
    const trust = compileTrust(1);
    expect(trust.clientOf("10.0.0.2", "6.6.6.6, 198.51.100.4")).toBe("198.51.100.4");
    expect(trust.clientOf("10.0.0.2", null)).toBe("10.0.0.2");
    expect(compileTrust(2).clientOf("10.0.0.2", "198.51.100.4, 10.0.0.1")).toBe("198.51.100.4");
  });

  it("takes the right-most hop that is not a trusted proxy", () => {
    const trust = compileTrust(["10.0.0.0/8", "2001:db8:ffff::/48"]);
    expect(trust.clientOf("10.0.0.2", "forged, 198.51.100.4, 10.1.2.3")).toBe("198.51.100.4");
    expect(trust.clientOf("2001:db8:ffff::1", "2001:db8:1::5")).toBe("2001:db8:1:0:0:0:0:5");
    expect(trust.clientOf("10.0.0.2", "10.0.0.3")).toBe("10.0.0.3");
    // A client that is not behind the proxy cannot speak for anyone else.
    expect(trust.clientOf("198.51.100.9", "1.2.3.4")).toBe("198.51.100.9");
    expect(trust.clientOf("10.0.0.2", "x".repeat(5_000))).toBeUndefined();
  });

  it("refuses a list entry that is not an address or a range", () => {
    expect(() => compileTrust(["10.0.0.0/33"])).toThrow(/CIDR/);
    expect(() => compileTrust(["proxy.internal"])).toThrow(/CIDR/);
    expect(() => compileTrust(-1)).toThrow(/hops/);
  });
});
