// What the OpenAI provider puts on the wire (any OpenAI-compatible server via base_url), and
// how it reports a bad key.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { answerText, collect, startFakeOpenAI, TOOL_ROUND_TRIP, type FakeModelServer } from "../../tests/fakes/model-servers/index.ts";
import { createProvider } from "./index.ts";

let fake: FakeModelServer;
const KEY = "sk-proj-right-key-000";
beforeAll(async () => { fake = await startFakeOpenAI({ apiKey: KEY }); });
afterAll(() => fake.stop());

const provider = (api_key = KEY) => createProvider({ ai_provider: "openai", openai: { model: "gpt-test", api_key, base_url: fake.url, max_tokens: 321 } }, { backoffBaseMs: 1 });

test("tool calls go as tool_calls with JSON-string arguments, results as role tool", async () => {
  fake.script([{ text: "12 degrees." }]);
  expect(answerText(await collect(provider(), TOOL_ROUND_TRIP))).toBe("12 degrees.");
  const req = fake.requests.at(-1)!;
  expect(req.path).toBe("/v1/chat/completions");
  expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
  const body = req.body as Record<string, unknown>;
  expect(body.model).toBe("gpt-test");
  expect(body.stream).toBe(true);
  // A custom base_url means a compatible server, which knows max_tokens.
  expect(body.max_tokens).toBe(321);
  expect(body.messages).toEqual([
    { role: "system", content: "You are terse." },
    { role: "user", content: "Weather in Oslo?" },
    { role: "assistant", content: "Checking.", tool_calls: [
      { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
      { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
    ] },
    { role: "tool", tool_call_id: "call_1", content: '{"temp":12}' },
    { role: "tool", tool_call_id: "call_2", content: "14:00" },
  ]);
  expect(body.tools).toEqual([
    { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } } },
    { type: "function", function: { name: "get_time", description: "Local time", parameters: { type: "object", properties: {} } } },
  ]);
});

test("a rejected key → unauthorized, naming OpenAI and the URL; the echoed key is removed", async () => {
  const wrong = "sk-proj-WRONG-secret-987654";
  const events = await collect(provider(wrong), { messages: [{ role: "user", content: "hi" }] });
  const e = events[0]!;
  if (e.type !== "error") throw new Error("expected an error");
  expect(e.error.code).toBe("unauthorized");
  expect(e.error.message).toContain(`OpenAI at ${fake.url} rejected the API key (401: Incorrect API key provided: [redacted])`);
  expect(JSON.stringify(events)).not.toContain("WRONG-secret");
});
