// ChatMessages → Anthropic Messages API: system prompts go to the top-level `system`, assistant
// tool calls become tool_use blocks, tool results become tool_result blocks in a user turn.
// Consecutive user-side entries are merged, because Anthropic wants all results of one
// assistant turn in the single user message that follows it. A user message's images go as
// base64 image blocks before its text (Anthropic's advice: image first, then the question).
import type Anthropic from "@anthropic-ai/sdk";
import type { ChatMessage, ChatRequest } from "../contracts/index.ts";
import { base64Of } from "./image-base64.ts";
import { asObject } from "./tool-args.ts";

type MessageParam = Anthropic.MessageParam;
type Block = Anthropic.ContentBlockParam;

export function toAnthropicMessages(messages: ChatMessage[]): { system?: string; messages: MessageParam[] } {
  const system = messages.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
  const out: { role: "user" | "assistant"; content: Block[] }[] = [];
  const push = (role: "user" | "assistant", blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = out.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === "system") continue;
    if (m.role === "tool") {
      push("user", [{ type: "tool_result", tool_use_id: m.toolCallId ?? "", content: m.content }]);
    } else if (m.role === "assistant") {
      const blocks: Block[] = m.content ? [{ type: "text", text: m.content }] : [];
      for (const c of m.toolCalls ?? []) blocks.push({ type: "tool_use", id: c.id, name: c.name, input: asObject(c.params) });
      push("assistant", blocks);
    } else {
      const blocks: Block[] = (m.images ?? []).map((img) => ({
        type: "image",
        source: { type: "base64", media_type: img.mime as Anthropic.Base64ImageSource["media_type"], data: base64Of(img) },
      }));
      if (m.content) blocks.push({ type: "text", text: m.content });
      push("user", blocks);
    }
  }
  // A lone text block reads better (and is what most servers expect) as plain string content.
  const simplified: MessageParam[] = out.map((m) =>
    m.content.length === 1 && m.content[0]?.type === "text" ? { role: m.role, content: m.content[0].text } : m);
  return system ? { system, messages: simplified } : { messages: simplified };
}

export function toAnthropicTools(tools: ChatRequest["tools"]): Anthropic.Tool[] | undefined {
  if (!tools?.length) return undefined;
  return tools.map((t) => ({ name: t.name, description: t.description, input_schema: { type: "object", ...t.parameters } }));
}

export function stopReasonOf(reason: string | null | undefined): "end" | "tool_use" | "max_tokens" {
  return reason === "tool_use" ? "tool_use" : reason === "max_tokens" ? "max_tokens" : "end";
}
