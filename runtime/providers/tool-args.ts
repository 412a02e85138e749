// A tool call is only handed on once its arguments are complete JSON. Models (small local ones
// especially) sometimes emit broken JSON; running a tool with guessed params would be worse than
// telling the agent loop plainly, so that becomes an error event naming the tool.
import { moltError, type ChatEvent } from "../contracts/index.ts";

export function toolCallEvent(label: string, id: string, name: string, args: string | unknown): ChatEvent {
  if (typeof args !== "string") return { type: "tool_call", id, name, params: args ?? {} };
  if (args.trim() === "") return { type: "tool_call", id, name, params: {} };
  try {
    return { type: "tool_call", id, name, params: JSON.parse(args) as unknown };
  } catch {
    return {
      type: "error",
      error: moltError("provider_error", `${label} sent invalid JSON arguments for tool '${name}'`, "try again; if it keeps happening, a larger model may handle tool calls better", { tool: name }),
    };
  }
}

/** Anthropic and Ollama want tool inputs as objects; anything else becomes {}. */
export function asObject(params: unknown): Record<string, unknown> {
  return params !== null && typeof params === "object" && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
}
