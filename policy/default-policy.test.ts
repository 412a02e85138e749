// The shipped policy.yaml, judged by the real engine: what the built-in skills may do out of
// the box, and what no skill may touch.
import { describe, expect, test } from "bun:test";
import type { DeclaredPermissions, PermissionRequest } from "../runtime/contracts/permissions.ts";
import { checkPermission, defaultPolicy, DEFAULT_POLICY_YAML, parsePolicy, trustLevel } from "./index.ts";

const policy = defaultPolicy();
const env = { home: "/home/ada" };
// The built-ins' manifests declare whole kinds (coarse), so the policy alone decides.
const declared: Record<string, DeclaredPermissions> = {
  file_read: { read: "all" }, file_list: { read: "all" }, file_search: { read: "all" },
  file_write: { read: "all", write: "all" }, shell_execute: { run: "all", read: "all" }, web_fetch: { net: "all" },
};
const decide = (skill: string, kind: PermissionRequest["kind"], value: string) =>
  checkPermission(policy, { name: skill, permissions: declared[skill] ?? {} }, { kind, value }, env).decision;

describe("the default policy", () => {
  test("is the parse of the shipped text, commented, asking for what it does not grant", () => {
    expect(parsePolicy(DEFAULT_POLICY_YAML)).toEqual(policy);
    expect(DEFAULT_POLICY_YAML.split("\n").filter((l) => l.trim().startsWith("#")).length).toBeGreaterThan(10);
    expect(policy.prompt).toBe(true);
    expect(policy.trust.default).toBe("confirm");
  });

  test.each([
    ["file_read", "allow"], ["file_list", "allow"], ["file_search", "allow"], ["web_fetch", "allow"],
    ["memory_search", "allow"], ["email_read", "allow"], ["calendar_read", "allow"],
    ["shell_execute", "confirm"], ["file_write", "confirm"], ["email_send", "confirm"], ["calendar_modify", "confirm"],
    ["browser_control", "confirm"], ["camera_access", "confirm"], ["memory_write", "confirm"], ["some_new_skill", "confirm"],
    ["system_delete", "forbid"], ["network_intercept", "forbid"],
  ])("trust for %s is %s", (tool, trust) => {
    expect(trustLevel(policy, tool).trust).toBe(trust as "allow" | "confirm" | "forbid");
  });

  test.each([
    ["file_read", "/home/ada/notes/todo.md", "allow"],
    ["file_list", "/home/ada", "allow"],
    ["file_search", "/home/ada/code/app/src", "allow"],
    ["file_read", "/etc/passwd", "prompt"],
    ["file_read", "/home/ada/.ssh/id_ed25519", "deny"],
    ["file_search", "/home/ada/.gnupg", "deny"],
    ["file_read", "/home/ada/.moltbot/config.yaml", "deny"],
    ["file_read", "/home/ada/.moltbot/state.db", "deny"],
    ["file_read", "/home/ada/.aws/credentials", "deny"],
    ["file_read", "/home/ada/.netrc", "deny"],
    ["shell_execute", "/home/ada/code/app", "allow"],
    ["shell_execute", "/home/ada/.ssh", "deny"],
  ])("%s reading %s: %s", (skill, path, decision) => {
    expect(decide(skill, "read", path)).toBe(decision as "allow");
  });

  test.each([
    ["file_write", "/home/ada/notes/new.md", "allow"],
    ["file_write", "/tmp/x", "prompt"],
    ["file_write", "/home/ada/.moltbot/policy.yaml", "deny"],
    ["file_write", "/home/ada/.moltbot/skills/evil/main.js", "deny"],
    ["file_write", "/home/ada/.ssh/authorized_keys", "deny"],
    ["file_read", "/home/ada/notes/new.md", "deny"],
  ])("%s writing %s: %s", (skill, path, decision) => {
    expect(decide(skill, "write", path)).toBe(decision as "allow");
  });

  test("shell_execute may run git without a question, sh only if asked; web_fetch asks per host", () => {
    expect(decide("shell_execute", "run", "git")).toBe("allow");
    expect(decide("shell_execute", "run", "sh")).toBe("prompt");
    expect(decide("shell_execute", "run", "rm")).toBe("prompt");
    expect(decide("web_fetch", "net", "en.wikipedia.org:443")).toBe("prompt");
    expect(decide("web_fetch", "net", "169.254.169.254:80")).toBe("deny");
    expect(decide("web_fetch", "net", "127.0.0.1:8080")).toBe("deny");
  });

  test("shell_execute's grants are no sandbox (git can start any program), so every call is confirmed and nothing is remembered", () => {
    expect(DEFAULT_POLICY_YAML).toContain("this list does not limit what can run");
    expect(DEFAULT_POLICY_YAML).not.toContain("deliberately absent");
    expect(decide("shell_execute", "run", "git")).toBe("allow");
    expect(trustLevel(policy, "shell_execute")).toEqual({ trust: "confirm", rule: "trust.requiresConfirmation[0]" });
    expect(policy.confirmation.remember).toBe("none");
  });

  test("slow tools get longer time limits than the 5 s default", () => {
    expect(policy.limits.timeoutMs).toBe(5000);
    expect(policy.skills.shell_execute?.limits.timeoutMs).toBe(60_000);
    expect(policy.skills.file_search?.limits.timeoutMs).toBe(30_000);
    expect(policy.skills.web_fetch?.limits.timeoutMs).toBe(20_000);
  });
});
