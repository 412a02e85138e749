// What the Anthropic provider puts on the wire, and how it reports a bad key and Retry-After.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { answerText, collect, startFakeAnthropic, TOOL_ROUND_TRIP, type FakeModelServer } from "../../tests/fakes/model-servers/index.ts";
import { createProvider } from "./index.ts";

let fake: FakeModelServer;
const KEY = "sk-ant-right-key-000";
beforeAll(async () => { fake = await startFakeAnthropic({ apiKey: KEY }); });
afterAll(() => fake.stop());

const provider = (api_key = KEY, extra = {}) => createProvider({ ai_provider: "anthropic", anthropic: { model: "claude-test", api_key, base_url: fake.url, max_tokens: 1234 }, ...extra }, { backoffBaseMs: 1 });

test("tool calls and results go as tool_use / tool_result blocks, system prompt on top", async () => {
  fake.script([{ text: "12 degrees at 14:00." }]);
  const events = await collect(provider(), TOOL_ROUND_TRIP);
  expect(answerText(events)).toBe("12 degrees at 14:00.");
  const body = fake.requests.at(-1)?.body as Record<string, unknown>;
  expect(fake.requests.at(-1)?.path).toBe("/v1/messages");
  expect(body.model).toBe("claude-test");
  expect(body.max_tokens).toBe(1234);
  expect(body.stream).toBe(true);
  expect(body.system).toBe("You are terse.");
  expect(body.messages).toEqual([
    { role: "user", content: "Weather in Oslo?" },
    { role: "assistant", content: [
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Oslo" } },
      { type: "tool_use", id: "call_2", name: "get_time", input: {} },
    ] },
    { role: "user", content: [
      { type: "tool_result", tool_use_id: "call_1", content: '{"temp":12}' },
      { type: "tool_result", tool_use_id: "call_2", content: "14:00" },
    ] },
  ]);
  expect((body.tools as { name: string; input_schema: unknown }[]).map((t) => [t.name, t.input_schema])).toEqual([
    ["get_weather", { type: "object", properties: { city: { type: "string" } } }],
    ["get_time", { type: "object", properties: {} }],
  ]);
});

test("a rejected key → unauthorized, naming Anthropic and the URL, never the key", async () => {
  const wrong = "sk-ant-WRONG-secret-123456";
  const events = await collect(provider(wrong), { messages: [{ role: "user", content: "hi" }] });
  expect(events).toHaveLength(1);
  const e = events[0]!;
  if (e.type !== "error") throw new Error("expected an error");
  expect(e.error.code).toBe("unauthorized");
  expect(e.error.message).toContain(`Anthropic at ${fake.url} rejected the API key (401`);
  expect(e.error.hint).toContain("anthropic.api_key");
  expect(JSON.stringify(e)).not.toContain("WRONG-secret");
});

test("529 overloaded is retried; Retry-After in seconds is honoured", async () => {
  fake.failNext(529, { "retry-after": "1" });
  const delays: number[] = [];
  const p = createProvider({ ai_provider: "anthropic", anthropic: { model: "m", api_key: KEY, base_url: fake.url } }, { onRetry: (r) => delays.push(r.delayMs) });
  const events = await collect(p, { messages: [{ role: "user", content: "still there?" }] });
  expect(delays).toEqual([1000]);
  expect(answerText(events)).toBe("still there?");
});
