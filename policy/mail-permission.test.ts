import { describe, expect, test } from "bun:test";
import { MoltFailure } from "../runtime/contracts/errors.ts";
import type { DeclaredPermissions, PermissionDecisionKind } from "../runtime/contracts/permissions.ts";
import { checkConfiguredServer, checkPermission } from "./check-permission.ts";
import { explainSkill } from "./explain.ts";
import { parsePolicy } from "./parse-policy.ts";

const env = { home: "/home/u" };

const policy = parsePolicy(`version: 1
trust: { forbidden: [mail_nuke] }
deny:
  mail: [send]
skills:
  email_read:
    allow: { mail: [read], net: ["imap.example.com:993"] }
  email_send:
    allow: { mail: [send] }
  mail_all:
    allow: { mail: [read, send] }
  mail_skilldeny:
    allow: { mail: [read] }
    deny: { mail: [read] }
`);
const specific = parsePolicy(`version: 1
precedence: specific
deny: { mail: [send] }
skills:
  email_send: { allow: { mail: [send] } }
`);
const noprompt = parsePolicy("version: 1\nprompt: false\n");

const READ: DeclaredPermissions = { mail: ["read"] };
const BOTH: DeclaredPermissions = { mail: ["read", "send"] };

// [policy, skill, declared, requested value, decision, rule]
const POLICIES = { policy, specific, noprompt };
const ROWS: [keyof typeof POLICIES, string, DeclaredPermissions, string, PermissionDecisionKind, string][] = [
  ["policy", "email_read", READ, "read", "allow", "skills.email_read.allow.mail[0]"],
  ["policy", "email_read", READ, "send", "deny", "manifest"],
  ["policy", "email_read", {}, "read", "deny", "manifest"],
  ["policy", "email_read", { mail: "all" }, "send", "deny", "deny.mail[0]"],
  ["policy", "email_send", { mail: ["send"] }, "send", "deny", "deny.mail[0]"],
  ["specific", "email_send", { mail: ["send"] }, "send", "deny", "deny.mail[0]"],
  ["policy", "mail_all", BOTH, "read", "allow", "skills.mail_all.allow.mail[0]"],
  ["policy", "mail_all", BOTH, "send", "deny", "deny.mail[0]"],
  ["policy", "mail_skilldeny", READ, "read", "deny", "skills.mail_skilldeny.deny.mail[0]"],
  ["policy", "ungranted", READ, "read", "prompt", "prompt"],
  ["noprompt", "ungranted", READ, "read", "deny", "prompt"],
  ["policy", "mail_nuke", BOTH, "read", "forbidden", "trust.forbidden[0]"],
  ["policy", "email_read", READ, "write", "deny", "request"],
  ["policy", "email_read", READ, "READ", "deny", "request"],
];

describe("checkPermission: mail", () => {
  test.each(ROWS)("%s: %s %o asks mail %s → %s", (p, name, permissions, value, decision, rule) => {
    const d = checkPermission(POLICIES[p], { name, permissions }, { kind: "mail", value }, env);
    expect({ decision: d.decision, rule: d.rule }).toEqual({ decision, rule });
  });

  test("a denial says what to grant and where", () => {
    const d = checkPermission(noprompt, { name: "email_list", permissions: READ }, { kind: "mail", value: "read" }, env);
    expect(d.reason).toBe(
      'Requires mail access to "read", grant it in policy.yaml under skills.email_list.allow.mail (prompting is off: prompt: false)',
    );
  });

  test("a mail grant never admits net access, and a net grant never admits mail", () => {
    const skill = { name: "email_read", permissions: { mail: ["read"], net: "all" } as DeclaredPermissions };
    expect(checkPermission(policy, skill, { kind: "net", value: "imap.example.com:993" }, env).decision).toBe("allow");
    expect(checkPermission(policy, skill, { kind: "net", value: "other.example.com:993" }, env).decision).toBe("prompt");
    expect(checkPermission(policy, { name: "email_send", permissions: { net: "all" } }, { kind: "mail", value: "send" }, env).rule).toBe("manifest");
  });
});

describe("policy.yaml: mail entries", () => {
  test("only read and send are accepted, with the line and field named", () => {
    try {
      parsePolicy("version: 1\nskills:\n  email_read:\n    allow:\n      mail: [read, write]\n");
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(MoltFailure);
      expect((err as MoltFailure).error.message).toContain("policy.yaml:5");
      expect((err as MoltFailure).error.message).toContain("skills.email_read.allow.mail[1]");
      expect((err as MoltFailure).error.message).toContain('"write" is not a valid mail access; expected read or send');
    }
  });
});

describe("explainSkill: mail", () => {
  test("each declared access with the rule that decides it", () => {
    const out = explainSkill(policy, { name: "mail_all", permissions: BOTH }, env);
    expect(out.filter((k) => !k.server)).toEqual([
      {
        kind: "mail",
        entries: [
          { value: "read", decision: "allow", rule: "skills.mail_all.allow.mail[0]" },
          { value: "send", decision: "deny", rule: "deny.mail[0]" },
        ],
      },
    ]);
    // Then the configured servers, judged as net (policy/explain.test.ts tests them).
    expect(out.filter((k) => k.server).map((k) => k.server)).toEqual(["imap", "smtp"]);
  });
});

describe("checkConfiguredServer: the mail account's server against net", () => {
  const p = parsePolicy(`version: 1
deny: { net: ["*.blocked.example"] }
skills:
  email_list: { allow: { mail: [read], net: ["imap.example.com:993", "127.0.0.1:1143", "*.example.org"] } }
`);
  const skill = { name: "email_list", permissions: { mail: ["read"] } as DeclaredPermissions };
  const ROWS: [string, PermissionDecisionKind, string][] = [
    ["imap.example.com:993", "allow", "skills.email_list.allow.net[0]"],
    ["imap.example.com:143", "prompt", "prompt"],
    ["127.0.0.1:1143", "allow", "skills.email_list.allow.net[1]"],
    ["127.0.0.1:1144", "deny", "special-address"],
    ["localhost:1143", "deny", "special-address"],
    ["mail.example.org:993", "allow", "skills.email_list.allow.net[2]"],
    ["imap.blocked.example:993", "deny", "deny.net[0]"],
  ];
  test.each(ROWS)("%s → %s", (value, decision, rule) => {
    const d = checkConfiguredServer(p, skill, value, env);
    expect({ decision: d.decision, rule: d.rule }).toEqual({ decision, rule });
  });
  test("a forbidden tool reaches no server", () => {
    const f = parsePolicy("version: 1\ntrust: { forbidden: [email_list] }\n");
    expect(checkConfiguredServer(f, skill, "imap.example.com:993", env).decision).toBe("forbidden");
  });
});
