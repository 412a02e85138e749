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
  camera: z.object({ device: z.string().min(1).optional() }).strict().optional(),
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
  const def = defOf(schemaAt(path));
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** The type the schema wants at `path` ("number", "boolean", "string", "enum", ...), if any. */
export function configTypeAt(path: readonly PropertyKey[]): string | undefined {
  return defOf(schemaAt(path))?.type;
}

interface Def {
  type?: string;
  shape?: Record<string, unknown>;
  valueType?: unknown;
  element?: unknown;
  innerType?: unknown;
}

const defOf = (node: unknown): Def | undefined => (node as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** The schema (optional, default... unwrapped) of the value at `path`; undefined when none. */
function schemaAt(path: readonly PropertyKey[]): unknown {
  let node: unknown = configSchema;
  for (const step of path) {
    const def = defOf(unwrap(node));
    if (def?.type === "object" && def.shape && typeof step === "string") node = Object.hasOwn(def.shape, step) ? def.shape[step] : undefined;
    else if (def?.type === "record") node = def.valueType;
    else if (def?.type === "array" && typeof step === "number") node = def.element;
    else return undefined;
  }
  return unwrap(node);
}

function unwrap(node: unknown): unknown {
  let n = node;
  while (["optional", "default", "nullable", "prefault"].includes(defOf(n)?.type ?? "")) n = defOf(n)!.innerType;
  return n;
}
