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
