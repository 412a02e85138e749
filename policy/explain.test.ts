import { describe, expect, test } from "bun:test";
import { checkPermission } from "./check-permission.ts";
import { defaultPolicy } from "./default-policy.ts";
import { ANY_OTHER, CONFIGURED_SERVER, checkMailServer, explainSkill } from "./explain.ts";
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

describe("the configured mail server of a skill holding mail (judged as the sandbox does)", () => {
  const mailPolicy = (extra = "") => parsePolicy(`version: 1
prompt: true
deny:
  net: ["blocked.example.com"]
skills:
  email_list: { allow: { mail: [read], net: ["imap.example.com:993", "127.0.0.1:1143"] } }
${extra}`);
  const emailList = { name: "email_list", permissions: { mail: ["read"] } };

  test("checkMailServer: a granted server is allowed though the manifest declares no net", () => {
    const p = mailPolicy();
    expect(checkPermission(p, emailList, { kind: "net", value: "imap.example.com:993" }, env).rule).toBe("manifest");
    expect(checkMailServer(p, emailList, "imap.example.com:993", env)).toMatchObject({ decision: "allow", rule: "skills.email_list.allow.net[0]" });
    expect(checkMailServer(p, emailList, "127.0.0.1:1143", env)).toMatchObject({ decision: "allow", rule: "skills.email_list.allow.net[1]" });
  });

  test("checkMailServer: not granted is denied, never prompted; denies and special addresses hold", () => {
    const p = mailPolicy();
    const other = checkMailServer(p, emailList, "imap.other.com:993", env);
    expect(other).toMatchObject({ decision: "deny", rule: "prompt" });
    expect(other.reason).toContain("skills.email_list.allow.net");
    expect(other.reason).toContain("never prompted");
    expect(checkMailServer(p, emailList, "blocked.example.com:993", env)).toMatchObject({ decision: "deny", rule: "deny.net[0]" });
    expect(checkMailServer(p, emailList, "127.0.0.1:2000", env)).toMatchObject({ decision: "deny", rule: "special-address" });
    expect(checkMailServer(p, { name: "email_send", permissions: { mail: ["send"] } }, "imap.example.com:993", env).decision).toBe("deny");
  });

  test("explain lists the server: the skill's net grants, then anything else denied", () => {
    const out = explainSkill(mailPolicy(), emailList, env);
    expect(out.map((k) => [k.kind, k.server])).toEqual([["mail", undefined], ["net", "imap"]]);
    expect(out[1]?.entries).toEqual([
      { value: "imap.example.com:993", decision: "allow", rule: "skills.email_list.allow.net[0]" },
      { value: "127.0.0.1:1143", decision: "allow", rule: "skills.email_list.allow.net[1]" },
      { value: ANY_OTHER, decision: "deny", rule: "prompt" },
    ]);
  });

  test("explain with the shipped policy: mail prompts, but no server is granted — it says what to add", () => {
    const out = explainSkill(defaultPolicy(), emailList, env);
    expect(out[0]).toMatchObject({ kind: "mail", entries: [{ value: "read", decision: "prompt" }] });
    expect(out[1]).toMatchObject({ kind: "net", server: "imap", entries: [{ value: CONFIGURED_SERVER, decision: "deny", rule: "prompt" }] });
    expect(out[1]?.note).toContain("skills.email_list.allow.net");
    expect(out[1]?.note).toContain("never prompted");
  });

  test("explain with the configured server known: that server's decision", () => {
    const p = mailPolicy();
    expect(explainSkill(p, emailList, env, { imap: "imap.example.com:993" })[1]?.entries)
      .toEqual([{ value: "imap.example.com:993", decision: "allow", rule: "skills.email_list.allow.net[0]" }]);
    const local = explainSkill(defaultPolicy(), emailList, env, { imap: "127.0.0.1:40000" })[1];
    expect(local?.entries).toEqual([{ value: "127.0.0.1:40000", decision: "deny", rule: "special-address" }]);
    expect(local?.note).toContain('"127.0.0.1:40000"');
    const both = explainSkill(p, { name: "mailer", permissions: { mail: "all" } }, env, { smtp: "blocked.example.com:465" });
    expect(both.filter((k) => k.server).map((k) => k.server)).toEqual(["imap", "smtp"]);
    expect(both.at(-1)?.entries[0]).toMatchObject({ decision: "deny", rule: "deny.net[0]" });
  });

  test("a forbidden mail skill's server is forbidden too", () => {
    const p = mailPolicy("trust: { forbidden: [email_list] }");
    expect(explainSkill(p, emailList, env).find((k) => k.server)?.entries.every((e) => e.decision === "forbidden")).toBe(true);
  });
});
