// The agent loop against real provider code talking to local fake model servers over real
// sockets (the Anthropic and OpenAI wire protocols): tool call → real skill in the sandbox →
// tool result on the wire → final answer; and an approval in between.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createProvider } from "../../runtime/providers/index.ts";
import { SandboxPool } from "../../runtime/sandbox/index.ts";
import { AgentHome, collect, policyYaml, turn } from "../../runtime/agent/test-fixture.ts";
import { startFakeAnthropic, startFakeOpenAI, type FakeModelServer } from "../fakes/model-servers/index.ts";

let pool: SandboxPool;
let home: AgentHome;
let server: FakeModelServer;
beforeAll(() => { pool = new SandboxPool({ maxWorkers: 1 }); });
afterAll(async () => { await pool.close(); });
afterEach(async () => { home?.cleanup(); await server?.stop(); });

const addSkill = () => home.skill("add", "export default async ({ a, b }) => ({ sum: a + b });", { parameters: { a: { type: "number", required: true }, b: { type: "number", required: true } } });

describe("agent over real model wire protocols", () => {
  test("anthropic: tool_use → sandboxed skill → tool_result sent back → final text", async () => {
    home = new AgentHome();
    await addSkill();
    server = await startFakeAnthropic({ apiKey: "k" });
    server.script([{ toolCalls: [{ name: "add", params: { a: 20, b: 22 } }] }, { text: "It is 42.", chunks: 3 }]);
    const provider = createProvider({ ai_provider: "anthropic", anthropic: { model: "claude-test", api_key: "k", base_url: server.url } });
    const agent = home.agent(provider, pool, policyYaml("  allowedWithoutConfirmation: [add]"));
    const events = await collect(agent.run(turn("what is 20 + 22?")));
    expect(events.at(-1)).toMatchObject({ type: "final", text: "It is 42." });
    expect(events.filter((e) => e.type === "delta").length).toBeGreaterThanOrEqual(1);
    const second = JSON.stringify(server.requests.at(-1)!.body);
    expect(second).toContain("tool_result");
    expect(second).toContain('{\\"sum\\":42}');
    expect(home.auditLines()).toMatchObject([{ tool: "add", result: "success" }]);
    agent.close();
  });

  test("openai: a confirmation pauses the turn until approved over resolveApproval", async () => {
    home = new AgentHome();
    await addSkill();
    server = await startFakeOpenAI({ apiKey: "k" });
    server.script([{ toolCalls: [{ name: "add", params: { a: 1, b: 2 } }] }, { text: "3" }]);
    const provider = createProvider({ ai_provider: "openai", openai: { model: "gpt-test", api_key: "k", base_url: server.url } });
    const agent = home.agent(provider, pool, policyYaml("  requiresConfirmation: [add]"));
    const events = await collect(agent.run(turn("1+2")), async (e) => {
      if (e.type === "approval_request") await agent.resolveApproval(e.approval.id, "approve", "telegram:1");
    });
    expect(events.map((e) => e.type)).toEqual(["tool_call", "approval_request", "approval_resolved", "tool_result", "delta", "final"]);
    expect(home.auditLines()).toMatchObject([{ tool: "add", user_approved: true }]);
    agent.close();
  });
});
