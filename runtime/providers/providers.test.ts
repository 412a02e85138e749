// The behaviour every provider shares, run against each one's fake server over a real socket:
// streaming, tool calls, retries, timeouts, aborts and error messages.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ChatRequest } from "../contracts/index.ts";
import { answerText, collect, startFakeAnthropic, startFakeOllama, startFakeOpenAI, type FakeModelServer } from "../../tests/fakes/model-servers/index.ts";
import { createProvider, type ProviderRuntimeOptions, type ProvidersConfig } from "./index.ts";

/** One tool call on this protocol's wire, with any field left out (undefined) or odd. */
type RawCall = (i: number, call: { id?: unknown; name?: unknown; args?: unknown }) => unknown;
type Case = { name: "anthropic" | "openai" | "ollama"; label: string; start: () => Promise<FakeModelServer>; config: (url: string) => ProvidersConfig; raw: RawCall };
const CASES: Case[] = [
  {
    name: "anthropic", label: "Anthropic", start: () => startFakeAnthropic(), config: (url) => ({ ai_provider: "anthropic", anthropic: { model: "claude-test", api_key: "test-key", base_url: url } }),
    raw: (_i, c) => ({ type: "tool_use", id: c.id, name: c.name, input: c.args }),
  },
  {
    name: "openai", label: "OpenAI", start: () => startFakeOpenAI(), config: (url) => ({ ai_provider: "openai", openai: { model: "gpt-test", api_key: "test-key", base_url: url } }),
    raw: (index, c) => ({ index, id: c.id, type: "function", function: { name: c.name, arguments: typeof c.args === "string" || c.args === undefined ? c.args : JSON.stringify(c.args) } }),
  },
  {
    name: "ollama", label: "Ollama", start: () => startFakeOllama(), config: (url) => ({ ai_provider: "ollama", ollama: { model: "llama3.2", base_url: url } }),
    raw: (_i, c) => ({ function: { name: c.name, arguments: c.args } }),
  },
];

const hello: ChatRequest = { messages: [{ role: "user", content: "What is the weather in Oslo?" }] };
const withTools: ChatRequest = { ...hello, tools: [{ name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }] };
const fast: ProviderRuntimeOptions = { backoffBaseMs: 1 };

for (const c of CASES) {
  describe(`${c.name} provider`, () => {
    let fake: FakeModelServer;
    beforeAll(async () => { fake = await c.start(); });
    afterAll(() => fake.stop());
    const provider = (extra: Partial<ProvidersConfig> = {}, opts: ProviderRuntimeOptions = fast) => createProvider({ ...c.config(fake.url), ...extra }, opts);

    test("streams text as several deltas, then done/end", async () => {
      fake.script([{ text: "Cloudy, 12 degrees.", chunks: 4 }]);
      const events = await collect(provider(), hello);
      expect(events.filter((e) => e.type === "text").length).toBe(4);
      expect(answerText(events)).toBe("Cloudy, 12 degrees.");
      expect(events.at(-1)).toEqual({ type: "done", stopReason: "end" });
    });

    test("echoes the last user message when nothing is scripted", async () => {
      expect(answerText(await collect(provider(), hello))).toBe("What is the weather in Oslo?");
    });

    test("assembles tool-call arguments streamed in pieces into one tool_call", async () => {
      fake.script([{ text: "Let me check.", toolCalls: [{ name: "get_weather", params: { city: "Oslo", units: "metric" } }, { name: "get_time", params: {} }], chunks: 5 }]);
      const events = await collect(provider(), withTools);
      const calls = events.filter((e) => e.type === "tool_call");
      expect(calls.map((e) => e.type === "tool_call" && [e.name, e.params])).toEqual([["get_weather", { city: "Oslo", units: "metric" }], ["get_time", {}]]);
      expect(new Set(calls.map((e) => e.type === "tool_call" && e.id)).size).toBe(2);
      expect(events.at(-1)).toEqual({ type: "done", stopReason: "tool_use" });
    });

    test("invalid JSON arguments from the model become an error naming the tool, not a call", async () => {
      fake.script([{ toolCalls: [{ name: "get_weather", params: null, rawArguments: '{"city": "Os' }], chunks: 2 }]);
      const events = await collect(provider(), withTools);
      expect(events.some((e) => e.type === "tool_call")).toBe(false);
      const last = events.at(-1);
      expect(last?.type === "error" && last.error.code).toBe("provider_error");
      expect(last?.type === "error" && last.error.message).toContain("'get_weather'");
    });

    test("a tool call without a name, or with a name that is no string, arrives named \"\" (the agent answers it); never undefined", async () => {
      fake.script([{ rawToolCalls: [c.raw(0, { id: "id_a", args: { city: "Oslo" } }), c.raw(1, { id: "id_b", name: 42, args: {} })] }]);
      const events = await collect(provider(), withTools);
      const calls = events.filter((e) => e.type === "tool_call");
      expect(calls.map((e) => e.type === "tool_call" && [e.name, e.params])).toEqual([["", { city: "Oslo" }], ["", {}]]);
      expect(events.at(-1)).toEqual({ type: "done", stopReason: "tool_use" });
    });

    test("a tool call without an id gets one of its own; absent arguments are {}", async () => {
      fake.script([{ rawToolCalls: [c.raw(0, { name: "get_weather" }), c.raw(1, { id: "", name: "get_time" })] }]);
      const events = await collect(provider(), withTools);
      const calls = events.flatMap((e) => (e.type === "tool_call" ? [e] : []));
      expect(calls.map((e) => [e.name, e.params])).toEqual([["get_weather", {}], ["get_time", {}]]);
      for (const call of calls) expect(call.id).toMatch(/^\S+$/);
      expect(new Set(calls.map((e) => e.id)).size).toBe(2);
    });

    test("arguments that are JSON but not an object → provider_error naming the tool, not a call", async () => {
      fake.script([{ rawToolCalls: [c.raw(0, { id: "id_c", name: "get_weather", args: [1, 2] })] }]);
      const events = await collect(provider(), withTools);
      expect(events.some((e) => e.type === "tool_call")).toBe(false);
      const last = events.at(-1);
      expect(last?.type === "error" && last.error).toMatchObject({ code: "provider_error", message: `${c.label} sent arguments for tool 'get_weather' that are not a JSON object (an array)` });
    });

    test("429 with Retry-After: waits as asked, then answers", async () => {
      const before = fake.requests.length;
      fake.failNext(429, { "retry-after-ms": "40" });
      const retries: number[] = [];
      const events = await collect(provider({}, { ...fast, onRetry: (r) => retries.push(r.delayMs) }), hello);
      expect(retries).toEqual([40]);
      expect(answerText(events)).toBe("What is the weather in Oslo?");
      expect(fake.requests.length - before).toBe(2);
    });

    test("500 on every attempt → one provider_error naming the provider, URL and attempts", async () => {
      const before = fake.requests.length;
      fake.failNext(500, {}, 3);
      const events = await collect(provider({ retries: 2 }), hello);
      expect(fake.requests.length - before).toBe(3);
      expect(events).toHaveLength(1);
      const e = events[0];
      expect(e?.type === "error" && e.error.code).toBe("provider_error");
      expect(e?.type === "error" && e.error.message).toContain(`${c.label} at ${fake.url}`);
      expect(e?.type === "error" && e.error.message).toContain("after 3 attempts");
    });

    test("an error inside the stream before any text is retried; after text it is reported", async () => {
      fake.script([{ streamError: "Overloaded" }, { text: "second try" }]);
      expect(answerText(await collect(provider(), hello))).toBe("second try");
      fake.script([{ text: "half", streamError: "Overloaded" }]);
      const events = await collect(provider(), hello);
      expect(answerText(events)).toBe("half");
      const last = events.at(-1);
      expect(last?.type === "error" && last.error.message).toContain(`${c.label} at ${fake.url}: the answer stream broke (Overloaded)`);
    });

    test("400 is not retried", async () => {
      const before = fake.requests.length;
      fake.failNext(400);
      const events = await collect(provider(), hello);
      expect(fake.requests.length - before).toBe(1);
      expect(events[0]?.type === "error" && events[0].error.message).toContain("rejected the request (400");
    });

    test("a server that never answers → timeout error, not retried", async () => {
      const before = fake.requests.length;
      fake.hangNext();
      const events = await collect(provider({ timeout_ms: 150 }), hello);
      expect(fake.requests.length - before).toBe(1);
      expect(events).toHaveLength(1);
      expect(events[0]?.type === "error" && events[0].error.code).toBe("timeout");
      expect(events[0]?.type === "error" && events[0].error.message).toContain(c.label);
    });

    test("a stall in the middle of the answer → the text so far, then a timeout error", async () => {
      fake.script([{ text: "first half, second half", chunks: 2, delayMs: 2000 }]);
      const events = await collect(provider({ timeout_ms: 200 }), hello);
      expect(answerText(events)).toBe("first half, ");
      expect(events.at(-1)?.type === "error" && (events.at(-1) as { error: { code: string } }).error.code).toBe("timeout");
    });

    test("aborting stops the stream at once, without done or error", async () => {
      fake.script([{ text: "one two three four five", chunks: 5, delayMs: 300 }]);
      const ac = new AbortController();
      const events = [];
      for await (const ev of provider().chat(hello, ac.signal)) {
        events.push(ev);
        if (ev.type === "text") ac.abort();
      }
      expect(events).toEqual([{ type: "text", delta: "one t" }]);
    });

    test("an already aborted signal sends nothing", async () => {
      const before = fake.requests.length;
      const ac = new AbortController();
      ac.abort();
      expect(await collect(provider(), hello, ac.signal)).toEqual([]);
      expect(fake.requests.length).toBe(before);
    });
  });
}
