// A fake OpenAI chat-completions API: POST /v1/chat/completions answered as the real SSE
// stream (`data: {choices:[{delta:{content | tool_calls:[{index,id,function:{name,arguments}}]}}]}`
// … `data: [DONE]`), so the official `openai` package parses it unchanged.
import { openaiImages } from "./images.ts";
import { argumentsOf, pause, split, startFakeServer, textOf, type FakeModelServer, type FakeServerOptions, type Protocol, type ScriptedReply } from "./fake-server.ts";

let ids = 0;

async function* stream(reply: ScriptedReply, body: unknown): AsyncIterable<string> {
  const id = `chatcmpl-fake${++ids}`;
  const model = (body as { model?: string })?.model ?? "gpt-fake";
  const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason }] })}\n\n`;
  yield chunk({ role: "assistant", content: "" });
  if (reply.text) {
    for (const content of split(reply.text, reply.chunks)) {
      yield chunk({ content });
      await pause(reply);
    }
  }
  if (reply.streamError) {
    yield `data: ${JSON.stringify({ error: { message: reply.streamError, type: "server_error" } })}\n\n`;
    return;
  }
  for (const [index, call] of (reply.toolCalls ?? []).entries()) {
    const pieces = split(argumentsOf(call), reply.chunks);
    yield chunk({ tool_calls: [{ index, id: `call_fake${++ids}`, type: "function", function: { name: call.name, arguments: "" } }] });
    for (const args of pieces) {
      yield chunk({ tool_calls: [{ index, function: { arguments: args } }] });
      await pause(reply);
    }
  }
  for (const raw of reply.rawToolCalls ?? []) yield chunk({ tool_calls: [raw] });
  yield chunk({}, reply.toolCalls?.length || reply.rawToolCalls?.length ? "tool_calls" : "stop");
  yield "data: [DONE]\n\n";
}

export const openaiProtocol: Protocol = {
  chatPath: (path) => path === "/v1/chat/completions",
  lastUserText(body) {
    const messages = (body as { messages?: { role: string; content: unknown }[] })?.messages ?? [];
    return textOf(messages.filter((m) => m.role === "user").at(-1)?.content);
  },
  stream,
  imagesOf: openaiImages,
  contentType: "text/event-stream",
  errorBody: (status, message) => ({ error: { message, type: status === 429 ? "rate_limit_exceeded" : status === 401 ? "invalid_request_error" : "server_error", param: null, code: status === 401 ? "invalid_api_key" : null } }),
};

/** `url` ends in /v1, as OpenAI-compatible base URLs do. */
export function startFakeOpenAI(opts?: FakeServerOptions): Promise<FakeModelServer> {
  return startFakeServer(openaiProtocol, opts, "/v1");
}
