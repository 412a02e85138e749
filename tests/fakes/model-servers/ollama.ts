// A fake Ollama server: POST /api/chat answered as the real NDJSON stream
// (`{model, created_at, message:{role, content, tool_calls:[{function:{name, arguments}}]}, done}`
// lines, the last with done:true and done_reason), plus GET /api/tags and /api/version, so the
// `ollama` package and health probes work against it.
import { ollamaImages } from "./images.ts";
import { pause, split, startFakeServer, textOf, type FakeModelServer, type FakeServerOptions, type Protocol, type ScriptedReply } from "./fake-server.ts";

async function* stream(reply: ScriptedReply, body: unknown): AsyncIterable<string> {
  const model = (body as { model?: string })?.model ?? "llama-fake";
  const line = (message: Record<string, unknown>, extra: Record<string, unknown> = { done: false }) =>
    JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: "assistant", content: "", ...message }, ...extra }) + "\n";
  if (reply.text) {
    for (const content of split(reply.text, reply.chunks)) {
      yield line({ content });
      await pause(reply);
    }
  }
  if (reply.streamError) {
    yield JSON.stringify({ error: reply.streamError }) + "\n";
    return;
  }
  if (reply.toolCalls?.length) {
    // Ollama sends tool calls whole (arguments as an object), in one message before the end.
    yield line({ tool_calls: reply.toolCalls.map((c) => ({ function: { name: c.name, arguments: c.rawArguments ?? c.params ?? {} } })) });
  }
  if (reply.rawToolCalls?.length) yield line({ tool_calls: reply.rawToolCalls });
  yield line({}, { done: true, done_reason: "stop", total_duration: 1000, eval_count: 5 });
}

export function ollamaProtocol(models: string[]): Protocol {
  return {
    chatPath: (path) => path === "/api/chat",
    lastUserText(body) {
      const messages = (body as { messages?: { role: string; content: unknown }[] })?.messages ?? [];
      return textOf(messages.filter((m) => m.role === "user").at(-1)?.content);
    },
    stream,
    imagesOf: ollamaImages,
    contentType: "application/x-ndjson",
    errorBody: (_status, message) => ({ error: message }),
    other(req, path) {
      if (req.method === "GET" && path === "/api/tags") {
        return Response.json({ models: models.map((name) => ({ name, model: name, size: 1, digest: "fake", details: {} })) });
      }
      if (req.method === "GET" && path === "/api/version") return Response.json({ version: "0.0.0-fake" });
      if (req.method === "GET" && path === "/") return new Response("Ollama is running");
      return undefined;
    },
  };
}

export function startFakeOllama(opts?: FakeServerOptions & { models?: string[] }): Promise<FakeModelServer> {
  return startFakeServer(ollamaProtocol(opts?.models ?? ["llama3.2:latest"]), opts);
}
