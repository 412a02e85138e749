// One model call: stream text deltas out as they come, collect tool calls, stop at once when
// the turn is cancelled (even if the provider's stream hangs).
import { isMoltError, moltError, type MoltError } from "../contracts/errors.ts";
import type { ChatRequest, ModelProvider } from "../contracts/provider.ts";
import { abortable } from "./event-queue.ts";

export type ModelReply =
  | { ok: true; text: string; calls: { id: string; name: string; params: unknown }[] }
  | { ok: false; error: MoltError };

export async function askModel(provider: ModelProvider, req: ChatRequest, signal: AbortSignal, onText: (delta: string) => void): Promise<ModelReply> {
  let text = "";
  const calls: { id: string; name: string; params: unknown }[] = [];
  try {
    for await (const ev of abortable(provider.chat(req, signal), signal)) {
      if (ev.type === "text") {
        text += ev.delta;
        onText(ev.delta);
      } else if (ev.type === "tool_call") {
        calls.push({ id: ev.id, name: ev.name, params: ev.params });
      } else if (ev.type === "error") {
        return { ok: false, error: ev.error };
      } else if (ev.type === "done") {
        break;
      }
    }
  } catch (err) {
    if (signal.aborted) return { ok: true, text, calls: [] };
    const e = (err as { error?: unknown })?.error ?? err;
    return { ok: false, error: isMoltError(e) ? e : moltError("provider_error", `${provider.name}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300)) };
  }
  return { ok: true, text, calls };
}
