// The gate's remembered answers: "always" to a tool call's confirmation and "always" to a
// permission prompt raised inside that tool are kept apart.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent, ApprovalAnswer } from "../contracts/agent.ts";
import type { Remember } from "../../policy/index.ts";
import { ApprovalStore } from "../approvals/index.ts";
import { ApprovalGate, type AskContext } from "./approval-gate.ts";

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function setup(remember: Remember = "always") {
  const dir = mkdtempSync(join(tmpdir(), "moltbot-gate-"));
  dirs.push(dir);
  const store = new ApprovalStore(join(dir, "state.db"));
  const policy = { remember };
  const gate = new ApprovalGate(store, () => 60_000, () => policy.remember);
  /** The approval requests shown, and how each ended. */
  const shown: AgentEvent[] = [];
  const ended: AgentEvent[] = [];
  let reply: ApprovalAnswer | null = "deny";
  const abort = new AbortController();
  const ctx: AskContext = {
    turn: "t1", session: "s1", user: "telegram:1", unattended: false, signal: abort.signal,
    emit(e) {
      if (e.type === "approval_resolved") return void ended.push(e);
      shown.push(e);
      const a = reply;
      if (e.type === "approval_request" && a !== null) queueMicrotask(() => gate.resolve(e.approval.id, a, ["telegram:1"]));
    },
  };
  return { gate, ctx, shown, ended, abort, policy, store, answer: (a: ApprovalAnswer | null) => (reply = a) };
}

const RUN_SH = { kind: "run", value: "sh" };

describe("ApprovalGate remembered answers", () => {
  test("'always' to a call whose params look like a permission does not answer that permission's prompt", async () => {
    const { gate, ctx, shown, answer } = setup();
    answer("always");
    expect(await gate.ask(ctx, { tool: "notes", params: { permission: RUN_SH }, reason: "policy requires confirmation", guarded: false })).toBe(true);
    answer("deny");
    const prompt = await gate.ask(ctx, { tool: "notes", params: { anything: 1 }, reason: 'Requires run access to "sh"', guarded: false, permission: RUN_SH });
    expect(prompt).toBe(false);
    expect(shown).toHaveLength(2); // the prompt was shown, not answered from memory
  });

  test("'always' to a permission prompt does not confirm a call whose params look like it", async () => {
    const { gate, ctx, shown, answer } = setup();
    answer("always");
    expect(await gate.ask(ctx, { tool: "notes", params: {}, reason: 'Requires run access to "sh"', guarded: false, permission: RUN_SH })).toBe(true);
    answer("deny");
    expect(await gate.ask(ctx, { tool: "notes", params: { permission: RUN_SH }, reason: "policy requires confirmation", guarded: false })).toBe(false);
    expect(shown).toHaveLength(2);
  });

  test("each kind is still remembered for itself", async () => {
    const { gate, ctx, shown, answer } = setup();
    answer("always");
    await gate.ask(ctx, { tool: "notes", params: { q: 1 }, reason: "confirm", guarded: false });
    await gate.ask(ctx, { tool: "notes", params: { q: 2 }, reason: "prompt", guarded: false, permission: RUN_SH });
    answer("deny");
    expect(await gate.ask(ctx, { tool: "notes", params: { q: 1 }, reason: "confirm", guarded: false })).toBe(true);
    // A permission grant holds whatever the call's params are.
    expect(await gate.ask(ctx, { tool: "notes", params: { q: 3 }, reason: "prompt", guarded: false, permission: RUN_SH })).toBe(true);
    expect(shown).toHaveLength(2);
  });
});

describe("ApprovalGate: the policy's confirmation.remember bounds 'always'", () => {
  const git = { command: "git", args: ["status"] };
  const ask = (gate: ApprovalGate, ctx: AskContext, session = "s1") =>
    gate.ask({ ...ctx, session }, { tool: "shell_execute", params: git, reason: "policy requires confirmation", guarded: false });

  test("none: 'always' is a plain approve — the same call asks again, in the same session and another", async () => {
    const { gate, ctx, shown, answer, store } = setup("none");
    answer("always");
    expect(await ask(gate, ctx)).toBe(true);
    answer("deny");
    expect(await ask(gate, ctx)).toBe(false);
    expect(await ask(gate, ctx, "s2")).toBe(false);
    expect(shown).toHaveLength(3);
    expect(store.grants.list()).toEqual([]);
  });

  test("session: 'always' holds in that session only", async () => {
    const { gate, ctx, shown, answer, store } = setup("session");
    answer("always");
    expect(await ask(gate, ctx)).toBe(true);
    answer("deny");
    expect(await ask(gate, ctx)).toBe(true);
    expect(shown).toHaveLength(1);
    expect(await ask(gate, ctx, "s2")).toBe(false);
    expect(shown).toHaveLength(2);
    expect(store.grants.list().map((g) => [g.scope, g.session])).toEqual([["session", "s1"]]);
  });

  test("always: 'always' holds in every session of that user", async () => {
    const { gate, ctx, shown, answer } = setup("always");
    answer("always");
    expect(await ask(gate, ctx)).toBe(true);
    answer("deny");
    expect(await ask(gate, ctx)).toBe(true);
    expect(await ask(gate, ctx, "s2")).toBe(true);
    expect(shown).toHaveLength(1);
  });

  test("a plain approve is never remembered, whatever remember says", async () => {
    for (const remember of ["none", "session", "always"] as const) {
      const { gate, ctx, shown, answer, store } = setup(remember);
      answer("approve");
      expect(await ask(gate, ctx)).toBe(true);
      answer("deny");
      expect(await ask(gate, ctx)).toBe(false);
      expect(shown).toHaveLength(2);
      expect(store.grants.list()).toEqual([]);
    }
  });

  test("a policy narrowed later stops honouring what a wider one kept", async () => {
    const { gate, ctx, shown, answer, policy } = setup("always");
    answer("always");
    expect(await ask(gate, ctx)).toBe(true);
    answer("deny");
    policy.remember = "session";
    expect(await ask(gate, ctx)).toBe(false); // kept for good, but the policy now allows a session at most
    policy.remember = "none";
    expect(await ask(gate, ctx)).toBe(false);
    policy.remember = "always";
    expect(await ask(gate, ctx)).toBe(true);
    expect(shown).toHaveLength(3);
  });
});

describe("ApprovalGate says how each approval ended", () => {
  test("approved, denied, expired and cancelled, each after its request and before the turn goes on", async () => {
    const { gate, ctx, ended, abort, answer } = setup();
    answer("approve");
    expect(await gate.ask(ctx, { tool: "a", params: {}, reason: "r", guarded: false })).toBe(true);
    answer("deny");
    expect(await gate.ask(ctx, { tool: "b", params: {}, reason: "r", guarded: false })).toBe(false);
    answer(null);
    // A gate whose approvals expire after 20 ms, and nobody answers.
    const short = new ApprovalGate(storeOf(), () => 20, () => "none");
    expect(await short.ask(ctx, { tool: "c", params: {}, reason: "r", guarded: false })).toBe(false);
    const waiting = gate.ask(ctx, { tool: "d", params: {}, reason: "r", guarded: false });
    abort.abort();
    expect(await waiting).toBe(false);
    expect(ended.map((e) => (e.type === "approval_resolved" ? e.state : e.type))).toEqual(["approved", "denied", "expired", "cancelled"]);
  });
});

function storeOf(): ApprovalStore {
  const dir = mkdtempSync(join(tmpdir(), "moltbot-gate-"));
  dirs.push(dir);
  return new ApprovalStore(join(dir, "state.db"));
}

describe("ApprovalGate tells the answerer what an 'always' keeps", () => {
  for (const [remember, kept] of [["none", undefined], ["session", "session"], ["always", "always"]] as const) {
    test(`confirmation.remember: ${remember}`, async () => {
      const { gate, ctx } = setup(remember);
      let result: unknown;
      ctx.emit = (e) => {
        if (e.type === "approval_request") queueMicrotask(() => (result = gate.resolve(e.approval.id, "always", ["telegram:1"])));
      };
      expect(await gate.ask(ctx, { tool: "notes", params: {}, reason: "r", guarded: false })).toBe(true);
      expect(result).toEqual(kept === undefined ? { ok: true } : { ok: true, kept });
    });
  }
});
