// A conversation with every message kind (system, user, assistant text + two tool calls, two
// tool results), for checking how a provider puts it on the wire.
import type { ChatRequest } from "../../../runtime/contracts/index.ts";

export const TOOL_ROUND_TRIP: ChatRequest = {
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Weather in Oslo?" },
    { role: "assistant", content: "Checking.", toolCalls: [{ id: "call_1", name: "get_weather", params: { city: "Oslo" } }, { id: "call_2", name: "get_time", params: {} }] },
    { role: "tool", toolCallId: "call_1", content: '{"temp":12}' },
    { role: "tool", toolCallId: "call_2", content: "14:00" },
  ],
  tools: [
    { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } },
    { name: "get_time", description: "Local time", parameters: { type: "object", properties: {} } },
  ],
};

/** Small real image headers (enough for format sniffing; providers pass bytes through as is). */
export const PNG_BYTES = new Uint8Array(Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex"));
export const JPEG_BYTES = new Uint8Array(Buffer.from("ffd8ffe000104a46494600010100000100010000ffd9", "hex"));

/** An earlier plain exchange, then a user message with a caption and two images. */
export const WITH_IMAGES: ChatRequest = {
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Hi" },
    { role: "assistant", content: "Hello." },
    { role: "user", content: "What is in these?", images: [{ mime: "image/png", data: PNG_BYTES }, { mime: "image/jpeg", data: JPEG_BYTES }] },
  ],
};
