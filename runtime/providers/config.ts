// The providers' part of config.yaml (DESIGN §7) as plain data. The config loader validates
// and fills it; createProvider only reads it, so a test can build one by hand.

export type ProviderName = "anthropic" | "openai" | "ollama";

export interface ProvidersConfig {
  ai_provider: ProviderName;
  anthropic?: { model: string; api_key: string; max_tokens?: number; base_url?: string };
  openai?: { model: string; api_key: string; base_url?: string; max_tokens?: number };
  ollama?: { model: string; base_url?: string };
  /** Tried in order when the primary fails before answering anything. */
  fallback?: ProviderName[];
  /** No byte from the server for this long (connecting, first token, between chunks) → timeout. */
  timeout_ms?: number;
  /** Extra attempts after a 429, 5xx or connection error. */
  retries?: number;
}

/** Knobs that are not user config: observers for logs, and shorter waits for tests. */
export interface ProviderRuntimeOptions {
  /** First backoff step; doubles per attempt (plus jitter). Default 500 ms. */
  backoffBaseMs?: number;
  /** Longest wait a Retry-After header may ask for. Default 30 s. */
  maxRetryDelayMs?: number;
  onRetry?(info: { provider: ProviderName; attempt: number; delayMs: number; reason: string }): void;
  onFallback?(info: { from: ProviderName; to: ProviderName; reason: string }): void;
}

export const DEFAULTS = {
  timeoutMs: 120_000,
  retries: 3,
  backoffBaseMs: 500,
  maxRetryDelayMs: 30_000,
  anthropic: { base_url: "https://api.anthropic.com", max_tokens: 4096 },
  openai: { base_url: "https://api.openai.com/v1" },
  ollama: { model: "llama3.2", base_url: "http://localhost:11434" },
} as const;

/** Where the user fixes provider settings; named in every hint. */
export const CONFIG_FILE = "~/.moltbot/config.yaml";
