import type { JSONSchema } from "./tool.ts";
import type { MoltError } from "./errors.ts";

export type ChatRole = "system" | "user" | "assistant" | "tool";

/**
 * An image the model is shown, as raw bytes: each provider encodes it the way its API wants
 * (Anthropic/OpenAI base64 in the JSON, Ollama via its package). Bytes rather than base64 so a
 * string is never mistaken for a file path (the ollama package reads paths it is given).
 * `mime` is one of image/png, image/jpeg, image/gif, image/webp — what all three APIs accept.
 */
export interface ChatImage {
  mime: string;
  data: Uint8Array;
}

export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** Only on role "user": images sent with this message (the caption is `content`). */
  images?: ChatImage[];
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
