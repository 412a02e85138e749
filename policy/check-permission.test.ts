import { describe, expect, test } from "bun:test";
import type { DeclaredPermissions, PermissionDecisionKind, PermissionKind } from "../runtime/contracts/permissions.ts";
import { checkPermission, checkRun } from "./check-permission.ts";
import { parsePolicy } from "./parse-policy.ts";
import { trustLevel } from "./trust.ts";

const env = { home: "/home/u" };

const BASE = `
trust:
  allowedWithoutConfirmation: [reader, web]
  requiresConfirmation: [reader]
  forbidden: [nuke, other_forbidden]
deny:
  net: ["169.254.169.254", "evil.example", "*.tracker.example", "10.9.0.0/16", "blocked.example:25", "*.corp.example"]
  read: ["~/.ssh", "/etc/shadow"]
  write: ["/etc"]
  run: [rm, /usr/bin/sudo]
  env: ["AWS_*", "GITHUB_TOKEN"]
  camera: true
skills:
  web:
    allow:
      net: ["*.wikipedia.org", "api.github.com:443", "example.com", "localhost:8080", "10.0.0.0/8",
            "[::1]:9000", "169.254.169.254", "db.internal:5432", "*.tracker.example", "ads.tracker.example:443",
            "blocked.example", "10.9.8.7", "api.corp.example", "*.corp.example", "fd00::/8", "*.localhost"]
      read: ["~", "/usr/lib", "/tmp/"]
      write: ["~/out"]
      run: [git, /usr/local/bin/tool, rm, /usr/bin/sudo]
      env: ["HOME", "MY_*", "AWS_REGION", "GITHUB_TOKEN"]
      browser: true
      camera: true
    deny:
      net: ["secret.wikipedia.org"]
      read: ["~/private"]
      env: ["MY_SECRET"]
  scoped:
    allow:
      net: ["api.example.com", "*.cdn.example"]
      read: ["/data"]
      env: ["LANG"]
`;

const POLICIES = {
  deny: parsePolicy(`version: 1\n${BASE}`),
  specific: parsePolicy(`version: 1\nprecedence: specific\n${BASE}`),
  noprompt: parsePolicy(`version: 1\nprompt: false\n${BASE}`),
};

const ALL: DeclaredPermissions = { net: "all", read: "all", write: "all", run: "all", env: "all", browser: true, camera: true };
const SKILLS: Record<string, DeclaredPermissions> = {
  web: ALL,
  other: ALL,
  nuke: ALL,
  netonly: { net: "all" },
  none: {},
  scoped: { net: ["api.example.com:443", "*.cdn.example", "10.0.0.0/8", "localhost"], read: ["~/docs", "/data"], env: ["LANG", "LC_*"] },
};

type Row = [keyof typeof POLICIES, string, PermissionKind, string | undefined, PermissionDecisionKind, string];

const ROWS: Row[] = [
  // forbidden tools: every permission, whatever is granted or undeclared
  ["deny", "nuke", "net", "example.com", "forbidden", "trust.forbidden[0]"],
  ["deny", "nuke", "read", "/home/u/x", "forbidden", "trust.forbidden[0]"],
  ["deny", "nuke", "camera", undefined, "forbidden", "trust.forbidden[0]"],
  ["noprompt", "nuke", "env", "HOME", "forbidden", "trust.forbidden[0]"],
  ["deny", "other_forbidden", "browser", undefined, "forbidden", "trust.forbidden[1]"],
  // undeclared kinds
  ["deny", "none", "net", "example.com", "deny", "manifest"],
  ["deny", "none", "read", "/home/u/a", "deny", "manifest"],
  ["deny", "none", "browser", undefined, "deny", "manifest"],
  ["deny", "netonly", "read", "/home/u/a", "deny", "manifest"],
  ["deny", "netonly", "camera", undefined, "deny", "manifest"],
  ["deny", "scoped", "run", "git", "deny", "manifest"],
  // coarse declaration, policy narrows
  ["deny", "netonly", "net", "example.org", "prompt", "prompt"],
  ["noprompt", "netonly", "net", "example.org", "deny", "prompt"],
  ["deny", "netonly", "net", "localhost:8080", "deny", "special-address"],
  ["deny", "netonly", "net", "127.0.0.1", "deny", "special-address"],
  ["deny", "netonly", "net", "192.168.1.1:80", "deny", "special-address"],
  ["noprompt", "netonly", "net", "10.0.0.1", "deny", "special-address"],
  // scoped declaration: request must be in the manifest list too
  ["deny", "scoped", "net", "api.example.com:443", "allow", "skills.scoped.allow.net[0]"],
  ["deny", "scoped", "net", "api.example.com:80", "deny", "manifest"],
  ["deny", "scoped", "net", "api.example.com", "deny", "manifest"],
  ["deny", "scoped", "net", "img.cdn.example:443", "allow", "skills.scoped.allow.net[1]"],
  ["deny", "scoped", "net", "cdn.example", "deny", "manifest"],
  ["deny", "scoped", "net", "other.example", "deny", "manifest"],
  ["deny", "scoped", "net", "10.1.1.1:80", "deny", "special-address"],
  ["deny", "scoped", "net", "localhost:3000", "deny", "special-address"],
  ["deny", "scoped", "read", "/data/x.csv", "allow", "skills.scoped.allow.read[0]"],
  ["deny", "scoped", "read", "/home/u/docs/a.txt", "prompt", "prompt"],
  ["noprompt", "scoped", "read", "/home/u/docs/a.txt", "deny", "prompt"],
  ["deny", "scoped", "read", "/home/u/doc", "deny", "manifest"],
  ["deny", "scoped", "read", "/data2", "deny", "manifest"],
  ["deny", "scoped", "env", "LANG", "allow", "skills.scoped.allow.env[0]"],
  ["deny", "scoped", "env", "LC_ALL", "prompt", "prompt"],
  ["deny", "scoped", "env", "HOME", "deny", "manifest"],
  // net: wildcards, apex, ports
  ["deny", "web", "net", "en.wikipedia.org", "allow", "skills.web.allow.net[0]"],
  ["deny", "web", "net", "en.m.wikipedia.org:443", "allow", "skills.web.allow.net[0]"],
  ["deny", "web", "net", "EN.Wikipedia.ORG.", "allow", "skills.web.allow.net[0]"],
  ["deny", "web", "net", "wikipedia.org", "prompt", "prompt"],
  ["deny", "web", "net", "wikipedia.org.evil.example", "prompt", "prompt"],
  ["deny", "web", "net", "secret.wikipedia.org", "deny", "skills.web.deny.net[0]"],
  ["specific", "web", "net", "secret.wikipedia.org:443", "deny", "skills.web.deny.net[0]"],
  ["deny", "web", "net", "api.github.com:443", "allow", "skills.web.allow.net[1]"],
  ["deny", "web", "net", "api.github.com:80", "prompt", "prompt"],
  ["deny", "web", "net", "api.github.com", "prompt", "prompt"],
  ["deny", "web", "net", "example.com", "allow", "skills.web.allow.net[2]"],
  ["deny", "web", "net", "example.com:8443", "allow", "skills.web.allow.net[2]"],
  ["deny", "web", "net", "www.example.com", "prompt", "prompt"],
  // net: denies beat allows and are never prompts
  ["deny", "web", "net", "evil.example", "deny", "deny.net[1]"],
  ["deny", "web", "net", "evil.example:443", "deny", "deny.net[1]"],
  ["noprompt", "web", "net", "evil.example", "deny", "deny.net[1]"],
  ["deny", "other", "net", "evil.example", "deny", "deny.net[1]"],
  ["deny", "web", "net", "ads.tracker.example:443", "deny", "deny.net[2]"],
  ["specific", "web", "net", "ads.tracker.example:443", "allow", "skills.web.allow.net[9]"],
  ["specific", "web", "net", "x.tracker.example:443", "deny", "deny.net[2]"],
  ["specific", "web", "net", "ads.tracker.example:80", "deny", "deny.net[2]"],
  ["deny", "web", "net", "api.corp.example", "deny", "deny.net[5]"],
  ["specific", "web", "net", "api.corp.example", "allow", "skills.web.allow.net[12]"],
  ["specific", "web", "net", "www.corp.example", "deny", "deny.net[5]"],
  ["deny", "web", "net", "blocked.example:25", "deny", "deny.net[4]"],
  ["deny", "web", "net", "blocked.example", "deny", "deny.net[4]"],
  ["deny", "web", "net", "blocked.example:443", "allow", "skills.web.allow.net[10]"],
  ["specific", "web", "net", "blocked.example", "deny", "deny.net[4]"],
  // net: special addresses
  ["deny", "web", "net", "localhost:8080", "allow", "skills.web.allow.net[3]"],
  ["deny", "web", "net", "localhost:8081", "deny", "special-address"],
  ["deny", "web", "net", "localhost", "deny", "special-address"],
  ["deny", "web", "net", "127.0.0.1:8080", "deny", "special-address"],
  ["deny", "web", "net", "app.localhost:8080", "deny", "special-address"],
  ["noprompt", "web", "net", "app.localhost", "deny", "special-address"],
  ["deny", "web", "net", "[::1]:9000", "allow", "skills.web.allow.net[5]"],
  ["deny", "web", "net", "[0:0:0:0:0:0:0:1]:9000", "allow", "skills.web.allow.net[5]"],
  ["deny", "web", "net", "[::1]:9001", "deny", "special-address"],
  ["deny", "web", "net", "10.1.2.3:22", "allow", "skills.web.allow.net[4]"],
  ["deny", "web", "net", "10.1.2.3", "allow", "skills.web.allow.net[4]"],
  ["deny", "web", "net", "167838211", "allow", "skills.web.allow.net[4]"],
  ["deny", "web", "net", "[::ffff:10.1.2.3]:80", "allow", "skills.web.allow.net[4]"],
  ["deny", "web", "net", "10.9.8.7:80", "deny", "deny.net[3]"],
  ["specific", "web", "net", "10.9.8.7:80", "allow", "skills.web.allow.net[11]"],
  ["specific", "web", "net", "10.9.8.8:80", "deny", "deny.net[3]"],
  ["deny", "web", "net", "172.16.0.1", "deny", "special-address"],
  ["deny", "web", "net", "[fd12::1]:80", "allow", "skills.web.allow.net[14]"],
  ["deny", "web", "net", "[fe80::1]:80", "deny", "special-address"],
  ["deny", "web", "net", "100.64.1.1", "deny", "special-address"],
  ["deny", "web", "net", "0.0.0.0:80", "deny", "special-address"],
  ["deny", "web", "net", "[::]:80", "deny", "special-address"],
  ["deny", "web", "net", "224.0.0.1", "deny", "special-address"],
  ["deny", "web", "net", "255.255.255.255", "deny", "special-address"],
  ["deny", "web", "net", "169.254.169.254", "deny", "deny.net[0]"],
  ["specific", "web", "net", "169.254.169.254:80", "deny", "deny.net[0]"],
  ["deny", "web", "net", "0xa9fea9fe", "deny", "deny.net[0]"],
  ["deny", "web", "net", "0251.0376.0251.0376:80", "deny", "deny.net[0]"],
  ["deny", "web", "net", "[::ffff:a9fe:a9fe]:80", "deny", "deny.net[0]"],
  ["deny", "web", "net", "[64:ff9b::a9fe:a9fe]:80", "deny", "deny.net[0]"],
  ["deny", "other", "net", "[fd00:ec2::254]:80", "deny", "special-address"],
  ["deny", "web", "net", "[fd00:ec2::254]:80", "allow", "skills.web.allow.net[14]"],
  ["deny", "web", "net", "db.internal:5432", "allow", "skills.web.allow.net[7]"],
  ["deny", "web", "net", "db.internal:5433", "prompt", "prompt"],
  ["deny", "web", "net", "8.8.8.8:53", "prompt", "prompt"],
  ["deny", "web", "net", "[2606:4700::1111]:443", "prompt", "prompt"],
  // net: malformed requests deny
  ["deny", "web", "net", "1.2.3.4.5", "deny", "request"],
  ["deny", "web", "net", "foo.123", "deny", "request"],
  ["deny", "web", "net", "example.com:0", "deny", "request"],
  ["deny", "web", "net", "example.com:99999", "deny", "request"],
  ["deny", "web", "net", "*.wikipedia.org", "deny", "request"],
  ["deny", "web", "net", "10.0.0.0/8", "deny", "request"],
  ["deny", "web", "net", "[fe80::1%eth0]:80", "deny", "request"],
  ["deny", "web", "net", "", "deny", "request"],
  ["deny", "web", "net", undefined, "deny", "request"],
  // paths: whole components, denies, home
  ["deny", "web", "read", "/usr/lib", "allow", "skills.web.allow.read[1]"],
  ["deny", "web", "read", "/usr/lib/x/y.so", "allow", "skills.web.allow.read[1]"],
  ["deny", "web", "read", "/usr/lib64/libc.so", "prompt", "prompt"],
  ["deny", "web", "read", "/usr/li", "prompt", "prompt"],
  ["deny", "web", "read", "/usr", "prompt", "prompt"],
  ["deny", "web", "read", "/tmp/a", "allow", "skills.web.allow.read[2]"],
  ["deny", "web", "read", "/tmpfile", "prompt", "prompt"],
  ["deny", "web", "read", "/home/u", "allow", "skills.web.allow.read[0]"],
  ["deny", "web", "read", "/home/u/notes.md", "allow", "skills.web.allow.read[0]"],
  ["deny", "web", "read", "~/notes.md", "allow", "skills.web.allow.read[0]"],
  ["deny", "web", "read", "/home/user2/x", "prompt", "prompt"],
  ["deny", "web", "read", "/home/u/.ssh", "deny", "deny.read[0]"],
  ["deny", "web", "read", "/home/u/.ssh/id_ed25519", "deny", "deny.read[0]"],
  ["deny", "web", "read", "~/.ssh/id_ed25519", "deny", "deny.read[0]"],
  ["deny", "web", "read", "/home/u/.sshx", "allow", "skills.web.allow.read[0]"],
  ["noprompt", "web", "read", "/home/u/.ssh/config", "deny", "deny.read[0]"],
  ["deny", "web", "read", "/home/u/private/diary", "deny", "skills.web.deny.read[0]"],
  ["deny", "web", "read", "/etc/shadow", "deny", "deny.read[1]"],
  ["deny", "web", "read", "/etc/passwd", "prompt", "prompt"],
  ["deny", "web", "read", "//home//u//notes.md", "allow", "skills.web.allow.read[0]"],
  ["deny", "web", "read", "/home/u/../u/.ssh/id_rsa", "deny", "request"],
  ["deny", "web", "read", "/home/u/./x", "deny", "request"],
  ["deny", "web", "read", "notes.md", "deny", "request"],
  ["deny", "web", "read", "./notes.md", "deny", "request"],
  ["deny", "web", "read", "/home/u/a\0b", "deny", "request"],
  ["deny", "web", "write", "/home/u/out/report.txt", "allow", "skills.web.allow.write[0]"],
  ["deny", "web", "write", "/home/u/outside.txt", "prompt", "prompt"],
  ["deny", "web", "write", "/home/u/output/x", "prompt", "prompt"],
  ["deny", "web", "write", "/etc/hosts", "deny", "deny.write[0]"],
  ["deny", "web", "write", "/etc", "deny", "deny.write[0]"],
  ["deny", "web", "write", "/etcetera", "prompt", "prompt"],
  // run
  ["deny", "web", "run", "git", "allow", "skills.web.allow.run[0]"],
  ["deny", "web", "run", "/usr/bin/git", "prompt", "prompt"],
  ["deny", "web", "run", "/usr/local/bin/tool", "allow", "skills.web.allow.run[1]"],
  ["deny", "web", "run", "tool", "prompt", "prompt"],
  ["deny", "web", "run", "rm", "deny", "deny.run[0]"],
  ["specific", "web", "run", "rm", "deny", "deny.run[0]"],
  ["deny", "web", "run", "/bin/rm", "deny", "deny.run[0]"],
  ["deny", "web", "run", "/usr/bin/sudo", "deny", "deny.run[1]"],
  ["deny", "web", "run", "gitx", "prompt", "prompt"],
  ["deny", "web", "run", "./git", "deny", "request"],
  ["deny", "web", "run", "bin/git", "deny", "request"],
  ["deny", "web", "run", "git status", "deny", "request"],
  // env
  ["deny", "web", "env", "HOME", "allow", "skills.web.allow.env[0]"],
  ["deny", "web", "env", "MY_VAR", "allow", "skills.web.allow.env[1]"],
  ["deny", "web", "env", "MY_SECRET", "deny", "skills.web.deny.env[0]"],
  ["deny", "web", "env", "MYVAR", "prompt", "prompt"],
  ["deny", "web", "env", "home", "prompt", "prompt"],
  ["deny", "web", "env", "AWS_REGION", "deny", "deny.env[0]"],
  ["specific", "web", "env", "AWS_REGION", "allow", "skills.web.allow.env[2]"],
  ["specific", "web", "env", "AWS_SECRET_ACCESS_KEY", "deny", "deny.env[0]"],
  ["deny", "web", "env", "GITHUB_TOKEN", "deny", "deny.env[1]"],
  ["specific", "web", "env", "GITHUB_TOKEN", "deny", "deny.env[1]"],
  ["deny", "web", "env", "BAD-NAME", "deny", "request"],
  ["deny", "web", "env", "MY_*", "deny", "request"],
  // booleans
  ["deny", "web", "browser", undefined, "allow", "skills.web.allow.browser"],
  ["deny", "web", "browser", "ignored", "allow", "skills.web.allow.browser"],
  ["deny", "other", "browser", undefined, "prompt", "prompt"],
  ["noprompt", "other", "browser", undefined, "deny", "prompt"],
  ["deny", "web", "camera", undefined, "deny", "deny.camera"],
  ["specific", "web", "camera", undefined, "deny", "deny.camera"],
  // a skill without a policy entry: declared → prompt, except denies and special addresses
  ["deny", "other", "net", "example.com", "prompt", "prompt"],
  ["deny", "other", "read", "/home/u/x", "prompt", "prompt"],
  ["deny", "other", "read", "/home/u/.ssh/x", "deny", "deny.read[0]"],
  ["deny", "other", "run", "git", "prompt", "prompt"],
  ["noprompt", "other", "run", "git", "deny", "prompt"],
  ["deny", "other", "env", "AWS_REGION", "deny", "deny.env[0]"],
  ["deny", "other", "net", "10.1.2.3", "deny", "special-address"],
];

describe("checkPermission", () => {
  test.each(ROWS)("%s: %s %s %p → %s (%s)", (policy, skill, kind, value, decision, rule) => {
    const d = checkPermission(POLICIES[policy], { name: skill, permissions: SKILLS[skill] ?? {} }, { kind, value }, env);
    expect({ decision: d.decision, rule: d.rule }).toEqual({ decision, rule });
    expect(d.reason.length).toBeGreaterThan(0);
  });
});

describe("reasons", () => {
  const check = (skill: string, kind: PermissionKind, value?: string) =>
    checkPermission(POLICIES.deny, { name: skill, permissions: SKILLS[skill] ?? {} }, { kind, value }, env).reason;

  test("a prompt says where to grant it, in Deno's words", () => {
    expect(check("other", "net", "10.0.0.1:80")).toContain("Requires net access to \"10.0.0.1:80\"");
    expect(check("other", "net", "example.com:80")).toBe(
      "Requires net access to \"example.com:80\", grant it in policy.yaml under skills.other.allow.net",
    );
  });
  test("a deny names the rule and the entry", () => {
    expect(check("web", "read", "/home/u/.ssh/id_rsa")).toBe(
      "Requires read access to \"/home/u/.ssh/id_rsa\", which policy.yaml denies (deny.read[0]: \"~/.ssh\")",
    );
  });
  test("an undeclared kind points at the manifest", () => {
    expect(check("none", "net", "example.com")).toBe(
      "Requires net access to \"example.com\", which skill \"none\" does not declare in its manifest permissions",
    );
  });
  test("a forbidden tool names the trust rule", () => {
    expect(check("nuke", "net", "example.com")).toBe("Tool \"nuke\" is forbidden by policy.yaml (trust.forbidden[0])");
  });
});

describe("fail closed", () => {
  test("an unknown kind is denied", () => {
    const d = checkPermission(POLICIES.deny, { name: "web", permissions: ALL }, { kind: "mail" as PermissionKind, value: "x" }, env);
    expect(d.decision).toBe("deny");
  });
  test("a broken policy object denies instead of throwing", () => {
    const broken = { ...POLICIES.deny, deny: null } as never;
    const d = checkPermission(broken, { name: "web", permissions: ALL }, { kind: "net", value: "example.com" }, env);
    expect(d).toMatchObject({ decision: "deny", rule: "internal" });
  });
  test("a skill called like an Object.prototype member gets no grants", () => {
    const d = checkPermission(POLICIES.deny, { name: "constructor", permissions: ALL }, { kind: "net", value: "example.com" }, env);
    expect(d.decision).toBe("prompt");
  });
});

// [policy, skill, name, resolvedPath, decision, rule]
const RUNS: [keyof typeof POLICIES, string, string, string | undefined, PermissionDecisionKind, string][] = [
  ["deny", "web", "git", "/usr/bin/git", "allow", "skills.web.allow.run[0]"],
  ["deny", "web", "tool", "/usr/local/bin/tool", "allow", "skills.web.allow.run[1]"],
  ["deny", "web", "/usr/local/bin/tool", "/usr/local/bin/tool", "allow", "skills.web.allow.run[1]"],
  ["deny", "web", "tool", "/opt/tool", "prompt", "prompt"],
  ["deny", "web", "/tmp/evil/git", "/tmp/evil/git", "prompt", "prompt"],
  ["deny", "web", "rm", "/bin/rm", "deny", "deny.run[0]"],
  ["deny", "web", "del", "/bin/rm", "deny", "deny.run[0]"],
  ["deny", "web", "sudo", "/usr/bin/sudo", "deny", "deny.run[1]"],
  ["deny", "web", "git", "relative/git", "deny", "request"],
  ["deny", "nuke", "git", "/usr/bin/git", "forbidden", "trust.forbidden[0]"],
  ["deny", "none", "git", "/usr/bin/git", "deny", "manifest"],
];

describe("checkRun", () => {
  test.each(RUNS)("%s: %s runs %p (%p) → %s (%s)", (policy, skill, name, resolvedPath, decision, rule) => {
    const d = checkRun(POLICIES[policy], { name: skill, permissions: SKILLS[skill] ?? {} }, { name, resolvedPath }, env);
    expect({ decision: d.decision, rule: d.rule }).toEqual({ decision, rule });
  });
});

describe("trustLevel", () => {
  const p = POLICIES.deny;
  test.each([
    ["nuke", "forbid", "trust.forbidden[0]"],
    ["other_forbidden", "forbid", "trust.forbidden[1]"],
    ["reader", "confirm", "trust.requiresConfirmation[0]"],
    ["web", "allow", "trust.allowedWithoutConfirmation[1]"],
    ["unknown", "confirm", "trust.default"],
  ])("%s → %s (%s)", (tool, trust, rule) => {
    expect(trustLevel(p, tool)).toEqual({ trust: trust as never, rule });
  });
  test("forbidden wins over the other lists", () => {
    const q = parsePolicy("version: 1\ntrust: { allowedWithoutConfirmation: [x], requiresConfirmation: [x], forbidden: [x] }\n");
    expect(trustLevel(q, "x")).toEqual({ trust: "forbid", rule: "trust.forbidden[0]" });
  });
  test.each(["allow", "confirm", "forbid"])("default: %s", (level) => {
    const q = parsePolicy(`version: 1\ntrust: { default: ${level} }\n`);
    expect(trustLevel(q, "any")).toEqual({ trust: level as never, rule: "trust.default" });
  });
  test("default forbid forbids every permission of an unlisted tool", () => {
    const q = parsePolicy("version: 1\ntrust: { default: forbid }\nskills:\n  any: { allow: { browser: true } }\n");
    const d = checkPermission(q, { name: "any", permissions: { browser: true } }, { kind: "browser" }, env);
    expect(d).toMatchObject({ decision: "forbidden", rule: "trust.default" });
  });
});
