// A quick health view for /health and `moltbot doctor`. Only Ollama is probed over the network
// (GET /api/tags, which also tells whether the model is pulled); the hosted providers are
// reported as configured or not, so a health check never spends tokens or leaks a key.
import { moltError, type MoltError } from "../contracts/index.ts";
import { CONFIG_FILE, DEFAULTS, type ProviderName, type ProvidersConfig } from "./config.ts";
import { shownUrl } from "./failure.ts";
import { ollamaEndpoint } from "./ollama.ts";
import { readCapped } from "./body-limits.ts";

const MAX_TAGS_BYTES = 1024 * 1024;

export interface ProviderStatus {
  provider: ProviderName;
  role: "primary" | "fallback";
  ok: boolean;
  model?: string;
  url?: string;
  /** One line for people: "reachable, model llama3.2 present", "configured (no network check)". */
  detail: string;
  error?: MoltError;
}

export interface ProvidersStatus {
  /** True when at least one provider in the chain looks usable. */
  ok: boolean;
  providers: ProviderStatus[];
}

export async function providerStatus(cfg: ProvidersConfig, opts: { timeoutMs?: number } = {}): Promise<ProvidersStatus> {
  const names = [...new Set([cfg.ai_provider ?? "ollama", ...(cfg.fallback ?? [])])];
  const providers = await Promise.all(names.map((name, i) => probe(name, i === 0 ? "primary" : "fallback", cfg, opts.timeoutMs ?? 2000)));
  return { ok: providers.some((p) => p.ok), providers };
}

async function probe(provider: ProviderName, role: ProviderStatus["role"], cfg: ProvidersConfig, timeoutMs: number): Promise<ProviderStatus> {
  if (provider === "ollama") return probeOllama(cfg.ollama ?? DEFAULTS.ollama, role, timeoutMs);
  const section = cfg[provider];
  const url = section?.base_url ?? DEFAULTS[provider].base_url;
  if (!section?.api_key) {
    const error = moltError("invalid_config", `${provider} has no api_key in ${CONFIG_FILE}`, `add ${provider}.api_key (e.g. "\${${provider.toUpperCase()}_API_KEY}")`);
    return { provider, role, ok: false, url, detail: error.message, error };
  }
  return { provider, role, ok: true, model: section.model, url: shownUrl(url), detail: `configured, model ${section.model} (not contacted)` };
}

async function probeOllama(cfg: NonNullable<ProvidersConfig["ollama"]>, role: ProviderStatus["role"], timeoutMs: number): Promise<ProviderStatus> {
  const endpoint = ollamaEndpoint(cfg);
  const url = shownUrl(endpoint.url);
  const base = { provider: "ollama" as const, role, model: cfg.model, url };
  let models: string[];
  try {
    const res = await fetch(`${endpoint.url.replace(/\/$/, "")}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`status ${res.status}`);
    // At most 1 MiB of model list (thousands of models): the server is not trusted to stop.
    const body = JSON.parse(new TextDecoder().decode(await readCapped(res.body ?? new ReadableStream(), MAX_TAGS_BYTES))) as { models?: { name?: string }[] };
    models = (body.models ?? []).map((m) => m.name ?? "");
  } catch {
    const error = endpoint.unreachable!(url);
    return { ...base, ok: false, detail: error.message, error };
  }
  const wanted = cfg.model.includes(":") ? [cfg.model] : [cfg.model, `${cfg.model}:latest`];
  if (!models.some((m) => wanted.includes(m))) {
    const error = moltError("not_found", `Ollama at ${url} is running but has no model '${cfg.model}'`, `run 'ollama pull ${cfg.model}', or set ollama.model in ${CONFIG_FILE}`);
    return { ...base, ok: false, detail: error.message, error };
  }
  return { ...base, ok: true, detail: `reachable, model ${cfg.model} present` };
}
