// A tool call is only handed on once its arguments are complete JSON. Models (small local ones
// especially) sometimes emit broken JSON; running a tool with guessed params would be worse than
// telling the agent loop plainly, so that becomes an error event naming the tool. What streams
// in before that is counted against one budget per answer.
import { moltError, type ChatEvent } from "../contracts/index.ts";

/** What one answer's tool calls may add up to: ids, names and arguments (tool params are small
 * JSON; even a file written whole stays far below 1 MiB), and how many calls (a model makes a
 * handful at once). A server streaming arguments, or opening calls, without end must not have us
 * hold it all. */
export const MAX_TOOL_ARGS_CHARS = 1024 * 1024;
export const MAX_TOOL_CALLS = 256;

/** Counts one answer's tool calls as they stream; over a limit, the error that ends the answer. */
export class ToolCallBudget {
  #calls = 0;
  #chars = 0;
  constructor(private readonly label: string) {}

  /** A call began (before its name and arguments are added). */
  start(): ChatEvent | undefined {
    if (++this.#calls <= MAX_TOOL_CALLS) return undefined;
    return overLimit(`${this.label} sent more than ${MAX_TOOL_CALLS} tool calls in one answer; the request was stopped`, { limit: MAX_TOOL_CALLS });
  }

  /** `chars` more of a call's id, name or arguments arrived (`name`: the call's, for the message). */
  add(name: unknown, chars: number): ChatEvent | undefined {
    this.#chars += chars;
    if (this.#chars <= MAX_TOOL_ARGS_CHARS) return undefined;
    const tool = String(name).slice(0, 64);
    return overLimit(`${this.label} sent more than ${MAX_TOOL_ARGS_CHARS} characters of tool-call arguments (tool '${tool}'); the request was stopped`, { tool, limit: MAX_TOOL_ARGS_CHARS });
  }
}

function overLimit(message: string, details: Record<string, unknown>): ChatEvent {
  return { type: "error", error: moltError("output_limit", message, "try again; a model that keeps doing this is broken, or the server is not a model server", details) };
}

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
