// Ollama through the `ollama` package: /api/chat NDJSON streaming. Ollama sends each tool call
// whole (arguments already an object) and without an id, so ids are made up per answer.
import { Ollama } from "ollama";
import { moltError, type ChatEvent, type ChatRequest, type ModelProvider } from "../contracts/index.ts";
import { CONFIG_FILE, DEFAULTS, type ProvidersConfig } from "./config.ts";
import { drive, type AttemptIO, type DrivePolicy, type Transport } from "./drive.ts";
import type { Endpoint } from "./failure.ts";
import { toOllamaMessages, toOllamaTools } from "./ollama-format.ts";
import { ToolCallBudget, toolCallEvent } from "./tool-args.ts";

type OllamaConfig = NonNullable<ProvidersConfig["ollama"]>;

export function ollamaEndpoint(cfg: OllamaConfig): Endpoint {
  const model = cfg.model;
  return {
    provider: "ollama",
    label: "Ollama",
    url: cfg.base_url ?? DEFAULTS.ollama.base_url,
    unreachable: (url) => moltError("provider_error", `cannot reach Ollama at ${url} — start it with 'ollama serve', or set ai_provider in ${CONFIG_FILE}`, `no Ollama yet? install it from https://ollama.com, then run 'ollama pull ${model}'`, { provider: "ollama" }),
    describeStatus: (status, server) => status === 404 && /model/i.test(server)
      ? moltError("provider_error", `Ollama has no model '${model}' (${server})`, `run 'ollama pull ${model}', or set ollama.model in ${CONFIG_FILE}`, { provider: "ollama", status })
      : undefined,
  };
}

export function ollamaProvider(cfg: OllamaConfig, policy: DrivePolicy): ModelProvider {
  const endpoint = ollamaEndpoint(cfg);
  const transport: Transport = { endpoint, stream: (req, io) => streamOnce(cfg, endpoint.url, req, io) };
  return { name: "ollama", chat: (req, signal) => drive(transport, req, signal, policy) };
}

let callIds = 0;

async function* streamOnce(cfg: OllamaConfig, url: string, req: ChatRequest, io: AttemptIO): AsyncGenerator<ChatEvent> {
  const client = new Ollama({ host: url, fetch: io.fetch as typeof fetch });
  const tools = toOllamaTools(req.tools);
  const stream = await client.chat({
    model: cfg.model,
    messages: toOllamaMessages(req.messages),
    ...(tools ? { tools } : {}),
    ...(req.maxTokens === undefined ? {} : { options: { num_predict: req.maxTokens } }),
    stream: true,
  });
  let sawToolCalls = false;
  const budget = new ToolCallBudget("Ollama");
  for await (const part of stream) {
    const content: unknown = part.message?.content;
    if (typeof content === "string" && content !== "") yield { type: "text", delta: content };
    // Typed by the package, but only JSON from an untrusted server: a call may lack `function`,
    // its name or its arguments, or not be an object at all. toolCallEvent checks each field.
    const calls: unknown = part.message?.tool_calls;
    for (const call of Array.isArray(calls) ? calls : []) {
      sawToolCalls = true;
      const fn = (call as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
      // Whole calls, already parsed from one (capped) line each; many such lines add up.
      const over = budget.start() ?? budget.add(fn?.name, JSON.stringify(call ?? null).length);
      if (over) return yield over;
      const ev = toolCallEvent("Ollama", { name: fn?.name, args: fn?.arguments }, `ollama_call_${++callIds}`);
      yield ev;
      if (ev.type === "error") return;
    }
    if (part.done) {
      const stopReason = part.done_reason === "length" ? "max_tokens" : sawToolCalls ? "tool_use" : "end";
      yield { type: "done", stopReason };
      return;
    }
  }
}
