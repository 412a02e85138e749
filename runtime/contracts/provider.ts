import type { JSONSchema } from "./tool.ts";
import type { MoltError } from "./errors.ts";

export type ChatRole = "system" | "user" | "assistant" | "tool";

export interface ChatMessage {
  role: ChatRole;
  content: string;
  toolCalls?: { id: string; name: string; params: unknown }[];
  toolCallId?: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: { name: string; description: string; parameters: JSONSchema }[];
  maxTokens?: number;
}

export type ChatEvent =
  | { type: "text"; delta: string }
  | { type: "tool_call"; id: string; name: string; params: unknown }
  | { type: "done"; stopReason: "end" | "tool_use" | "max_tokens" }
  | { type: "error"; error: MoltError };

/** anthropic | openai | ollama (DESIGN §2). */
export interface ModelProvider {
  name: string;
  chat(req: ChatRequest, signal: AbortSignal): AsyncIterable<ChatEvent>;
}
