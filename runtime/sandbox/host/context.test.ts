// A host context decides each permission request of one call. Under a sealed policy the
// policy's own decisions are kept for later calls; these tests check that nothing else is: a
// user's approval, another home or another manifest each get their own decision.
import { describe, expect, test } from "bun:test";
import { DEFAULT_LIMITS } from "../../contracts/sandbox.ts";
import type { DeclaredPermissions } from "../../contracts/permissions.ts";
import { parsePolicy, sealPolicy, type Policy } from "../../../policy/index.ts";
import { createHostContext } from "./context.ts";

const policy = sealPolicy(parsePolicy(`version: 1
prompt: true
skills:
  tester:
    allow: { read: ["~/notes"], net: ["example.com:443"] }
`, "test-policy.yaml"));

function contextFor(opts: { policy?: Policy; home?: string; permissions?: DeclaredPermissions; answer?: boolean } = {}) {
  return createHostContext({
    policy: opts.policy ?? policy,
    skill: { name: "tester", permissions: opts.permissions ?? { read: "all", net: "all" } },
    home: opts.home ?? "/home/ann",
    limits: DEFAULT_LIMITS,
    deadline: Date.now() + 5000,
    ask: async () => opts.answer === true,
  });
}

describe("permission decisions across calls", () => {
  test("a user's approval holds for its own call only", async () => {
    const req = { kind: "net" as const, value: "other.example:443" };
    const first = contextFor({ answer: true });
    expect(first.check(req).decision).toBe("prompt");
    expect(await first.ask(req, first.check(req))).toBe(true);
    expect(first.check(req).decision).toBe("allow");
    // The next call under the same policy is asked again.
    expect(contextFor().check(req).decision).toBe("prompt");
  });

  test("a grant under ~ is decided for each home, not reused from another user's call", () => {
    const req = { kind: "read" as const, value: "/home/ann/notes/todo.md" };
    expect(contextFor({ home: "/home/ann" }).check(req).decision).toBe("allow");
    expect(contextFor({ home: "/home/bob" }).check(req).decision).toBe("prompt");
    expect(contextFor({ home: "/home/ann" }).check(req).decision).toBe("allow");
  });

  test("a skill whose manifest no longer declares a permission is refused, whatever was decided before", () => {
    const req = { kind: "net" as const, value: "example.com:443" };
    expect(contextFor().check(req).decision).toBe("allow");
    const narrowed = contextFor({ permissions: { read: "all" } }).check(req);
    expect(narrowed).toMatchObject({ decision: "deny", rule: "manifest" });
  });

  test("a sealed policy cannot be changed, so a kept decision cannot go stale", () => {
    const p = sealPolicy(parsePolicy(`version: 1\nprompt: false\nskills:\n  tester: { allow: { net: ["example.com:443"] } }\n`, "p.yaml"));
    expect(Object.isFrozen(p.skills.tester)).toBe(true);
    expect(() => {
      (p.skills.tester!.allow.net as string[]).push("evil.example:443");
    }).toThrow();
    expect(contextFor({ policy: p }).check({ kind: "net", value: "evil.example:443" }).decision).toBe("deny");
    // Sealing reaches below an object someone froze only on the surface.
    const shallow = parsePolicy(`version: 1\nskills:\n  tester: { allow: { net: ["example.com:443"] } }\n`, "p.yaml");
    Object.freeze(shallow);
    sealPolicy(shallow);
    expect(Object.isFrozen(shallow.skills.tester!.allow.net)).toBe(true);
  });
});

describe("permission prompts", () => {
  test("a value longer than any real path or name is refused without asking anyone", async () => {
    const asked: string[] = [];
    const ctx = createHostContext({
      policy, skill: { name: "tester", permissions: { env: "all", read: "all" } }, home: "/home/ann", limits: DEFAULT_LIMITS,
      deadline: Date.now() + 5000, ask: async (req) => (asked.push(req.value ?? ""), true),
    });
    const huge = { kind: "env" as const, value: "A".repeat(5000) };
    expect(ctx.check(huge).decision).toBe("prompt");
    expect(await ctx.ask(huge, ctx.check(huge))).toBe(false);
    const normal = { kind: "env" as const, value: "HOME_DIR" };
    expect(await ctx.ask(normal, ctx.check(normal))).toBe(true);
    expect(asked).toEqual(["HOME_DIR"]);
  });
});
