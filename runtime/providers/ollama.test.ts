// What the Ollama provider puts on the wire, and the one-line messages for the two ways a fresh
// install goes wrong: Ollama not running, model not pulled.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { answerText, closedPort, collect, startFakeOllama, TOOL_ROUND_TRIP, type FakeModelServer } from "../../tests/fakes/model-servers/index.ts";
import { createProvider } from "./index.ts";

let fake: FakeModelServer;
beforeAll(async () => { fake = await startFakeOllama(); });
afterAll(() => fake.stop());

test("tool calls go as tool_calls with object arguments, results as role tool naming the tool", async () => {
  fake.script([{ text: "12 degrees." }]);
  const p = createProvider({ ai_provider: "ollama", ollama: { model: "llama3.2", base_url: fake.url } });
  expect(answerText(await collect(p, { ...TOOL_ROUND_TRIP, maxTokens: 99 }))).toBe("12 degrees.");
  const req = fake.requests.at(-1)!;
  expect(req.path).toBe("/api/chat");
  const body = req.body as Record<string, unknown>;
  expect(body.model).toBe("llama3.2");
  expect(body.stream).toBe(true);
  expect(body.options).toEqual({ num_predict: 99 });
  expect(body.messages).toEqual([
    { role: "system", content: "You are terse." },
    { role: "user", content: "Weather in Oslo?" },
    { role: "assistant", content: "Checking.", tool_calls: [
      { function: { name: "get_weather", arguments: { city: "Oslo" } } },
      { function: { name: "get_time", arguments: {} } },
    ] },
    { role: "tool", content: '{"temp":12}', tool_name: "get_weather" },
    { role: "tool", content: "14:00", tool_name: "get_time" },
  ]);
  expect((body.tools as { type: string; function: { name: string } }[]).map((t) => [t.type, t.function.name])).toEqual([["function", "get_weather"], ["function", "get_time"]]);
});

test("Ollama not running → one line: the URL tried and what to do", async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const attempts: number[] = [];
  const p = createProvider({ ai_provider: "ollama", ollama: { model: "llama3.2", base_url: url }, retries: 3 }, { backoffBaseMs: 1, onRetry: (r) => attempts.push(r.attempt) });
  const events = await collect(p, { messages: [{ role: "user", content: "hi" }] });
  // A refused connection gets one second look, not all three retries: the user hears sooner.
  expect(attempts).toEqual([1]);
  expect(events).toHaveLength(1);
  const e = events[0]!;
  if (e.type !== "error") throw new Error("expected an error");
  expect(e.error.code).toBe("provider_error");
  expect(e.error.message).toBe(`cannot reach Ollama at ${url} — start it with 'ollama serve', or set ai_provider in ~/.moltbot/config.yaml`);
  expect(e.error.message).not.toContain("\n");
});

test("model not pulled (Ollama's 404) → says which model and how to pull it", async () => {
  const real = await startFakeOllamaWith404();
  try {
    const p = createProvider({ ai_provider: "ollama", ollama: { model: "qwen3", base_url: real.url } });
    const e = (await collect(p, { messages: [{ role: "user", content: "hi" }] }))[0]!;
    if (e.type !== "error") throw new Error("expected an error");
    expect(e.error.message).toContain("Ollama has no model 'qwen3'");
    expect(e.error.hint).toContain("ollama pull qwen3");
  } finally {
    await real.stop();
  }
});

/** Ollama's real 404 for a model that is not pulled. */
async function startFakeOllamaWith404(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json({ error: "model 'qwen3' not found" }, { status: 404 }) });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}
