// createProvider: config → one ModelProvider (the primary, wrapped with its fallbacks).
// Nothing here throws for a bad or missing section: the chat yields an invalid_config error, so
// a broken fallback entry never takes the primary down with it.
import { moltError, type ChatEvent, type ModelProvider } from "../contracts/index.ts";
import { anthropicProvider } from "./anthropic.ts";
import { CONFIG_FILE, DEFAULTS, type ProviderName, type ProviderRuntimeOptions, type ProvidersConfig } from "./config.ts";
import type { DrivePolicy } from "./drive.ts";
import { withFallback } from "./failover.ts";
import { ollamaProvider } from "./ollama.ts";
import { openaiProvider } from "./openai.ts";

export type { ProviderName, ProviderRuntimeOptions, ProvidersConfig } from "./config.ts";
export { providerStatus, type ProviderStatus, type ProvidersStatus } from "./status.ts";

export function createProvider(cfg: ProvidersConfig, opts: ProviderRuntimeOptions = {}): ModelProvider {
  const policy: DrivePolicy = {
    timeoutMs: cfg.timeout_ms ?? DEFAULTS.timeoutMs,
    retries: cfg.retries ?? DEFAULTS.retries,
    backoffBaseMs: opts.backoffBaseMs ?? DEFAULTS.backoffBaseMs,
    maxRetryDelayMs: opts.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs,
    ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
  };
  const names = [...new Set([cfg.ai_provider ?? "ollama", ...(cfg.fallback ?? [])])];
  return withFallback(names.map((name) => single(name, cfg, policy)), opts.onFallback);
}

function single(name: ProviderName, cfg: ProvidersConfig, policy: DrivePolicy): ModelProvider {
  switch (name) {
    case "anthropic":
      return cfg.anthropic?.api_key ? anthropicProvider(cfg.anthropic, policy) : missing(name, `anthropic: { model: claude-sonnet-4-20250514, api_key: "\${ANTHROPIC_API_KEY}" }`);
    case "openai":
      return cfg.openai?.api_key ? openaiProvider(cfg.openai, policy) : missing(name, `openai: { model: gpt-4o, api_key: "\${OPENAI_API_KEY}" }`);
    case "ollama":
      return ollamaProvider(cfg.ollama ?? DEFAULTS.ollama, policy);
    default:
      return missing(name, "ai_provider: ollama (or anthropic, openai)");
  }
}

function missing(name: string, example: string): ModelProvider {
  return {
    name,
    async *chat(): AsyncGenerator<ChatEvent> {
      yield { type: "error", error: moltError("invalid_config", `${name} is selected but ${CONFIG_FILE} has no ${name} section with an api_key`, `add ${example} to ${CONFIG_FILE}`, { provider: name }) };
    },
  };
}
