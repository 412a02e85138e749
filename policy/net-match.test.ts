import { describe, expect, test } from "bun:test";
import { netAllows, netCovers, netDenies, parseNetPattern, parseNetRequest } from "./net-match.ts";

const VALID = [
  "example.com", "example.com:443", "EXAMPLE.com.", "*.example.com", "*.example.com:8443",
  "10.0.0.1", "10.0.0.1:80", "[::1]", "[::1]:8080", "::1", "2001:db8::1", "10.0.0.0/8",
  "fd00::/8", "localhost", "localhost:65535", "*.co.uk", "0x7f.1", "[::ffff:127.0.0.1]:80",
];
const INVALID = [
  "", " example.com", "*.*.com", "*", "*.", "ex*ample.com", "*example.com", "example.*",
  "example.com:0", "example.com:65536", "example.com:80:80", "example.com:", "example.com:http",
  "[::1]8080", "[::1", "[fe80::1%eth0]", "10.0.0.1/33", "10.0.0.1/8", "*.10.0.0.1",
  "http://example.com", "example.com/path", "1.2.3.4.5", "foo.123", "example..com",
];

describe("net pattern syntax", () => {
  test.each(VALID)("accepts %p", (p) => expect(parseNetPattern(p)).not.toBeNull());
  test.each(INVALID)("rejects %p", (p) => expect(parseNetPattern(p)).toBeNull());
});

// [grant, request, allowed]
const ALLOW: [string, string, boolean][] = [
  ["example.com", "example.com", true],
  ["example.com", "example.com:443", true],
  ["example.com", "EXAMPLE.COM.:443", true],
  ["example.com", "www.example.com", false],
  ["example.com:443", "example.com:443", true],
  ["example.com:443", "example.com:80", false],
  ["example.com:443", "example.com", false],
  ["*.example.com", "a.example.com", true],
  ["*.example.com", "a.b.c.example.com:8080", true],
  ["*.example.com", "example.com", false],
  ["*.example.com", "badexample.com", false],
  ["*.example.com", "example.com.evil.net", false],
  ["*.example.com:443", "a.example.com:443", true],
  ["*.example.com:443", "a.example.com:80", false],
  ["*.example.com:443", "a.example.com", false],
  ["10.0.0.1", "10.0.0.1:80", true],
  ["10.0.0.1", "10.1:80", true],
  ["10.0.0.1", "[::ffff:10.0.0.1]:80", true],
  ["10.0.0.1:80", "10.0.0.1:81", false],
  ["10.0.0.0/8", "10.200.3.4:22", true],
  ["10.0.0.0/8", "11.0.0.1", false],
  ["10.0.0.0/8", "[::ffff:a00:1]", true],
  ["fd00::/8", "[fd12::1]:80", true],
  ["fd00::/8", "[fe00::1]:80", false],
  ["[::1]:8080", "[::1]:8080", true],
  ["[::1]:8080", "[0:0::1]:8080", true],
  ["[::1]:8080", "[::1]:8081", false],
  ["::1", "[::1]:1", true],
  ["127.0.0.1:8080", "localhost:8080", false],
  ["localhost:8080", "127.0.0.1:8080", false],
  ["2130706433", "127.0.0.1", true],
];

describe("netAllows", () => {
  test.each(ALLOW)("grant %p, request %p → %p", (grant, req, allowed) => {
    const p = parseNetPattern(grant);
    const r = parseNetRequest(req);
    expect(p && r ? netAllows(p, r) : "unparsed").toBe(allowed);
  });
});

// [deny, request, denied]
const DENY: [string, string, boolean][] = [
  ["example.com:443", "example.com", true], // a port-less request asks for every port
  ["example.com:443", "example.com:80", false],
  ["example.com", "example.com:80", true],
  ["*.example.com", "a.example.com", true],
  ["*.example.com", "example.com", false],
  ["169.254.169.254", "0xa9fea9fe:80", true],
  ["169.254.169.254", "[::ffff:169.254.169.254]", true],
  ["169.254.169.254", "[64:ff9b::a9fe:a9fe]:80", true],
  ["169.254.169.254", "[2002:a9fe:a9fe::1]:80", true],
  ["10.0.0.0/8", "[64:ff9b::a00:1]", true],
  ["10.0.0.0/8", "8.8.8.8", false],
];

describe("netDenies", () => {
  test.each(DENY)("deny %p, request %p → %p", (deny, req, denied) => {
    const p = parseNetPattern(deny);
    const r = parseNetRequest(req);
    expect(p && r ? netDenies(p, r) : "unparsed").toBe(denied);
  });
});

// [outer, inner, outer ⊇ inner]
const COVERS: [string, string, boolean][] = [
  ["*.example.com", "api.example.com", true],
  ["*.example.com", "*.api.example.com", true],
  ["*.example.com", "*.example.com", true],
  ["*.example.com", "example.com", false],
  ["api.example.com", "*.example.com", false],
  ["example.com", "example.com:443", true],
  ["example.com:443", "example.com", false],
  ["10.0.0.0/8", "10.1.2.3", true],
  ["10.0.0.0/8", "10.1.0.0/16", true],
  ["10.1.0.0/16", "10.0.0.0/8", false],
  ["10.0.0.0/8", "example.com", false],
  ["fd00::/8", "fd00:ec2::254", true],
];

describe("netCovers", () => {
  test.each(COVERS)("%p ⊇ %p → %p", (outer, inner, expected) => {
    const o = parseNetPattern(outer);
    const i = parseNetPattern(inner);
    expect(o && i ? netCovers(o, i) : "unparsed").toBe(expected);
  });
});
