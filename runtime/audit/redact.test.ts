import { describe, expect, test } from "bun:test";
import { isSecretName, redact } from "./redact.ts";
import { capStrings, fitToLimit } from "./truncate.ts";

describe("isSecretName", () => {
  const secret = [
    "key", "api_key", "apiKey", "APIKEY", "X-Api-Key", "token", "X-Auth-Token", "access_token", "refreshToken",
    "password", "db_password", "passwd", "passphrase", "secret", "client_secret", "Authorization",
    "proxy-authorization", "cookie", "Set-Cookie", "credentials", "private_key",
  ];
  const plain = ["command", "url", "path", "query", "user", "headers", "body", "name", "text"];
  test.each(secret)("%s is secret", (name) => expect(isSecretName(name)).toBe(true));
  test.each(plain)("%s is not", (name) => expect(isSecretName(name)).toBe(false));
});

describe("redact", () => {
  test("by name only when asked (parameters), by value always", () => {
    const v = { token: "abc", note: "has abc inside" };
    expect(redact(v, { secrets: [], byName: false })).toEqual(v);
    expect(redact(v, { secrets: [], byName: true })).toEqual({ token: "[REDACTED]", note: "has abc inside" });
    expect(redact(v, { secrets: ["abc"], byName: false })).toEqual({ token: "[REDACTED]", note: "has [REDACTED] inside" });
  });

  test("a secret containing another is removed whole", () => {
    expect(redact("x hunter2-long y", { secrets: ["hunter2", "hunter2-long"], byName: false })).toBe("x [REDACTED] y");
  });

  test("arrays keep their length: unserialisable members become null", () => {
    expect(redact([1, undefined, () => 0, "s"], { secrets: [], byName: true })).toEqual([1, null, null, "s"]);
  });

  test("very deep nesting is cut, not a stack overflow", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(JSON.stringify(redact(deep, { secrets: [], byName: true }))).toContain("[too deep]");
  });
});

describe("truncation", () => {
  test("cuts long strings with a marker and never splits a surrogate pair", () => {
    const s = `${"a".repeat(63)}😀${"b".repeat(100)}`;
    const cut = capStrings({ s }, 64) as { s: string };
    expect(cut.s.startsWith("a".repeat(63))).toBe(true);
    expect(cut.s.isWellFormed()).toBe(true);
    expect(cut.s).toMatch(/…\[truncated 102 chars\]$/);
  });

  test("leaves values that fit alone and falls back when nothing fits", () => {
    const size = (v: unknown) => JSON.stringify(v).length;
    const small = { a: "x".repeat(10) };
    expect(fitToLimit(small, 100, size, () => ({ a: "fallback" }))).toBe(small);
    const many = { a: Array(100).fill("y") };
    expect(fitToLimit(many, 50, size, (n) => ({ a: `fallback ${n}` }))).toEqual({ a: `fallback ${size(many)}` });
  });
});
