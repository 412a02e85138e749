import { describe, expect, test } from "bun:test";
import { hostAllowed, isLoopbackHost, originAllowed, requestToken, tokenMatches } from "./auth.ts";

const h = (o: Record<string, string>) => new Headers(o);

describe("auth helpers", () => {
  test("loopback names and addresses", () => {
    for (const x of ["127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"]) expect(isLoopbackHost(x)).toBe(true);
    for (const x of ["0.0.0.0", "10.0.0.1", "localhost.evil.com", "::", "128.0.0.1", "::ffff:10.0.0.1"]) expect(isLoopbackHost(x)).toBe(false);
  });

  test("tokens match exactly, whatever the lengths; non-strings never match", () => {
    expect(tokenMatches("abc", "abc")).toBe(true);
    expect(tokenMatches("abcd", "abc")).toBe(false);
    expect(tokenMatches("", "abc")).toBe(false);
    expect(tokenMatches(undefined, "abc")).toBe(false);
    expect(tokenMatches(null, "abc")).toBe(false);
  });

  test("request tokens from Authorization: Bearer or X-Moltbot-Token", () => {
    expect(requestToken(h({ authorization: "Bearer t1" }))).toBe("t1");
    expect(requestToken(h({ authorization: "bearer   t2 " }))).toBe("t2");
    expect(requestToken(h({ "x-moltbot-token": "t3" }))).toBe("t3");
    expect(requestToken(h({ authorization: "Basic dTpw" }))).toBeNull();
  });

  test("Host must name loopback on a loopback bind (DNS rebinding)", () => {
    expect(hostAllowed(h({ host: "127.0.0.1:18789" }), true)).toBe(true);
    expect(hostAllowed(h({ host: "localhost:18789" }), true)).toBe(true);
    expect(hostAllowed(h({ host: "[::1]:18789" }), true)).toBe(true);
    expect(hostAllowed(h({ host: "evil.example:18789" }), true)).toBe(false);
    expect(hostAllowed(h({ host: "evil.example" }), false)).toBe(true);
  });

  test("Origin must be the gateway's own; no Origin (non-browser) is fine", () => {
    expect(originAllowed(h({ host: "127.0.0.1:1", origin: "http://127.0.0.1:1" }))).toBe(true);
    expect(originAllowed(h({ host: "127.0.0.1:1" }))).toBe(true);
    expect(originAllowed(h({ host: "127.0.0.1:1", origin: "http://127.0.0.1:2" }))).toBe(false);
    expect(originAllowed(h({ host: "127.0.0.1:1", origin: "null" }))).toBe(false);
    expect(originAllowed(h({ host: "127.0.0.1:1", origin: "https://evil.example" }))).toBe(false);
  });
});
