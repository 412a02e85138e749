// OpenAI, and any OpenAI-compatible server via base_url, through the official `openai` package:
// chat-completions streaming, tool_calls deltas assembled per index into complete tool calls.
import OpenAI from "openai";
import type { ChatEvent, ChatRequest, ModelProvider } from "../contracts/index.ts";
import { DEFAULTS, type ProvidersConfig } from "./config.ts";
import { drive, type AttemptIO, type DrivePolicy, type Transport } from "./drive.ts";
import { stopReasonOf, toOpenAIMessages, toOpenAITools } from "./openai-format.ts";
import { ToolCallBudget, toolCallEvent } from "./tool-args.ts";

type OpenAIConfig = NonNullable<ProvidersConfig["openai"]>;

export function openaiProvider(cfg: OpenAIConfig, policy: DrivePolicy): ModelProvider {
  const url = cfg.base_url ?? DEFAULTS.openai.base_url;
  const transport: Transport = {
    endpoint: { provider: "openai", label: "OpenAI", url, secret: cfg.api_key },
    stream: (req, io) => streamOnce(cfg, url, policy, req, io),
  };
  return { name: "openai", chat: (req, signal) => drive(transport, req, signal, policy) };
}

async function* streamOnce(cfg: OpenAIConfig, url: string, policy: DrivePolicy, req: ChatRequest, io: AttemptIO): AsyncGenerator<ChatEvent> {
  const client = new OpenAI({ apiKey: cfg.api_key, baseURL: url, maxRetries: 0, timeout: policy.timeoutMs * 2, fetch: io.fetch, logLevel: "off" });
  const maxTokens = req.maxTokens ?? cfg.max_tokens;
  const tools = toOpenAITools(req.tools);
  const stream = await client.chat.completions.create({
    model: cfg.model,
    messages: toOpenAIMessages(req.messages),
    ...(tools ? { tools } : {}),
    // OpenAI's newer models refuse max_tokens; compatible servers mostly only know max_tokens.
    ...(maxTokens === undefined ? {} : cfg.base_url ? { max_tokens: maxTokens } : { max_completion_tokens: maxTokens }),
    stream: true,
  }, { signal: io.signal });

  const calls = new Map<number, { id: string; name: string; args: string }>();
  const budget = new ToolCallBudget("OpenAI");
  let finish: string | null | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const content: unknown = choice.delta?.content;
    if (typeof content === "string" && content !== "") yield { type: "text", delta: content };
    const deltas: unknown = choice.delta?.tool_calls;
    for (const raw of Array.isArray(deltas) ? deltas : []) {
      const d = (raw ?? {}) as { index?: unknown; id?: unknown; function?: unknown };
      const index = typeof d.index === "number" ? d.index : 0;
      let call = calls.get(index);
      if (!call) {
        const over = budget.start();
        if (over) return yield over;
        calls.set(index, call = { id: "", name: "", args: "" });
      }
      const before = call.id.length + call.name.length + call.args.length;
      // Typed by the SDK, but only JSON from an untrusted server: strings are kept, anything
      // else is not pasted in as "[object Object]"; toolCallEvent judges the assembled call.
      const fn = d.function as { name?: unknown; arguments?: unknown } | undefined;
      if (typeof d.id === "string" && d.id !== "") call.id = d.id;
      if (typeof fn?.name === "string") call.name += fn.name;
      if (typeof fn?.arguments === "string") call.args += fn.arguments;
      else if (fn?.arguments != null && call.args === "") call.args = JSON.stringify(fn.arguments);
      const over = budget.add(call.name, call.id.length + call.name.length + call.args.length - before);
      if (over) return yield over;
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  // The SDK ends quietly on abort; without a finish_reason the answer is not complete.
  if (io.signal.aborted || !finish) return;
  for (const [index, call] of [...calls].sort(([a], [b]) => a - b)) {
    const ev = toolCallEvent("OpenAI", { id: call.id, name: call.name, args: call.args }, `call_${index}`);
    yield ev;
    if (ev.type === "error") return;
  }
  yield { type: "done", stopReason: stopReasonOf(finish, calls.size > 0) };
}
