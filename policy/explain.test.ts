import { describe, expect, test } from "bun:test";
import { ANY_OTHER, explainSkill } from "./explain.ts";
import { effectiveLimits } from "./limits.ts";
import { parsePolicy } from "./parse-policy.ts";

const env = { home: "/home/u" };
const policy = parsePolicy(`version: 1
prompt: true
precedence: specific
trust: { forbidden: [nuke] }
limits: { timeout: 10s, memory: 128MiB }
deny:
  net: ["*.tracker.example"]
  read: ["~/.ssh"]
skills:
  web:
    allow: { net: ["api.example.com:443", "ads.tracker.example", "10.0.0.0/8"], read: ["~"], browser: true }
    deny: { net: ["bad.example.com"] }
    limits: { timeout: 30s, stack: 256KiB }
  scoped:
    allow: { net: ["api.example.com:443", "other.example"] }
`);

describe("explainSkill", () => {
  test("coarse declaration: grants, denies and the rest", () => {
    const out = explainSkill(policy, { name: "web", permissions: { net: "all", read: "all", browser: true } }, env);
    expect(out).toEqual([
      {
        kind: "net",
        entries: [
          { value: "api.example.com:443", decision: "allow", rule: "skills.web.allow.net[0]" },
          { value: "ads.tracker.example", decision: "allow", rule: "skills.web.allow.net[1]" },
          { value: "10.0.0.0/8", decision: "allow", rule: "skills.web.allow.net[2]" },
          { value: "bad.example.com", decision: "deny", rule: "skills.web.deny.net[0]" },
          { value: "*.tracker.example", decision: "deny", rule: "deny.net[0]" },
          { value: ANY_OTHER, decision: "prompt", rule: "prompt" },
        ],
      },
      {
        kind: "read",
        entries: [
          { value: "~", decision: "allow", rule: "skills.web.allow.read[0]" },
          { value: "~/.ssh", decision: "deny", rule: "deny.read[0]" },
          { value: ANY_OTHER, decision: "prompt", rule: "prompt" },
        ],
      },
      { kind: "browser", entries: [{ value: "true", decision: "allow", rule: "skills.web.allow.browser" }] },
    ]);
  });

  test("scoped declaration: declared ∩ granted", () => {
    const out = explainSkill(policy, { name: "scoped", permissions: { net: ["*.example.com", "192.168.1.1"] } }, env);
    expect(out).toEqual([
      {
        kind: "net",
        entries: [
          { value: "*.example.com", decision: "prompt", rule: "prompt" },
          { value: "192.168.1.1", decision: "deny", rule: "special-address" },
          { value: "api.example.com:443", decision: "allow", rule: "skills.scoped.allow.net[0]" },
          { value: "other.example", decision: "deny", rule: "manifest" },
          { value: "*.tracker.example", decision: "deny", rule: "manifest" },
        ],
      },
    ]);
  });

  test("a forbidden tool is forbidden line by line", () => {
    const out = explainSkill(policy, { name: "nuke", permissions: { net: "all", camera: true } }, env);
    expect(out.flatMap((k) => k.entries.map((e) => e.decision))).toEqual(["forbidden", "forbidden", "forbidden"]);
  });

  test("no declarations, nothing to explain", () => {
    expect(explainSkill(policy, { name: "web", permissions: {} }, env)).toEqual([]);
  });
});

describe("effectiveLimits", () => {
  test("skill limits override global ones key by key", () => {
    expect(effectiveLimits(policy, "web")).toEqual({
      timeoutMs: 30_000,
      memoryBytes: 128 * 1024 * 1024,
      stackBytes: 256 * 1024,
      outputBytes: 1024 * 1024,
    });
  });
  test("a skill without limits gets the global ones", () => {
    expect(effectiveLimits(policy, "scoped")).toEqual({ timeoutMs: 10_000, memoryBytes: 128 * 1024 * 1024, stackBytes: 1024 * 1024, outputBytes: 1024 * 1024 });
    expect(effectiveLimits(policy, "toString")).toEqual(effectiveLimits(policy, "scoped"));
  });
});
