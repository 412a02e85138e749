// config.yaml (DESIGN §7), validated strictly: an unknown key is a typo until proven otherwise.
import { z } from "zod";

const dmPolicy = z.enum(["pairing", "allowlist", "open"]);
const allowList = z.array(z.string().min(1)).default([]);
const url = z.string().url();

const provider = {
  anthropic: z.object({ model: z.string().min(1).default("claude-sonnet-4-20250514"), api_key: z.string().min(1), max_tokens: z.number().int().positive().default(4096), base_url: url.optional() }).strict(),
  openai: z.object({ model: z.string().min(1).default("gpt-4o"), api_key: z.string().min(1), base_url: url.optional(), max_tokens: z.number().int().positive().optional() }).strict(),
  ollama: z.object({ model: z.string().min(1).default("llama3.2"), base_url: url.default("http://localhost:11434") }).strict(),
};

const channels = z.object({
  telegram: z.object({ token: z.string().min(1), api_root: url.default("https://api.telegram.org"), webhook_url: url.optional(), webhook_host: z.string().min(1).default("127.0.0.1"), webhook_port: z.number().int().min(1).max(65535).default(8443), webhook_secret: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "1-256 characters A-Z a-z 0-9 _ -").optional(), dm: dmPolicy.default("pairing"), allow: allowList }).strict().optional(),
  matrix: z.object({ homeserver: url, user_id: z.string().regex(/^@[^:]+:.+$/, "a Matrix id like @bot:example.org"), access_token: z.string().min(1).optional(), password: z.string().min(1).optional(), dm: dmPolicy.default("pairing"), allow: allowList }).strict().optional(),
  signal: z.object({ url: url.default("http://127.0.0.1:8080"), account: z.string().min(1), dm: dmPolicy.default("pairing"), allow: allowList }).strict().optional(),
  whatsapp: z.object({ auth_dir: z.string().min(1).optional(), phone: z.string().regex(/^\+?\d{7,15}$/, "a phone number in international format, digits only, like 15550001111").optional(), dm: dmPolicy.default("pairing"), allow: allowList }).strict().optional(),
}).strict();

const mailServer = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  secure: z.boolean().default(true),
  user: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
}).strict();

export const configSchema = z.object({
  ai_provider: z.enum(["anthropic", "openai", "ollama"]).default("ollama"),
  fallback: z.array(z.enum(["anthropic", "openai", "ollama"])).default([]),
  /** Per-request idle timeout and retries on 429/5xx for model providers. */
  timeout_ms: z.number().int().min(1000).max(3_600_000).optional(),
  retries: z.number().int().min(0).max(10).optional(),
  anthropic: provider.anthropic.optional(),
  openai: provider.openai.optional(),
  ollama: provider.ollama.default({ model: "llama3.2", base_url: "http://localhost:11434" }),
  gateway: z.object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(18789),
    token: z.string().min(1).optional(),
  }).strict().default({ host: "127.0.0.1", port: 18789 }),
  channels: channels.default({}),
  mail: z.object({ imap: mailServer.optional(), smtp: mailServer.extend({ from: z.string().min(3).optional() }).strict().optional() }).strict().optional(),
  credentials: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), z.object({ value: z.string().min(1), host: z.string().min(1).optional() }).strict()).default({}),
  camera: z.object({ device: z.string().min(1).default("/dev/video0") }).strict().optional(),
  agent: z.object({
    max_steps: z.number().int().min(1).max(100).default(8),
    guard: z.object({ enabled: z.boolean().default(true), untrusted: z.array(z.string()).optional(), side_effects: z.array(z.string()).optional() }).strict().optional(),
  }).strict().default({ max_steps: 8 }),
  /** Identities allowed to answer any approval (besides the requester), e.g. telegram:123. */
  owners: z.array(z.string().min(1)).default([]),
}).strict();

export type Config = z.infer<typeof configSchema>;

/** The keys a mapping at `path` may have, for "unknown key" messages. */
export function configKeysAt(path: readonly PropertyKey[]): string[] {
  let node: unknown = configSchema;
  for (const step of path) {
    node = unwrap(node);
    const def = (node as { _zod?: { def?: { type?: string; shape?: Record<string, unknown>; valueType?: unknown } } })._zod?.def;
    if (def?.type === "object" && def.shape && typeof step === "string") node = def.shape[step];
    else if (def?.type === "record") node = def.valueType;
    else return [];
  }
  const def = (unwrap(node) as { _zod?: { def?: { type?: string; shape?: Record<string, unknown> } } })._zod?.def;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(node: unknown): unknown {
  let n = node as { _zod?: { def?: { type?: string; innerType?: unknown } } } | undefined;
  while (n?._zod?.def && ["optional", "default", "nullable", "prefault"].includes(n._zod.def.type ?? "")) {
    n = n._zod.def.innerType as typeof n;
  }
  return n;
}
