import { describe, expect, test } from "bun:test";
import { FailureLimiter, TokenBucket } from "./rate-limit.ts";

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
