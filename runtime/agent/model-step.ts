// One model call: stream text deltas out as they come, collect tool calls, stop at once when
// the turn is cancelled (even if the provider's stream hangs) or the reply outgrows any real one.
import { isMoltError, moltError, type MoltError } from "../contracts/errors.ts";
import type { ChatRequest, ModelProvider } from "../contracts/provider.ts";
import { abortable } from "./event-queue.ts";

/** Longest reply text we hold. The largest output limits today are ~128k tokens, about 512k
 * characters; twice that is no real answer, and the providers' idle timeout never ends a server
 * that keeps streaming, so this is what does. */
export const MAX_REPLY_CHARS = 1024 * 1024;

export type ModelReply =
  | { ok: true; text: string; calls: { id: string; name: string; params: unknown }[] }
  | { ok: false; error: MoltError };

export async function askModel(provider: ModelProvider, req: ChatRequest, signal: AbortSignal, onText: (delta: string) => void): Promise<ModelReply> {
  let text = "";
  const calls: { id: string; name: string; params: unknown }[] = [];
  const stop = new AbortController();
  const request = AbortSignal.any([signal, stop.signal]);
  try {
    for await (const ev of abortable(provider.chat(req, request), request)) {
      if (ev.type === "text") {
        if (text.length + ev.delta.length > MAX_REPLY_CHARS) {
          stop.abort(new Error("reply too long"));
          return { ok: false, error: moltError("output_limit", `${provider.name}: the model's reply exceeded ${MAX_REPLY_CHARS} characters; the request was stopped`, "ask for a shorter answer; if this happens on a short question, the model server is misbehaving", { provider: provider.name, limit: MAX_REPLY_CHARS }) };
        }
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
