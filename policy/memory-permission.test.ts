import { describe, expect, test } from "bun:test";
import { MoltFailure } from "../runtime/contracts/errors.ts";
import type { DeclaredPermissions, PermissionDecisionKind } from "../runtime/contracts/permissions.ts";
import { checkPermission } from "./check-permission.ts";
import { defaultPolicy } from "./default-policy.ts";
import { explainSkill } from "./explain.ts";
import { parsePolicy } from "./parse-policy.ts";

const env = { home: "/home/u" };

const policy = parsePolicy(`version: 1
trust: { forbidden: [memory_nuke] }
skills:
  memory_search: { allow: { memory: [read] } }
  memory_write: { allow: { memory: [write] } }
  memory_both: { allow: { memory: [read, write] } }
  memory_skilldeny:
    allow: { memory: [write] }
    deny: { memory: [write] }
`);
const globalDeny = parsePolicy("version: 1\ndeny: { memory: [write] }\nskills:\n  memory_write: { allow: { memory: [write] } }\n");
const noprompt = parsePolicy("version: 1\nprompt: false\n");

const READ: DeclaredPermissions = { memory: ["read"] };
const WRITE: DeclaredPermissions = { memory: ["write"] };
const BOTH: DeclaredPermissions = { memory: ["read", "write"] };

const POLICIES = { policy, globalDeny, noprompt };
const ROWS: [keyof typeof POLICIES, string, DeclaredPermissions, string, PermissionDecisionKind, string][] = [
  ["policy", "memory_search", READ, "read", "allow", "skills.memory_search.allow.memory[0]"],
  ["policy", "memory_search", READ, "write", "deny", "manifest"],
  ["policy", "memory_search", { memory: "all" }, "write", "prompt", "prompt"],
  ["policy", "memory_write", WRITE, "write", "allow", "skills.memory_write.allow.memory[0]"],
  ["policy", "memory_write", WRITE, "read", "deny", "manifest"],
  ["policy", "memory_write", {}, "write", "deny", "manifest"],
  ["policy", "memory_both", BOTH, "read", "allow", "skills.memory_both.allow.memory[0]"],
  ["policy", "memory_both", BOTH, "write", "allow", "skills.memory_both.allow.memory[1]"],
  ["policy", "memory_skilldeny", WRITE, "write", "deny", "skills.memory_skilldeny.deny.memory[0]"],
  ["globalDeny", "memory_write", WRITE, "write", "deny", "deny.memory[0]"],
  ["policy", "ungranted", WRITE, "write", "prompt", "prompt"],
  ["noprompt", "ungranted", WRITE, "write", "deny", "prompt"],
  ["policy", "memory_nuke", BOTH, "read", "forbidden", "trust.forbidden[0]"],
  // Exact values only: no prefixes, no case folding, no other kinds' words.
  ["policy", "memory_both", BOTH, "READ", "deny", "request"],
  ["policy", "memory_both", BOTH, "send", "deny", "request"],
  ["policy", "memory_both", BOTH, "re", "deny", "request"],
];

describe("checkPermission: memory", () => {
  test.each(ROWS)("%s: %s %o asks memory %s → %s", (p, name, permissions, value, decision, rule) => {
    const d = checkPermission(POLICIES[p], { name, permissions }, { kind: "memory", value }, env);
    expect({ decision: d.decision, rule: d.rule }).toEqual({ decision, rule });
  });

  test("a denial says what to grant and where", () => {
    const d = checkPermission(noprompt, { name: "notes", permissions: WRITE }, { kind: "memory", value: "write" }, env);
    expect(d.reason).toBe(
      'Requires memory access to "write", grant it in policy.yaml under skills.notes.allow.memory (prompting is off: prompt: false)',
    );
  });

  test("a memory grant is not a file grant, and a mail read grant is not a memory read", () => {
    const mailer = parsePolicy("version: 1\nprompt: false\nskills:\n  x: { allow: { mail: [read] } }\n");
    expect(checkPermission(mailer, { name: "x", permissions: READ }, { kind: "memory", value: "read" }, env).decision).toBe("deny");
    expect(checkPermission(policy, { name: "memory_search", permissions: { ...READ, read: "all" } }, { kind: "read", value: "/home/u/.moltbot/memory/users/a.md" }, env).decision).toBe("prompt");
  });

  test("the shipped policy grants the two built-in memory skills exactly their access", () => {
    const p = defaultPolicy();
    expect(checkPermission(p, { name: "memory_search", permissions: READ }, { kind: "memory", value: "read" }, env).decision).toBe("allow");
    expect(checkPermission(p, { name: "memory_write", permissions: WRITE }, { kind: "memory", value: "write" }, env).decision).toBe("allow");
    expect(checkPermission(p, { name: "memory_search", permissions: BOTH }, { kind: "memory", value: "write" }, env).decision).toBe("prompt");
    expect(checkPermission(p, { name: "some_community_skill", permissions: BOTH }, { kind: "memory", value: "read" }, env).decision).toBe("prompt");
  });
});

describe("policy.yaml: memory entries", () => {
  test("only read and write are accepted, with the line and field named", () => {
    try {
      parsePolicy("version: 1\nskills:\n  memory_write:\n    allow:\n      memory: [write, delete]\n");
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(MoltFailure);
      expect((err as MoltFailure).error.message).toContain("policy.yaml:5");
      expect((err as MoltFailure).error.message).toContain("skills.memory_write.allow.memory[1]");
      expect((err as MoltFailure).error.message).toContain('"delete" is not a valid memory access; expected read or write');
    }
  });
});

describe("explainSkill: memory", () => {
  test("each declared access with the rule that decides it", () => {
    expect(explainSkill(globalDeny, { name: "memory_write", permissions: BOTH }, env)).toEqual([
      {
        kind: "memory",
        entries: [
          { value: "read", decision: "prompt", rule: "prompt" },
          { value: "write", decision: "deny", rule: "deny.memory[0]" },
        ],
      },
    ]);
  });
});
