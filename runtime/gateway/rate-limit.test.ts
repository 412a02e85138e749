import { describe, expect, test } from "bun:test";
import { clientKey, FailureLimiter, TokenBucket } from "./rate-limit.ts";

describe("TokenBucket", () => {
  test("allows the burst, then refills at the rate", () => {
    let now = 0;
    const b = new TokenBucket(10, 3, () => now);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    now += 100; // one token per 100 ms
    expect([b.take(), b.take()]).toEqual([true, false]);
    now += 10_000; // never more than the burst
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });
});

describe("FailureLimiter", () => {
  test("blocks an address after max failures within the window, others unaffected, then forgets", () => {
    let now = 1_000;
    const l = new FailureLimiter(3, 60_000, () => now);
    for (let i = 0; i < 2; i++) l.fail("10.0.0.1");
    expect(l.blocked("10.0.0.1")).toBe(false);
    l.fail("10.0.0.1");
    expect(l.blocked("10.0.0.1")).toBe(true);
    expect(l.blocked("10.0.0.2")).toBe(false);
    expect(l.retryAfter("10.0.0.1")).toBe(60_000);
    now += 60_001;
    expect(l.blocked("10.0.0.1")).toBe(false);
    expect(l.retryAfter("10.0.0.1")).toBe(0);
  });
});

describe("FailureLimiter under many addresses", () => {
  test("the addresses of one IPv6 /64 count as one client; another /64 and IPv4 are separate", () => {
    const l = new FailureLimiter(3, 60_000, () => 0);
    l.fail("2001:db8:1:2::1");
    l.fail("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
    l.fail("2001:0DB8:0001:0002:0:0:0:ffff");
    expect(l.blocked("2001:db8:1:2:ffff::9")).toBe(true);
    expect(l.retryAfter("2001:db8:1:2::42")).toBe(60_000);
    expect(l.blocked("2001:db8:1:3::1")).toBe(false);
    expect(l.blocked("10.0.0.1")).toBe(false);
    expect(l.size).toBe(1);
  });

  test.each([
    ["192.0.2.7", "192.0.2.7"],
    ["::ffff:192.0.2.7", "192.0.2.7"],
    ["::ffff:c000:207", "192.0.2.7"],
    ["2001:DB8::1", "2001:db8:0:0::/64"],
    ["2001:db8:0:0:1::1", "2001:db8:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["64:ff9b::198.51.100.1", "64:ff9b:0:0::/64"],
    ["", ""],
    ["not:an::address::", "not:an::address::"],
  ])("clientKey(%p) is %p", (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  test("stays bounded after 50,000 distinct failing addresses, and keeps blocking a client that keeps failing", () => {
    let now = 0;
    const l = new FailureLimiter(5, 60_000, () => now);
    for (let i = 0; i < 50_000; i++) {
      l.fail(`2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`);
      if (i % 1_000 === 0) l.fail("203.0.113.9");
    }
    expect(l.size).toBeLessThanOrEqual(10_000);
    expect(l.blocked("203.0.113.9")).toBe(true);
    // A /64 that failed only once long before is forgotten; it starts again from zero.
    expect(l.blocked("2001:db8:0:0::1")).toBe(false);
  });

  test("expired clients are forgotten as new failures arrive", () => {
    let now = 0;
    const l = new FailureLimiter(5, 60_000, () => now);
    for (let i = 0; i < 5_000; i++) l.fail(`10.1.${i >> 8}.${i & 255}`);
    expect(l.size).toBe(5_000);
    now += 60_001;
    l.fail("10.9.9.9");
    expect(l.size).toBe(1);
  });

  test("a smaller capacity drops the least recently failing client first", () => {
    const l = new FailureLimiter(2, 60_000, () => 0, 3);
    for (const a of ["10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.3", "10.0.0.4"]) l.fail(a);
    expect(l.size).toBe(3);
    expect(l.blocked("10.0.0.1")).toBe(true);
    l.fail("10.0.0.2"); // 10.0.0.2 was forgotten, so this is its first failure again
    expect(l.blocked("10.0.0.2")).toBe(false);
  });
});
