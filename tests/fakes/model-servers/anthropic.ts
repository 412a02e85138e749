// A fake Anthropic Messages API: POST /v1/messages answered as the real SSE stream
// (message_start, ping, content_block_start/delta/stop with text_delta and input_json_delta,
// message_delta, message_stop), so @anthropic-ai/sdk parses it unchanged.
import { anthropicImages } from "./images.ts";
import { argumentsOf, pause, split, startFakeServer, textOf, type FakeModelServer, type FakeServerOptions, type Protocol, type ScriptedReply } from "./fake-server.ts";

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error",
  429: "rate_limit_error", 500: "api_error", 529: "overloaded_error",
};

function sse(event: string, data: Record<string, unknown>): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
}

let ids = 0;

async function* stream(reply: ScriptedReply, body: unknown): AsyncIterable<string> {
  const model = (body as { model?: string })?.model ?? "claude-fake";
  yield sse("message_start", { message: { id: `msg_fake${++ids}`, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } });
  yield sse("ping", {});
  let index = 0;
  if (reply.text !== undefined && reply.text !== "") {
    yield sse("content_block_start", { index, content_block: { type: "text", text: "" } });
    for (const text of split(reply.text, reply.chunks)) {
      yield sse("content_block_delta", { index, delta: { type: "text_delta", text } });
      await pause(reply);
    }
    yield sse("content_block_stop", { index });
    index++;
  }
  if (reply.streamError) {
    yield `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: "overloaded_error", message: reply.streamError } })}\n\n`;
    return;
  }
  for (const call of reply.toolCalls ?? []) {
    yield sse("content_block_start", { index, content_block: { type: "tool_use", id: `toolu_fake${++ids}`, name: call.name, input: {} } });
    for (const partial_json of split(argumentsOf(call), reply.chunks)) {
      yield sse("content_block_delta", { index, delta: { type: "input_json_delta", partial_json } });
      await pause(reply);
    }
    yield sse("content_block_stop", { index });
    index++;
  }
  for (const content_block of reply.rawToolCalls ?? []) {
    yield sse("content_block_start", { index, content_block });
    yield sse("content_block_stop", { index });
    index++;
  }
  const stop_reason = reply.toolCalls?.length || reply.rawToolCalls?.length ? "tool_use" : "end_turn";
  yield sse("message_delta", { delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: 5 } });
  yield sse("message_stop", {});
}

export const anthropicProtocol: Protocol = {
  chatPath: (path) => path === "/v1/messages",
  lastUserText(body) {
    const messages = (body as { messages?: { role: string; content: unknown }[] })?.messages ?? [];
    const last = messages.filter((m) => m.role === "user").at(-1);
    return textOf(last?.content);
  },
  stream,
  imagesOf: anthropicImages,
  contentType: "text/event-stream",
  errorBody: (status, message) => ({ type: "error", error: { type: ERROR_TYPES[status] ?? "api_error", message } }),
};

export function startFakeAnthropic(opts?: FakeServerOptions): Promise<FakeModelServer> {
  return startFakeServer(anthropicProtocol, opts);
}
