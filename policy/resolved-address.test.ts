import { describe, expect, test } from "bun:test";
import type { PermissionDecisionKind } from "../runtime/contracts/permissions.ts";
import { checkResolvedAddress } from "./resolved-address.ts";
import { parsePolicy } from "./parse-policy.ts";

const policy = parsePolicy(`version: 1
trust: { forbidden: [nuke] }
deny:
  net: ["169.254.169.254", "203.0.113.0/24", "bad.example"]
skills:
  web:
    allow:
      net: ["*.example.com", "localhost:8080", "db.internal", "10.0.0.0/8", "metadata.google.internal",
            "169.254.169.254", "[::1]:9000", "pub.example.org:443", "bad.example"]
    deny:
      net: ["198.51.100.7"]
  meta:
    allow:
      net: ["fd00:ec2::/32", "metadata.google.internal", "metadata.aws.internal"]
  meta_by_name:
    allow:
      net: ["metadata.google.internal"]
`);
const web = { name: "web", permissions: { net: "all" as const } };
const meta = { name: "meta", permissions: { net: "all" as const } };
const metaByName = { name: "meta_by_name", permissions: { net: "all" as const } };

// [skill, host, port, resolved ip, decision, rule]
const ROWS: [typeof web, string, number, string, PermissionDecisionKind, string][] = [
  [web, "a.example.com", 443, "93.184.216.34", "allow", "resolved"],
  [web, "a.example.com", 443, "2606:4700::1111", "allow", "resolved"],
  [web, "a.example.com", 443, "127.0.0.1", "deny", "special-address"],
  [web, "a.example.com", 443, "::1", "deny", "special-address"],
  [web, "a.example.com", 443, "::ffff:127.0.0.1", "deny", "special-address"],
  [web, "a.example.com", 443, "192.168.0.10", "deny", "special-address"],
  [web, "a.example.com", 443, "fe80::1", "deny", "special-address"],
  [web, "a.example.com", 443, "100.100.100.100", "deny", "special-address"],
  [web, "a.example.com", 443, "0.0.0.0", "deny", "special-address"],
  [web, "a.example.com", 443, "64:ff9b::7f00:1", "deny", "special-address"],
  [web, "a.example.com", 443, "10.1.2.3", "allow", "skills.web.allow.net[3]"],
  [web, "a.example.com", 443, "203.0.113.9", "deny", "deny.net[1]"],
  [web, "a.example.com", 443, "198.51.100.7", "deny", "skills.web.deny.net[0]"],
  [web, "a.example.com", 443, "169.254.169.254", "deny", "deny.net[0]"],
  [web, "localhost", 8080, "127.0.0.1", "allow", "skills.web.allow.net[1]"],
  [web, "localhost", 8080, "::1", "allow", "skills.web.allow.net[1]"],
  [web, "localhost", 8081, "127.0.0.1", "deny", "special-address"],
  [web, "db.internal", 5432, "172.20.0.5", "allow", "skills.web.allow.net[2]"],
  [web, "db.internal", 5432, "fd00:ec2::254", "deny", "special-address"],
  [web, "metadata.google.internal", 80, "169.254.169.254", "deny", "deny.net[0]"],
  [meta, "metadata.google.internal", 80, "fd00:ec2::254", "allow", "skills.meta.allow.net[0]"],
  [meta, "metadata.aws.internal", 80, "169.254.169.254", "deny", "deny.net[0]"],
  [metaByName, "metadata.google.internal", 80, "fd00:ec2::254", "deny", "special-address"],
  [metaByName, "metadata.google.internal", 80, "10.0.0.1", "allow", "skills.meta_by_name.allow.net[0]"],
  [web, "127.0.0.1", 9000, "::1", "allow", "skills.web.allow.net[6]"],
  [web, "pub.example.org", 443, "192.168.1.1", "allow", "skills.web.allow.net[7]"],
  [web, "pub.example.org", 80, "192.168.1.1", "deny", "special-address"],
  [web, "pub.example.org", 443, "8.8.8.8", "allow", "resolved"],
  [web, "bad.example", 443, "8.8.8.8", "allow", "resolved"],
  [web, "a.example.com", 443, "not-an-ip", "deny", "request"],
  [web, "a.example.com", 443, "fe80::1%eth0", "deny", "request"],
  [{ name: "nuke", permissions: { net: "all" } }, "a.example.com", 443, "8.8.8.8", "forbidden", "trust.forbidden[0]"],
];

describe("checkResolvedAddress", () => {
  const named = ROWS.map(([skill, ...rest]) => [skill.name, ...rest] as const);
  test.each(named)("%s: %p:%p resolved to %p → %s (%s)", (name, host, port, ip, decision, rule) => {
    const d = checkResolvedAddress(policy, { name, permissions: { net: "all" } }, { host, port }, ip);
    expect({ decision: d.decision, rule: d.rule }).toEqual({ decision, rule });
  });

  test("a bracketed or bare IPv6 host is accepted", () => {
    expect(checkResolvedAddress(policy, web, { host: "[::1]", port: 9000 }, "::1").decision).toBe("allow");
    expect(checkResolvedAddress(policy, web, { host: "::1", port: 9000 }, "::1").decision).toBe("allow");
  });

  test("a denial names the address category", () => {
    const d = checkResolvedAddress(policy, web, { host: "a.example.com", port: 443 }, "192.168.0.1");
    expect(d.reason).toContain("a private address");
  });
});
