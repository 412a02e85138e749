// providerStatus: Ollama probed over the network, hosted providers only checked for config.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { closedPort, startFakeAnthropic, startFakeOllama, type FakeModelServer } from "../../tests/fakes/model-servers/index.ts";
import { providerStatus } from "./index.ts";

let ollama: FakeModelServer;
let anthropic: FakeModelServer;
beforeAll(async () => { [ollama, anthropic] = await Promise.all([startFakeOllama({ models: ["llama3.2:latest", "qwen3:8b"] }), startFakeAnthropic()]); });
afterAll(() => Promise.all([ollama.stop(), anthropic.stop()]));

test("Ollama running with the model pulled → ok", async () => {
  const s = await providerStatus({ ai_provider: "ollama", ollama: { model: "llama3.2", base_url: ollama.url } });
  expect(s.ok).toBe(true);
  expect(s.providers).toEqual([{ provider: "ollama", role: "primary", ok: true, model: "llama3.2", url: ollama.url, detail: "reachable, model llama3.2 present" }]);
  expect(ollama.requests.at(-1)?.path).toBe("/api/tags");
});

test("Ollama running without the model → not ok, says what to pull", async () => {
  const s = await providerStatus({ ai_provider: "ollama", ollama: { model: "mistral", base_url: ollama.url } });
  expect(s.ok).toBe(false);
  expect(s.providers[0]?.error?.code).toBe("not_found");
  expect(s.providers[0]?.error?.hint).toContain("ollama pull mistral");
});

test("Ollama not running → the same one line the chat would give", async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const s = await providerStatus({ ai_provider: "ollama", ollama: { model: "llama3.2", base_url: url } });
  expect(s.providers[0]?.detail).toBe(`cannot reach Ollama at ${url} — start it with 'ollama serve', or set ai_provider in ~/.moltbot/config.yaml`);
});

test("hosted providers: configured or not, without a network call, and no key in the output", async () => {
  const before = anthropic.requests.length;
  const s = await providerStatus({
    ai_provider: "anthropic",
    anthropic: { model: "claude-test", api_key: "sk-ant-secret-value", base_url: anthropic.url },
    fallback: ["openai", "ollama"],
    ollama: { model: "qwen3:8b", base_url: ollama.url },
  });
  expect(anthropic.requests.length).toBe(before);
  expect(s.providers.map((p) => [p.provider, p.role, p.ok])).toEqual([["anthropic", "primary", true], ["openai", "fallback", false], ["ollama", "fallback", true]]);
  expect(s.providers[1]?.error?.code).toBe("invalid_config");
  expect(JSON.stringify(s)).not.toContain("secret-value");
});
