// ChatImage bytes → what the JSON APIs carry. Anthropic and OpenAI take base64 in the request
// body; Ollama's package encodes the bytes itself.
import type { ChatImage } from "../contracts/index.ts";

export function base64Of(image: ChatImage): string {
  return Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength).toString("base64");
}

export function dataUrlOf(image: ChatImage): string {
  return `data:${image.mime};base64,${base64Of(image)}`;
}
