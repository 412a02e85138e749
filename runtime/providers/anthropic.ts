// Anthropic through @anthropic-ai/sdk: Messages API streaming, text_delta → text events,
// tool_use blocks assembled from input_json_delta fragments → one tool_call each.
import Anthropic from "@anthropic-ai/sdk";
import type { ChatEvent, ChatRequest, ModelProvider } from "../contracts/index.ts";
import { DEFAULTS, type ProvidersConfig } from "./config.ts";
import { drive, type AttemptIO, type DrivePolicy, type Transport } from "./drive.ts";
import { stopReasonOf, toAnthropicMessages, toAnthropicTools } from "./anthropic-format.ts";
import { ToolCallBudget, toolCallEvent } from "./tool-args.ts";

export function anthropicProvider(cfg: NonNullable<ProvidersConfig["anthropic"]>, policy: DrivePolicy): ModelProvider {
  const url = cfg.base_url ?? DEFAULTS.anthropic.base_url;
  const transport: Transport = {
    endpoint: { provider: "anthropic", label: "Anthropic", url, secret: cfg.api_key },
    stream: (req, io) => streamOnce(cfg, url, policy, req, io),
  };
  return { name: "anthropic", chat: (req, signal) => drive(transport, req, signal, policy) };
}

async function* streamOnce(cfg: NonNullable<ProvidersConfig["anthropic"]>, url: string, policy: DrivePolicy, req: ChatRequest, io: AttemptIO): AsyncGenerator<ChatEvent> {
  // Our drive() is the one retry and timeout policy; the SDK's would multiply it.
  const client = new Anthropic({ apiKey: cfg.api_key, baseURL: url, maxRetries: 0, timeout: policy.timeoutMs * 2, fetch: io.fetch, logLevel: "off" });
  const tools = toAnthropicTools(req.tools);
  const stream = await client.messages.create({
    model: cfg.model,
    max_tokens: req.maxTokens ?? cfg.max_tokens ?? DEFAULTS.anthropic.max_tokens,
    ...toAnthropicMessages(req.messages),
    ...(tools ? { tools } : {}),
    stream: true,
  }, { signal: io.signal });

  // id and name as the server sent them (the SDK's types are not checked at run time).
  const toolBlocks = new Map<number, { id: unknown; name: unknown; json: string; input: unknown }>();
  const budget = new ToolCallBudget("Anthropic");
  let stopReason: string | null | undefined;
  for await (const ev of stream) {
    switch (ev.type) {
      case "content_block_start":
        if (ev.content_block.type === "tool_use") {
          const b = ev.content_block;
          const over = budget.start() ?? budget.add(b.name, JSON.stringify(b).length);
          if (over) return yield over;
          toolBlocks.set(ev.index, { id: b.id, name: b.name, json: "", input: b.input });
        }
        break;
      case "content_block_delta":
        if (ev.delta.type === "text_delta" && typeof ev.delta.text === "string" && ev.delta.text) yield { type: "text", delta: ev.delta.text };
        else if (ev.delta.type === "input_json_delta") {
          const b = toolBlocks.get(ev.index);
          if (!b) break;
          const before = b.json.length;
          b.json += ev.delta.partial_json;
          const over = budget.add(b.name, b.json.length - before);
          if (over) return yield over;
        }
        break;
      case "content_block_stop": {
        const b = toolBlocks.get(ev.index);
        if (!b) break;
        toolBlocks.delete(ev.index);
        const call = toolCallEvent("Anthropic", { id: b.id, name: b.name, args: b.json === "" ? b.input : b.json }, `toolu_missing_${ev.index}`);
        yield call;
        if (call.type === "error") return;
        break;
      }
      case "message_delta":
        stopReason = ev.delta.stop_reason;
        break;
      case "message_stop":
        yield { type: "done", stopReason: stopReasonOf(stopReason) };
        return;
    }
  }
}
