// The fallback list: when a provider fails before answering anything (its first event is an
// error), the next one gets the same request. Once a provider has streamed anything, its answer
// is the answer — switching mid-sentence would splice two models' words — so later errors pass on.
import { moltError, type ChatEvent, type ChatRequest, type MoltError, type ModelProvider } from "../contracts/index.ts";
import type { ProviderName, ProviderRuntimeOptions } from "./config.ts";

export function withFallback(chain: ModelProvider[], onFallback?: ProviderRuntimeOptions["onFallback"]): ModelProvider {
  const [primary] = chain;
  if (!primary) throw new Error("withFallback needs at least one provider");
  if (chain.length === 1) return primary;
  return {
    name: primary.name,
    async *chat(req: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatEvent> {
      const failed: { provider: string; error: MoltError }[] = [];
      for (const [i, provider] of chain.entries()) {
        const next = chain[i + 1];
        let started = false;
        let failedOver = false;
        for await (const ev of provider.chat(req, signal)) {
          if (!started && ev.type === "error") {
            failed.push({ provider: provider.name, error: ev.error });
            if (next && !signal.aborted) {
              onFallback?.({ from: provider.name as ProviderName, to: next.name as ProviderName, reason: ev.error.message });
              failedOver = true;
              break;
            }
            yield { type: "error", error: combined(failed) };
            return;
          }
          started = true;
          yield ev;
        }
        if (!failedOver) return;
      }
    },
  };
}

/** The primary's error (its code and hint lead), with what each fallback said appended. */
function combined(failed: { provider: string; error: MoltError }[]): MoltError {
  const [first, ...rest] = failed;
  if (!first) return moltError("internal", "no provider answered");
  if (rest.length === 0) return first.error;
  const others = rest.map((f) => `fallback ${f.provider}: ${f.error.message}`).join("; ");
  return moltError(first.error.code, `${first.error.message}; ${others}`, first.error.hint, {
    ...first.error.details,
    fallbacks: rest.map((f) => ({ provider: f.provider, code: f.error.code, message: f.error.message })),
  });
}
