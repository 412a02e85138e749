// What a model server that never stops can make us hold: each stream below is endless or far
// past a cap, and each must end in one clear error while the server sees the request stopped.
import { afterEach, describe, expect, test } from "bun:test";
import type { ChatEvent, MoltError } from "../contracts/index.ts";
import { collect } from "../../tests/fakes/model-servers/index.ts";
import { MAX_ERROR_BODY_BYTES, MAX_LINE_BYTES } from "./body-limits.ts";
import { createProvider, type ProvidersConfig } from "./index.ts";
import { startEndlessServer, type EndlessReply, type EndlessServer } from "./test-endless-server.ts";
import { MAX_TOOL_ARGS_CHARS, MAX_TOOL_CALLS } from "./tool-args.ts";

const hi = { messages: [{ role: "user" as const, content: "hi" }] };
const SSE = "text/event-stream";
const NDJSON = "application/x-ndjson";
const config: Record<"anthropic" | "openai" | "ollama", (url: string) => ProvidersConfig> = {
  anthropic: (url) => ({ ai_provider: "anthropic", anthropic: { model: "m", api_key: "k", base_url: url }, retries: 0 }),
  openai: (url) => ({ ai_provider: "openai", openai: { model: "m", api_key: "k", base_url: url }, retries: 0 }),
  ollama: (url) => ({ ai_provider: "ollama", ollama: { model: "m", base_url: url }, retries: 0 }),
};
const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
const anthropicSse = (data: { type: string }) => sse(data, data.type);
const ANTHROPIC_HEAD = anthropicSse({ type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, usage: { input_tokens: 1, output_tokens: 1 } } } as { type: string });
const openaiChunk = (delta: unknown) => sse({ id: "c", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta, finish_reason: null }] });
const X64K = "x".repeat(64 * 1024);

let server: EndlessServer | undefined;
afterEach(async () => { await server?.stop(); server = undefined; });

/** Runs one chat against the server; returns the error it must end with. */
async function errorFrom(provider: keyof typeof config, reply: EndlessReply, seen: ChatEvent[] = []): Promise<MoltError> {
  server = startEndlessServer(reply);
  seen.push(...await collect(createProvider(config[provider](server.url)), hi));
  const last = seen.at(-1);
  if (last?.type !== "error") throw new Error(`expected an error, got ${JSON.stringify(last).slice(0, 200)}`);
  await server.closed; // the request was stopped, not read to the end
  return last.error;
}

const toolCalls = (events: ChatEvent[]) => events.filter((e) => e.type === "tool_call");

describe("tool-call arguments", () => {
  test("OpenAI: arguments that never end stop at the cap, naming the tool", async () => {
    const seen: ChatEvent[] = [];
    const err = await errorFrom("openai", {
      basePath: "/v1", contentType: SSE,
      head: openaiChunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "write_file", arguments: "" } }] }),
      repeat: openaiChunk({ tool_calls: [{ index: 0, function: { arguments: X64K } }] }),
    }, seen);
    expect(toolCalls(seen)).toEqual([]);
    expect(err.code).toBe("output_limit");
    expect(err.message).toBe(`OpenAI sent more than ${MAX_TOOL_ARGS_CHARS} characters of tool-call arguments (tool 'write_file'); the request was stopped`);
    // Backpressure: what the server produced is near what we read, not an endless stream.
    expect(server!.sent()).toBeLessThan(64 * 1024 * 1024);
  });

  test("OpenAI: tool calls opened without end stop at the count cap", async () => {
    let i = 0;
    const err = await errorFrom("openai", {
      basePath: "/v1", contentType: SSE,
      head: Array.from({ length: MAX_TOOL_CALLS + 1 }, () => openaiChunk({ tool_calls: [{ index: i++, id: `call_${i}`, type: "function", function: { name: "t", arguments: "{}" } }] })).join(""),
      repeat: ": keep-alive\n\n",
    });
    expect(err.code).toBe("output_limit");
    expect(err.message).toBe(`OpenAI sent more than ${MAX_TOOL_CALLS} tool calls in one answer; the request was stopped`);
  });

  test("Anthropic: input_json_delta that never ends stops at the cap, naming the tool", async () => {
    const seen: ChatEvent[] = [];
    const err = await errorFrom("anthropic", {
      contentType: SSE,
      head: ANTHROPIC_HEAD + anthropicSse({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "write_file", input: {} } } as { type: string }),
      repeat: anthropicSse({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: X64K } } as { type: string }),
    }, seen);
    expect(toolCalls(seen)).toEqual([]);
    expect(err.code).toBe("output_limit");
    expect(err.message).toBe(`Anthropic sent more than ${MAX_TOOL_ARGS_CHARS} characters of tool-call arguments (tool 'write_file'); the request was stopped`);
  });

  test("Ollama: whole tool calls without end stop at the cap", async () => {
    const line = JSON.stringify({ model: "m", message: { role: "assistant", content: "", tool_calls: [{ function: { name: "write_file", arguments: { content: X64K } } }] }, done: false }) + "\n";
    const seen: ChatEvent[] = [];
    const err = await errorFrom("ollama", { contentType: NDJSON, repeat: line }, seen);
    // Ollama sends each call whole, so those within the cap were passed on; the agent drops them with the error.
    expect(toolCalls(seen).length).toBeLessThan(MAX_TOOL_ARGS_CHARS / (64 * 1024));
    expect(err.code).toBe("output_limit");
    expect(err.message).toContain(`Ollama sent more than ${MAX_TOOL_ARGS_CHARS} characters of tool-call arguments (tool 'write_file')`);
  });
});

describe("one line that never ends", () => {
  test("Ollama: stops at the line cap (the ollama package would re-split it on every chunk)", async () => {
    const err = await errorFrom("ollama", { contentType: NDJSON, head: '{"model":"m","message":{"role":"assistant","content":"', repeat: X64K });
    expect(err.code).toBe("output_limit");
    expect(err.message).toMatch(new RegExp(`^Ollama at http://127\\.0\\.0\\.1:\\d+ sent a line longer than ${MAX_LINE_BYTES} bytes; the request was stopped$`));
    expect(server!.sent()).toBeLessThan(64 * 1024 * 1024);
  });

  test("OpenAI: one SSE data line without end stops at the line cap", async () => {
    const err = await errorFrom("openai", { basePath: "/v1", contentType: SSE, head: 'data: {"choices":[{"index":0,"delta":{"content":"', repeat: X64K });
    expect(err.code).toBe("output_limit");
    expect(err.message).toContain(`sent a line longer than ${MAX_LINE_BYTES} bytes`);
  });

  test("a long answer in many ordinary lines, cut at odd places, still arrives whole", async () => {
    const text = "word ".repeat(20);
    const line = JSON.stringify({ model: "m", message: { role: "assistant", content: text }, done: false }) + "\n";
    server = startEndlessServer({ contentType: NDJSON, repeat: line.slice(0, 7), times: 1, tail: line.slice(7) + line.repeat(2000) + JSON.stringify({ model: "m", message: { role: "assistant", content: "" }, done: true, done_reason: "stop" }) });
    const events = await collect(createProvider(config.ollama(server.url)), hi);
    expect(events.filter((e) => e.type === "text").map((e) => e.type === "text" && e.delta).join("")).toBe(text.repeat(2001));
    expect(events.at(-1)).toEqual({ type: "done", stopReason: "end" });
  });
});

describe("an error body that never ends", () => {
  for (const provider of ["anthropic", "openai", "ollama"] as const) {
    test(`${provider}: a 500 is reported from the first ${MAX_ERROR_BODY_BYTES} bytes, the rest not read`, async () => {
      const err = await errorFrom(provider, { status: 500, contentType: "text/plain", basePath: provider === "openai" ? "/v1" : "", repeat: "A".repeat(16 * 1024) });
      expect(err.code).toBe("provider_error");
      expect(err.message).toContain("500");
      expect(err.message.length).toBeLessThan(400);
      expect(server!.sent()).toBeLessThan(64 * 1024 * 1024);
    });
  }
});
