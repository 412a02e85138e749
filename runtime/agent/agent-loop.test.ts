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
