import { expect, test } from "bun:test";
import { backoffMs, retryAfterMs, retryDelayMs } from "./retry-delay.ts";

const h = (init: Record<string, string>) => new Headers(init);
const NOW = Date.parse("2025-01-01T00:00:00Z");

test.each([
  [{ "retry-after": "3" }, 3000],
  [{ "retry-after": "0" }, 0],
  [{ "retry-after": "1.5" }, 1500],
  [{ "retry-after": "Wed, 01 Jan 2025 00:00:10 GMT" }, 10_000],
  [{ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }, 0],
  [{ "retry-after-ms": "250", "retry-after": "9" }, 250],
  [{ "retry-after": "soon" }, undefined],
  [{ "retry-after": "-4" }, undefined],
  [{}, undefined],
] as [Record<string, string>, number | undefined][])("Retry-After %j → %p ms", (headers, want) => {
  expect(retryAfterMs(h(headers), NOW)).toBe(want);
});

test("what the server asks for is capped", () => {
  expect(retryDelayMs(0, h({ "retry-after": "3600" }), { baseMs: 500, maxMs: 30_000 })).toBe(30_000);
});

test("backoff doubles per attempt, jittered within the upper half", () => {
  expect([0, 1, 2].map((a) => backoffMs(a, 500, () => 0))).toEqual([250, 500, 1000]);
  expect([0, 1, 2].map((a) => backoffMs(a, 500, () => 1))).toEqual([500, 1000, 2000]);
  expect(retryDelayMs(5, undefined, { baseMs: 500, maxMs: 8000 }, () => 1)).toBe(8000);
});
