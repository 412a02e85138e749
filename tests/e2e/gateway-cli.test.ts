// `moltbot gateway` as users start it: config.yaml points Ollama at the fake server, the real
// agent answers over WS, `moltbot chat -m` talks to it, /health shows the provider, SIGTERM exits 0.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GatewayClient } from "../../runtime/gateway/client.ts";
import { CLI, Sandbox } from "../helpers/cli.ts";
import { startFakeOllama, type FakeModelServer } from "../fakes/model-servers/index.ts";

const sb = new Sandbox();
let fake: FakeModelServer;
let proc: ReturnType<typeof Bun.spawn>;
let url = "";

beforeAll(async () => {
  fake = await startFakeOllama();
  mkdirSync(sb.home, { recursive: true, mode: 0o700 });
  writeFileSync(join(sb.home, "config.yaml"), `ollama: { model: llama3.2, base_url: "${fake.url}" }\ngateway: { host: 127.0.0.1, port: 0 }\n`);
  proc = Bun.spawn(["bun", CLI, "gateway"], { env: sb.env(), stdout: "pipe", stderr: "pipe" });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes("\n")) text += new TextDecoder().decode((await reader.read()).value);
  url = /listening on (\S+)/.exec(text)![1]!;
});
afterAll(async () => {
  proc.kill("SIGKILL");
  await fake.stop();
  sb.cleanup();
});

describe("moltbot gateway", () => {
  test("the configured provider answers a WS chat through the real agent; /health shows it", async () => {
    fake.script([{ text: "Hello from the fake model", chunks: 3 }]);
    const c = await GatewayClient.connect(url, { name: "e2e" });
    const final = new Promise<any>((r) => c.on("chat.final", r));
    const deltas: string[] = [];
    c.on("chat.delta", (d) => deltas.push(d.text));
    await c.request("chat.send", { text: "hi" });
    expect((await final).text).toBe("Hello from the fake model");
    expect(deltas.join("")).toBe("Hello from the fake model");
    c.close();
    const health = (await (await fetch(`${url}/health`)).json()) as any;
    expect(health.providers.ok).toBe(true);
    expect(health.providers.providers[0]).toMatchObject({ provider: "ollama", ok: true });
  });

  test("moltbot chat -m finds the gateway through config.yaml", async () => {
    fake.script([{ text: "pong" }]);
    const port = new URL(url).port;
    writeFileSync(join(sb.home, "config.yaml"), `ollama: { model: llama3.2, base_url: "${fake.url}" }\ngateway: { host: 127.0.0.1, port: ${port} }\n`);
    const r = await sb.run(["chat", "-m", "ping"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("moltbot> pong");
    expect(r.code).toBe(0);
  });

  test("SIGTERM while a turn streams: the turn ends, the process exits 0", async () => {
    fake.script([{ text: "a slow answer in many parts", chunks: 20, delayMs: 20 }]);
    const c = await GatewayClient.connect(url, { name: "term" });
    const first = new Promise((r) => c.on("chat.delta", r));
    const ended = new Promise<string>((r) => (c.on("chat.final", () => r("final")), c.on("chat.error", () => r("error"))));
    await c.request("chat.send", { text: "go" });
    await first;
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    expect(["final", "error"]).toContain(await ended);
    expect((await c.closed).code).toBe(1001);
  });
});
