// ChatMessages → Ollama /api/chat: tool calls carry no ids in Ollama, so a tool result names
// its tool (tool_name), found through the assistant message that made the call. Images go as
// bytes in the message's `images`: the package base64-encodes bytes, whereas a string it is
// given may be read as a file path.
import type { Message, Tool } from "ollama";
import type { ChatMessage, ChatRequest } from "../contracts/index.ts";
import { asObject } from "./tool-args.ts";

export function toOllamaMessages(messages: ChatMessage[]): Message[] {
  const toolNames = new Map<string, string>();
  for (const m of messages) for (const c of m.toolCalls ?? []) toolNames.set(c.id, c.name);
  return messages.map((m): Message => {
    if (m.role === "tool") {
      const name = m.toolCallId ? toolNames.get(m.toolCallId) : undefined;
      return name ? { role: "tool", content: m.content, tool_name: name } : { role: "tool", content: m.content };
    }
    if (m.role === "assistant" && m.toolCalls?.length) {
      return { role: "assistant", content: m.content, tool_calls: m.toolCalls.map((c) => ({ function: { name: c.name, arguments: asObject(c.params) } })) };
    }
    if (m.role === "user" && m.images?.length) return { role: "user", content: m.content, images: m.images.map((img) => img.data) };
    return { role: m.role, content: m.content };
  });
}

export function toOllamaTools(tools: ChatRequest["tools"]): Tool[] | undefined {
  if (!tools?.length) return undefined;
  return tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters as NonNullable<Tool["function"]["parameters"]> } }));
}
