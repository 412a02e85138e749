// The fallback list: used when the primary fails before answering, never in the middle of an answer.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { answerText, closedPort, collect, startFakeAnthropic, startFakeOllama, type FakeModelServer } from "../../tests/fakes/model-servers/index.ts";
import { createProvider, type ProvidersConfig } from "./index.ts";

let anthropic: FakeModelServer;
let ollama: FakeModelServer;
beforeAll(async () => { [anthropic, ollama] = await Promise.all([startFakeAnthropic(), startFakeOllama()]); });
afterAll(() => Promise.all([anthropic.stop(), ollama.stop()]));

const hello = { messages: [{ role: "user" as const, content: "hello" }] };
const config = (extra: Partial<ProvidersConfig> = {}): ProvidersConfig => ({
  ai_provider: "anthropic",
  anthropic: { model: "claude-test", api_key: "k", base_url: anthropic.url },
  ollama: { model: "llama3.2", base_url: ollama.url },
  fallback: ["ollama"],
  retries: 1,
  ...extra,
});

test("anthropic failing with 5xx after its retries → ollama answers, and the switch is reported", async () => {
  const [a0, o0] = [anthropic.requests.length, ollama.requests.length];
  anthropic.failNext(503, {}, 2);
  ollama.script([{ text: "from ollama" }]);
  const switches: string[] = [];
  const events = await collect(createProvider(config(), { backoffBaseMs: 1, onFallback: (f) => switches.push(`${f.from}->${f.to}`) }), hello);
  expect(answerText(events)).toBe("from ollama");
  expect(events.at(-1)).toEqual({ type: "done", stopReason: "end" });
  expect(switches).toEqual(["anthropic->ollama"]);
  expect(anthropic.requests.length - a0).toBe(2);
  expect(ollama.requests.length - o0).toBe(1);
});

test("anthropic unreachable → ollama answers", async () => {
  const cfg = config({ anthropic: { model: "m", api_key: "k", base_url: `http://127.0.0.1:${await closedPort()}` }, retries: 0 });
  expect(answerText(await collect(createProvider(cfg), hello))).toBe("hello");
});

test("once text has streamed, a failure is reported, not handed to the fallback", async () => {
  const o0 = ollama.requests.length;
  anthropic.script([{ text: "half an answer, and the rest", chunks: 2, delayMs: 2000 }]);
  const events = await collect(createProvider(config({ timeout_ms: 200 })), hello);
  expect(answerText(events)).toBe("half an answer");
  expect(events.at(-1)?.type).toBe("error");
  expect(ollama.requests.length).toBe(o0);
});

test("all failing → one error led by the primary's, naming each fallback's failure", async () => {
  const port = await closedPort();
  const cfg = config({ ollama: { model: "llama3.2", base_url: `http://127.0.0.1:${port}` }, retries: 0 });
  anthropic.failNext(429);
  const events = await collect(createProvider(cfg), hello);
  expect(events).toHaveLength(1);
  const e = events[0]!;
  if (e.type !== "error") throw new Error("expected an error");
  expect(e.error.code).toBe("rate_limited");
  expect(e.error.message).toContain(`Anthropic at ${anthropic.url} is rate limiting requests (429`);
  expect(e.error.message).toContain(`fallback ollama: cannot reach Ollama at http://127.0.0.1:${port}`);
});

test("a selected provider without its config section → invalid_config, and the fallback still serves", async () => {
  const noSection: ProvidersConfig = { ai_provider: "openai", ollama: { model: "llama3.2", base_url: ollama.url } };
  const alone = await collect(createProvider(noSection), hello);
  expect(alone[0]?.type === "error" && alone[0].error.code).toBe("invalid_config");
  expect(alone[0]?.type === "error" && alone[0].error.message).toContain("no openai section");
  expect(answerText(await collect(createProvider({ ...noSection, fallback: ["ollama"] }), hello))).toBe("hello");
});

test("with no config at all beyond ai_provider, Ollama at localhost:11434 is the default", async () => {
  // Nothing is expected to listen there in tests; the message shows the default URL was tried.
  const events = await collect(createProvider({ ai_provider: "ollama", retries: 0 }), hello);
  const e = events[0]!;
  if (e.type === "error") expect(e.error.message).toContain("Ollama at http://localhost:11434");
  else expect(e.type).toBe("text"); // a real Ollama is running on this machine
});
