// A tool call is only handed on once its arguments are complete JSON. Models (small local ones
// especially) sometimes emit broken JSON; running a tool with guessed params would be worse than
// telling the agent loop plainly, so that becomes an error event naming the tool. What streams
// in before that is counted against one budget per answer.
import { z } from "zod";
import { moltError, type ChatEvent } from "../contracts/index.ts";

/** What one answer's tool calls may add up to: ids, names and arguments (tool params are small
 * JSON; even a file written whole stays far below 1 MiB), and how many calls (a model makes a
 * handful at once). A server streaming arguments, or opening calls, without end must not have us
 * hold it all. */
export const MAX_TOOL_ARGS_CHARS = 1024 * 1024;
export const MAX_TOOL_CALLS = 256;
/** Longest tool-call id we keep; real ones are ~40 characters. A longer one is replaced. */
export const MAX_ID_CHARS = 256;

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

// What a tool call must be once it leaves a provider (zod at the boundary): the server is
// untrusted, and a missing name or id once crashed the agent loop (`call.name.slice`).
const CallId = z.string().min(1).max(MAX_ID_CHARS);
const CallName = z.string().min(1);
const CallArgs = z.record(z.string(), z.unknown());

/**
 * One complete tool call as the server sent it → a `tool_call` event, or an error event.
 * - `id` missing, empty, not a string or absurdly long → `fallbackId` (tool results must find their call).
 * - `name` missing or not a string → `""`. That is not the end of the answer: the agent tells
 *   the model "the model sent a tool call without a name" as the call's result, so it can
 *   correct itself (an unknown name is handled the same way). Which names exist is the agent's
 *   business, not the provider's.
 * - `args`: a JSON object, or its JSON text; absent/empty/null → `{}`. Broken JSON or JSON that is
 *   not an object → `provider_error` naming the tool: never a guessed call.
 */
export function toolCallEvent(label: string, raw: { id?: unknown; name?: unknown; args?: unknown }, fallbackId: string): ChatEvent {
  const id = CallId.safeParse(raw.id);
  const name = CallName.safeParse(raw.name);
  const call = { id: id.success ? id.data : fallbackId, name: name.success ? name.data : "" };
  const shown = call.name === "" ? "(no name)" : call.name.slice(0, 64);
  let params: unknown = raw.args ?? {};
  if (typeof params === "string") {
    if (params.trim() === "") params = {};
    else {
      try {
        params = JSON.parse(params) as unknown;
      } catch {
        return badArgs(label, shown, `invalid JSON arguments for tool '${shown}'`);
      }
    }
  }
  if (params === null) params = {};
  const args = CallArgs.safeParse(params);
  if (!args.success) return badArgs(label, shown, `arguments for tool '${shown}' that are not a JSON object (${kindOf(params)})`);
  return { type: "tool_call", ...call, params: args.data };
}

function badArgs(label: string, tool: string, what: string): ChatEvent {
  return {
    type: "error",
    error: moltError("provider_error", `${label} sent ${what}`, "try again; if it keeps happening, a larger model may handle tool calls better", { tool }),
  };
}

function kindOf(v: unknown): string {
  return Array.isArray(v) ? "an array" : v === null ? "null" : `a ${typeof v}`;
}

/** Anthropic and Ollama want tool inputs as objects; anything else becomes {}. */
export function asObject(params: unknown): Record<string, unknown> {
  return params !== null && typeof params === "object" && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
}
