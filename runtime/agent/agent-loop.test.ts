import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { AgentEvent } from "../contracts/agent.ts";
import { SandboxPool } from "../sandbox/index.ts";
import { AgentHome, call, collect, lastToolText, policyYaml, say, ScriptedProvider, turn } from "./test-fixture.ts";

let pool: SandboxPool;
let home: AgentHome;
beforeAll(() => { pool = new SandboxPool({ maxWorkers: 1 }); });
afterAll(async () => { await pool.close(); });
afterEach(() => home?.cleanup());

const allow = (...names: string[]) => policyYaml(`  allowedWithoutConfirmation: [${names.join(", ")}]\n  default: confirm`);
const finalOf = (events: AgentEvent[]) => events.find((e) => e.type === "final") as Extract<AgentEvent, { type: "final" }> | undefined;

describe("agent loop", () => {
  test("a final answer without tools streams deltas, ends with final, and is kept in the transcript", async () => {
    home = new AgentHome();
    const provider = new ScriptedProvider(() => [{ type: "text", delta: "Hel" }, { type: "text", delta: "lo" }, { type: "done", stopReason: "end" }]);
    const agent = home.agent(provider, pool, allow());
    const events = await collect(agent.run(turn("hi")));
    expect(events.map((e) => e.type)).toEqual(["delta", "delta", "final"]);
    expect(finalOf(events)?.text).toBe("Hello");
    const given = await collect(agent.run({ ...turn("again"), turn: "gw-turn-1" } as Parameters<typeof agent.run>[0]));
    expect(given.every((e) => e.turn === "gw-turn-1")).toBe(true);
    expect((await home.memory.readTranscript("s1")).map((e) => [e.role, e.text])).toEqual([["user", "hi"], ["assistant", "Hello"], ["user", "again"], ["assistant", "Hello"]]);
    agent.close();
  });

  test("a turn that offers skills has a sandbox worker starting before the model answers; one without, none", async () => {
    home = new AgentHome();
    const fresh = new SandboxPool({ maxWorkers: 1 });
    try {
      let seen = -1;
      const provider = new ScriptedProvider(() => ((seen = fresh.stats.workers), say("ok")));
      await collect(home.agent(provider, fresh, allow()).run(turn("hi")));
      expect(seen).toBe(0); // no skills offered: nothing started
      await home.skill("noop", "export default () => 1");
      await collect(home.agent(provider, fresh, allow("noop")).run(turn("hi again")));
      expect(seen).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  test("tool call → real skill in the sandbox → result back to the model → answer; audited", async () => {
    home = new AgentHome();
    await home.skill("add", "export default async ({ a, b }) => ({ sum: a + b });", { parameters: { a: { type: "number", required: true }, b: { type: "number", required: true } } });
    const provider = new ScriptedProvider((req, n) => (n === 0 ? call("add", { a: 2, b: 40 }) : say(`the sum is ${JSON.parse(lastToolText(req)).sum}`)));
    const agent = home.agent(provider, pool, allow("add"));
    const events = await collect(agent.run(turn("add 2 and 40")));
    expect(events.map((e) => e.type)).toEqual(["tool_call", "tool_result", "delta", "final"]);
    expect(finalOf(events)?.text).toBe("the sum is 42");
    expect(provider.requests[0]!.tools?.map((t) => t.name)).toEqual(["add"]);
    expect(home.auditLines()).toMatchObject([{ tool: "add", result: "success", user_approved: null, session: "s1", user: "telegram:1", channel: "telegram" }]);
    agent.close();
  });

  test("a tool error is a result the model sees, not the end of the turn", async () => {
    home = new AgentHome();
    await home.skill("broken", "export default async () => { throw new Error('disk on fire'); };");
    const provider = new ScriptedProvider((req, n) => (n === 0 ? call("broken", {}) : say(`sorry: ${lastToolText(req)}`)));
    const agent = home.agent(provider, pool, allow("broken"));
    const events = await collect(agent.run(turn("go")));
    expect(events.find((e) => e.type === "tool_result")).toMatchObject({ ok: false, summary: expect.stringContaining("disk on fire") });
    expect(finalOf(events)?.text).toBe("sorry: error: skill_error: disk on fire");
    agent.close();
  });

  test("invalid parameters and unknown tools also come back as errors", async () => {
    home = new AgentHome();
    await home.skill("add", "export default async ({ a, b }) => a + b;", { parameters: { a: { type: "number", required: true } } });
    const seen: string[] = [];
    const provider = new ScriptedProvider((req, n) => {
      if (n > 0) seen.push(lastToolText(req));
      return n === 0 ? call("add", { a: "two" }) : n === 1 ? call("nope", {}) : say("done");
    });
    const agent = home.agent(provider, pool, allow("add"));
    await collect(agent.run(turn("go")));
    expect(seen[0]).toStartWith("error: invalid_params:");
    expect(seen[1]).toBe("error: not_found: no tool named nope");
    agent.close();
  });

  test("a tool call without a name is a result the model can correct, shown and audited as (no name)", async () => {
    home = new AgentHome();
    await home.skill("add", "export default async ({ a, b }) => ({ sum: a + b });");
    // What a provider hands on for `tool_calls:[{"function":{"arguments":{}}}]`: name "".
    const provider = new ScriptedProvider((req, n) => (n === 0 ? call("", {}, "c-0") : say(`retrying: ${lastToolText(req)}`)));
    const agent = home.agent(provider, pool, allow("add"));
    const events = await collect(agent.run(turn("go")));
    expect(events.map((e) => e.type)).toEqual(["tool_call", "tool_result", "delta", "final"]);
    expect(events[0]).toMatchObject({ type: "tool_call", tool: "(no name)", params: {} });
    expect(events[1]).toMatchObject({ type: "tool_result", tool: "(no name)", ok: false });
    expect(finalOf(events)?.text).toBe("retrying: error: not_found: the model sent a tool call without a name; nothing was run");
    expect(home.auditLines()).toMatchObject([{ tool: "(no name)", result: "error", error_code: "not_found", user_approved: null, skill_version: null, session: "s1" }]);
    agent.close();
  });

  test("calls to unknown tools are audited: name as given (capped), params redacted, the policy's word for that name", async () => {
    home = new AgentHome();
    await home.skill("fine", "export default async () => 1;");
    const long = `x${"y".repeat(500)}`;
    const script = [call("nonexistent_tool", { path: "/tmp/a" }), call("system_delete", { path: "/", password: "hunter2" }), call(long, {})];
    const provider = new ScriptedProvider((_req, n) => script[n] ?? say("done"));
    const agent = home.agent(provider, pool, policyYaml("  allowedWithoutConfirmation: [fine]\n  forbidden: [system_delete]"));
    const events = await collect(agent.run(turn("x")));
    expect(events.filter((e) => e.type === "tool_result").map((e) => e.type === "tool_result" && e.summary)).toEqual([
      "not_found: no tool named nonexistent_tool", "not_found: no tool named system_delete", `not_found: no tool named ${long.slice(0, 64)}…`,
    ]);
    const lines = home.auditLines();
    expect(lines).toMatchObject([
      { tool: "nonexistent_tool", parameters: { path: "/tmp/a" }, result: "error", error_code: "not_found", decision: "confirm", user_approved: null },
      { tool: "system_delete", parameters: { path: "/", password: "[REDACTED]" }, result: "error", error_code: "not_found", decision: "forbid" },
      { tool: `${long.slice(0, 64)}…`, result: "error", error_code: "not_found" },
    ]);
    agent.close();
  });

  test("an empty answer is asked for once more; the second answer is the turn's", async () => {
    home = new AgentHome();
    const provider = new ScriptedProvider((_req, n) => (n === 0 ? say("") : say("Here it is.")));
    const agent = home.agent(provider, pool, allow());
    const events = await collect(agent.run(turn("hi")));
    expect(finalOf(events)?.text).toBe("Here it is.");
    expect(provider.requests).toHaveLength(2);
    expect(provider.requests[1]!.messages.at(-1)).toEqual({ role: "user", content: "[moltbot] Your last reply was empty. Answer the user's message." });
    expect((await home.memory.readTranscript("s1")).map((e) => e.role)).toEqual(["user", "assistant"]);
    agent.close();
  });

  test("two empty answers end the turn with provider_error, not a blank final", async () => {
    home = new AgentHome();
    const provider = new ScriptedProvider(() => [{ type: "text", delta: " \n" }, { type: "done", stopReason: "end" }]);
    const agent = home.agent(provider, pool, allow());
    const events = await collect(agent.run(turn("hi")));
    expect(events.some((e) => e.type === "final")).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { code: "provider_error", message: "scripted: the model returned an empty answer, also when asked again" } });
    expect(provider.requests).toHaveLength(2);
    agent.close();
  });

  test("no final answer at the step limit: step_limit, whose hint names agent.max_steps in config.yaml", async () => {
    home = new AgentHome();
    await home.skill("again", "export default async () => 'more';");
    const provider = new ScriptedProvider(() => call("again", {}));
    const agent = home.agent(provider, pool, allow("again"), { maxSteps: 2 });
    const events = await collect(agent.run(turn("loop")));
    expect(events.at(-1)).toMatchObject({
      type: "error",
      error: { code: "step_limit", message: "stopped after 2 tool steps without a final answer", hint: "ask again in smaller steps, or raise agent.max_steps in config.yaml (default 8, at most 100; see docs/config.md)" },
    });
    agent.close();
  });

  test("at the step limit the model is asked once more without tools for a final answer", async () => {
    home = new AgentHome();
    await home.skill("again", "export default async () => 'more';");
    const provider = new ScriptedProvider((req) => (req.tools ? call("again", {}) : say("giving up politely")));
    const agent = home.agent(provider, pool, allow("again"), { maxSteps: 3 });
    const events = await collect(agent.run(turn("loop")));
    expect(events.filter((e) => e.type === "tool_result")).toHaveLength(3);
    expect(finalOf(events)?.text).toBe("giving up politely");
    expect(provider.requests).toHaveLength(4);
    expect(provider.requests[3]!.tools).toBeUndefined();
    agent.close();
  });

  test("forbidden tools are never offered; called anyway, they are refused and audited as forbidden", async () => {
    home = new AgentHome();
    await home.skill("fine", "export default async () => 1;");
    await home.skill("danger", "export default async () => 'ran';");
    await home.memorySkills();
    const policy = policyYaml("  allowedWithoutConfirmation: [fine, danger]\n  forbidden: [danger, memory_write]");
    const provider = new ScriptedProvider((req, n) => (n === 0 ? call("danger", {}) : say(lastToolText(req))));
    const agent = home.agent(provider, pool, policy);
    const events = await collect(agent.run(turn("x")));
    expect(provider.requests[0]!.tools?.map((t) => t.name).sort()).toEqual(["fine", "memory_search"]);
    expect(finalOf(events)?.text).toStartWith("error: forbidden:");
    expect(home.auditLines()).toMatchObject([{ tool: "danger", result: "forbidden", user_approved: null }]);
    agent.close();
  });

  test("tool output: summary and attachments go to the channel, the model gets capped JSON without the bytes", async () => {
    home = new AgentHome();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString("base64");
    await home.skill("shot", `export default async () => ({ summary: "a screenshot", big: "x".repeat(5000), attachments: [{ kind: "image", mime: "image/png", name: "s.png", base64: "${png}" }] });`);
    const provider = new ScriptedProvider((req, n) => (n === 0 ? call("shot", {}) : say("ok")));
    const agent = home.agent(provider, pool, allow("shot"), { toolResultChars: 1000 });
    const events = await collect(agent.run(turn("x")));
    const result = events.find((e) => e.type === "tool_result") as Extract<AgentEvent, { type: "tool_result" }>;
    expect(result.summary).toBe("a screenshot");
    expect(result.attachments).toEqual([{ kind: "image", mime: "image/png", name: "s.png", data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) }]);
    const text = lastToolText(provider.requests[1]!);
    expect(text).not.toContain(png);
    expect(text).toMatch(/\[cut: showing 1000 of \d+ characters\]$/);
    agent.close();
  });

  test("a model error ends the turn with an error event", async () => {
    home = new AgentHome();
    const provider = new ScriptedProvider(() => [{ type: "error", error: { code: "provider_error", message: "anthropic: 529 overloaded" } }]);
    const agent = home.agent(provider, pool, allow());
    const events = await collect(agent.run(turn("hi")));
    expect(events).toMatchObject([{ type: "error", error: { code: "provider_error" } }]);
    agent.close();
  });
});
