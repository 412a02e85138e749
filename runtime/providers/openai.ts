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
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.delta?.content) yield { type: "text", delta: choice.delta.content };
    for (const d of choice.delta?.tool_calls ?? []) {
      let call = calls.get(d.index);
      if (!call) {
        const over = budget.start();
        if (over) return yield over;
        calls.set(d.index, call = { id: "", name: "", args: "" });
      }
      const before = call.id.length + call.name.length + call.args.length;
      if (d.id) call.id = String(d.id);
      if (d.function?.name) call.name += d.function.name;
      if (d.function?.arguments) call.args += d.function.arguments;
      const over = budget.add(call.name, call.id.length + call.name.length + call.args.length - before);
      if (over) return yield over;
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  // The SDK ends quietly on abort; without a finish_reason the answer is not complete.
  if (io.signal.aborted || !finish) return;
  for (const [index, call] of [...calls].sort(([a], [b]) => a - b)) {
    const ev = toolCallEvent("OpenAI", call.id || `call_${index}`, call.name, call.args);
    yield ev;
    if (ev.type === "error") return;
  }
  yield { type: "done", stopReason: stopReasonOf(finish, calls.size > 0) };
}
