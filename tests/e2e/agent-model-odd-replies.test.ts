// Models and model servers that misbehave, end to end: a real `moltbot gateway` whose config
// points Ollama at a fake server over a real socket (a tool call without a name, an unknown tool,
// an empty answer), a home folder the user made with `mkdir -p`; and the in-process agent with
// the real Anthropic and OpenAI providers against their fake servers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { createProvider } from "../../runtime/providers/index.ts";
import { SandboxPool } from "../../runtime/sandbox/index.ts";
import { AgentHome, collect, policyYaml, turn } from "../../runtime/agent/test-fixture.ts";
import { Sandbox, type RunningCli } from "../helpers/cli.ts";
import { startFakeAnthropic, startFakeOllama, startFakeOpenAI, type FakeModelServer } from "../fakes/model-servers/index.ts";

/** Reads a piped stream until `pattern` shows up, the stream ends or 3 s pass; returns all read so far. */
async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp, start = ""): Promise<string> {
  const reader = stream.getReader();
  const deadline = Bun.sleep(3000).then(() => ({ value: undefined, done: true }));
  let text = start;
  try {
    while (!pattern.test(text)) {
      const { value, done } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  } finally {
    try { reader.releaseLock(); } catch { /* a read is still pending */ }
  }
  return text;
}

type WsEvent = { event: string; data: Record<string, any> };

/** One chat.send over WS; every event of that turn up to chat.final / chat.error. */
async function chat(client: GatewayClient, text: string): Promise<WsEvent[]> {
  const events: WsEvent[] = [];
  let turn = "";
  let finish!: () => void;
  const ended = new Promise<void>((r) => (finish = r));
  const offs = ["chat.delta", "tool.call", "tool.result", "chat.final", "chat.error"].map((event) =>
    client.on(event, (data: Record<string, any>) => {
      events.push({ event, data });
      if ((event === "chat.final" || event === "chat.error") && data.turn === turn) finish();
    }));
  try {
    turn = ((await client.request("chat.send", { text })) as { turn: string }).turn;
    if (events.some((e) => (e.event === "chat.final" || e.event === "chat.error") && e.data.turn === turn)) finish();
    await ended;
  } finally {
    for (const off of offs) off();
  }
  return events.filter((e) => e.data.turn === turn);
}

describe("moltbot gateway with a misbehaving Ollama, in a home the user made", () => {
  const sb = new Sandbox();
  let fake: FakeModelServer;
  let gw: RunningCli;
  let stdout = "";
  let stderr = "";
  let client: GatewayClient;
  const auditLines = () => readFileSync(join(sb.home, "audit.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

  beforeAll(async () => {
    fake = await startFakeOllama();
    // What the tester did: `mkdir -p $MOLTBOT_HOME` (mode 755 under the usual umask) and a config.
    mkdirSync(sb.home, { recursive: true });
    chmodSync(sb.home, 0o755);
    writeFileSync(join(sb.home, "config.yaml"), `ollama: { model: llama3.2, base_url: "${fake.url}" }\ngateway: { host: 127.0.0.1, port: 0 }\n`);
    gw = await sb.gateway([]);
    stdout = await readUntil(gw.proc.stdout, /skills/, gw.output);
    stderr = await readUntil(gw.proc.stderr, /hint: chmod 700/);
    client = await GatewayClient.connect(gw.url, { name: "odd-replies" });
  });
  afterAll(async () => {
    client?.close();
    await gw?.stop();
    await fake.stop();
    sb.cleanup();
  });

  test("the banner lists only what was created, and the loose folder is reported with its chmod, not changed", () => {
    expect(stdout).toContain(`Created in ${sb.home}:\n  ${join(sb.home, "policy.yaml")}  what skills may do`);
    expect(stdout).toContain(`  ${join(sb.home, "skills")}  installed skills`);
    expect(stdout).not.toContain("First run");
    expect(stdout).not.toContain("(private");
    expect(stdout).not.toContain("config.yaml");
    expect(stderr).toContain(`warning: ${sb.home} is readable by others (mode 755)`);
    expect(stderr).toContain(`hint: chmod 700 ${sb.home}\n`);
    expect(statSync(sb.home).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(sb.home, "config.yaml"), "utf8")).toStartWith("ollama: { model: llama3.2");
  });

  test("a tool call without a function name: the model is told, answers again, and the call is audited", async () => {
    fake.script([{ rawToolCalls: [{ function: { arguments: {} } }] }, { text: "Sorry, let me answer directly: 4." }]);
    const events = await chat(client, "what is 2+2?");
    expect(events.map((e) => e.event)).toEqual(["tool.call", "tool.result", "chat.delta", "chat.final"]);
    expect(events[0]!.data).toMatchObject({ tool: "(no name)", params: {} });
    expect(events[1]!.data).toMatchObject({ tool: "(no name)", ok: false, summary: "not_found: the model sent a tool call without a name; nothing was run" });
    expect(events.at(-1)!.data.text).toBe("Sorry, let me answer directly: 4.");
    // The model saw its call answered: the next request carries the call and the tool's error.
    const sent = JSON.stringify(fake.requests.at(-1)!.body);
    expect(sent).toContain("the model sent a tool call without a name");
    expect(auditLines().at(-1)).toMatchObject({ tool: "(no name)", result: "error", error_code: "not_found", user_approved: null, channel: expect.any(String) });
  });

  test("an unknown tool and an uninstalled one: not_found for the model, one audit line each", async () => {
    const before = existsSync(join(sb.home, "audit.jsonl")) ? auditLines().length : 0;
    fake.script([
      { toolCalls: [{ name: "nonexistent_tool", params: { q: 1 } }, { name: "system_delete", params: { path: "/", token: "abc" } }] },
      { text: "Those tools do not exist." },
    ]);
    const events = await chat(client, "delete everything");
    expect(events.filter((e) => e.event === "tool.result").map((e) => e.data.summary)).toEqual([
      "not_found: no tool named nonexistent_tool", "not_found: no tool named system_delete",
    ]);
    expect(events.at(-1)).toMatchObject({ event: "chat.final", data: { text: "Those tools do not exist." } });
    expect(auditLines().slice(before)).toMatchObject([
      { tool: "nonexistent_tool", parameters: { q: 1 }, result: "error", error_code: "not_found" },
      { tool: "system_delete", parameters: { path: "/", token: "[REDACTED]" }, result: "error", error_code: "not_found" },
    ]);
  });

  test("an empty answer is asked for again once; two are a provider_error, never a blank chat.final", async () => {
    fake.script([{ text: "" }, { text: "Here you go." }]);
    const retried = await chat(client, "hello?");
    expect(retried.at(-1)).toMatchObject({ event: "chat.final", data: { text: "Here you go." } });

    fake.script([{ text: "" }, { text: "" }]);
    const events = await chat(client, "hello again?");
    expect(events.some((e) => e.event === "chat.final")).toBe(false);
    expect(events.at(-1)).toMatchObject({ event: "chat.error", data: { error: { code: "provider_error", message: "ollama: the model returned an empty answer, also when asked again" } } });
  });
});

describe("the agent with the real Anthropic and OpenAI providers: calls without a name or id", () => {
  let pool: SandboxPool;
  beforeAll(() => { pool = new SandboxPool({ maxWorkers: 1 }); });
  afterAll(async () => { await pool.close(); });

  const cases: { name: string; start: () => Promise<FakeModelServer>; provider: (url: string) => ReturnType<typeof createProvider>; nameless: unknown }[] = [
    {
      name: "anthropic", start: () => startFakeAnthropic(),
      provider: (url) => createProvider({ ai_provider: "anthropic", anthropic: { model: "claude-test", api_key: "k", base_url: url } }),
      nameless: { type: "tool_use", input: { a: 1 } },
    },
    {
      name: "openai", start: () => startFakeOpenAI(),
      provider: (url) => createProvider({ ai_provider: "openai", openai: { model: "gpt-test", api_key: "k", base_url: url } }),
      nameless: { index: 0, type: "function", function: { arguments: '{"a":1}' } },
    },
  ];
  for (const c of cases) {
    test(`${c.name}: a tool call without name or id comes back to the model as a not_found result; the turn ends with its answer`, async () => {
      const home = new AgentHome();
      const server = await c.start();
      try {
        await home.skill("add", "export default async ({ a, b }) => ({ sum: a + b });");
        server.script([{ rawToolCalls: [c.nameless] }, { text: "Answering without tools." }]);
        const agent = home.agent(c.provider(server.url), pool, policyYaml("  allowedWithoutConfirmation: [add]"));
        const events = await collect(agent.run(turn("add 1 and 2")));
        expect(events.map((e) => e.type)).toEqual(["tool_call", "tool_result", "delta", "final"]);
        expect(events[0]).toMatchObject({ tool: "(no name)", params: { a: 1 }, id: expect.stringMatching(/\S/) });
        expect(JSON.stringify(server.requests.at(-1)!.body)).toContain("the model sent a tool call without a name");
        expect(home.auditLines()).toMatchObject([{ tool: "(no name)", parameters: { a: 1 }, result: "error", error_code: "not_found" }]);
        agent.close();
      } finally {
        await server.stop();
        home.cleanup();
      }
    });
  }
});
