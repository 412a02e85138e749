// Reading the images a client put in a chat request, per wire format, so tests can assert the
// model was really shown the bytes (and with which caption) rather than trusting our mapping.
import { textOf } from "./fake-server.ts";

/** One image found in a chat request's messages. */
export interface ReceivedImage {
  /** Index into the request's `messages`. */
  message: number;
  role: string;
  /** The declared media type (Anthropic `media_type`, OpenAI data: URL); null for Ollama, which sends none. */
  mime: string | null;
  base64: string;
  /** The text of the same message: the caption the image came with. */
  text: string;
}

type WireMessage = { role?: string; content?: unknown; images?: unknown };
const messagesOf = (body: unknown): WireMessage[] => {
  const m = (body as { messages?: unknown })?.messages;
  return Array.isArray(m) ? m : [];
};
const partsOf = (content: unknown): Record<string, unknown>[] => (Array.isArray(content) ? content : []);

/** Anthropic: `{type:"image", source:{type:"base64", media_type, data}}` content blocks. */
export function anthropicImages(body: unknown): ReceivedImage[] {
  return messagesOf(body).flatMap((m, message) => partsOf(m.content).flatMap((b) => {
    const src = b.source as { type?: string; media_type?: string; data?: string } | undefined;
    if (b.type !== "image" || src?.type !== "base64") return [];
    return [{ message, role: m.role ?? "", mime: src.media_type ?? null, base64: src.data ?? "", text: textOf(m.content) }];
  }));
}

/** OpenAI: `{type:"image_url", image_url:{url:"data:<mime>;base64,<data>"}}` content parts. */
export function openaiImages(body: unknown): ReceivedImage[] {
  return messagesOf(body).flatMap((m, message) => partsOf(m.content).flatMap((p) => {
    const url = (p.image_url as { url?: string } | undefined)?.url ?? "";
    const parsed = /^data:([^;,]+);base64,(.*)$/s.exec(url);
    if (p.type !== "image_url" || !parsed) return [];
    return [{ message, role: m.role ?? "", mime: parsed[1]!, base64: parsed[2]!, text: textOf(m.content) }];
  }));
}

/** Ollama: `images: [base64, …]` on the message itself. */
export function ollamaImages(body: unknown): ReceivedImage[] {
  return messagesOf(body).flatMap((m, message) => (Array.isArray(m.images) ? m.images : [])
    .filter((b): b is string => typeof b === "string")
    .map((base64) => ({ message, role: m.role ?? "", mime: null, base64, text: textOf(m.content) })));
}
