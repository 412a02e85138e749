// ChatMessages → OpenAI chat completions: assistant tool calls as `tool_calls` with JSON-string
// arguments, tool results as role "tool" messages carrying tool_call_id; a user message with
// images as content parts (text, then image_url data: URLs).
import type OpenAI from "openai";
import type { ChatMessage, ChatRequest } from "../contracts/index.ts";
import { dataUrlOf } from "./image-base64.ts";

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export function toOpenAIMessages(messages: ChatMessage[]): Message[] {
  return messages.map((m): Message => {
    switch (m.role) {
      case "system":
        return { role: "system", content: m.content };
      case "user":
        return m.images?.length ? { role: "user", content: userParts(m) } : { role: "user", content: m.content };
      case "tool":
        return { role: "tool", tool_call_id: m.toolCallId ?? "", content: m.content };
      case "assistant":
        return m.toolCalls?.length
          ? {
            role: "assistant",
            content: m.content || null,
            tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: JSON.stringify(c.params ?? {}) } })),
          }
          : { role: "assistant", content: m.content };
    }
  });
}

function userParts(m: ChatMessage): OpenAI.Chat.Completions.ChatCompletionContentPart[] {
  const parts: OpenAI.Chat.Completions.ChatCompletionContentPart[] = m.content ? [{ type: "text", text: m.content }] : [];
  for (const img of m.images ?? []) parts.push({ type: "image_url", image_url: { url: dataUrlOf(img) } });
  return parts;
}

export function toOpenAITools(tools: ChatRequest["tools"]): OpenAI.Chat.Completions.ChatCompletionTool[] | undefined {
  if (!tools?.length) return undefined;
  return tools.map((t) => ({ type: "function" as const, function: { name: t.name, description: t.description, parameters: t.parameters } }));
}

export function stopReasonOf(finish: string | null | undefined, sawToolCalls: boolean): "end" | "tool_use" | "max_tokens" {
  if (finish === "length") return "max_tokens";
  if (finish === "tool_calls" || finish === "function_call" || sawToolCalls) return "tool_use";
  return "end";
}
