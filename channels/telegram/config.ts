// The `channels.telegram` block as the plugin reads it. runtime/config validates the file; this
// parse guards the plugin's own edge (a caller may hand it anything) and names the field at fault.
import { z } from "zod";
import { MoltFailure, moltError } from "../../runtime/contracts/errors.ts";

const schema = z.object({
  token: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, "a bot token from @BotFather, like 123456:ABC-def"),
  api_root: z.string().url().default("https://api.telegram.org"),
  webhook_url: z.string().url().optional(),
  webhook_host: z.string().min(1).default("127.0.0.1"),
  webhook_port: z.number().int().min(1).max(65535).default(8443),
  webhook_secret: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "1-256 characters A-Z a-z 0-9 _ -").optional(),
});

export type TelegramConfig = z.infer<typeof schema>;

export function parseConfig(raw: unknown): TelegramConfig {
  // `dm` and `allow` belong to the router; the plugin ignores them rather than rejecting them.
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    // Never echo the value: it may be the token or the webhook secret.
    throw new MoltFailure(moltError("invalid_config", `channels.telegram.${issue?.path.join(".") || "(block)"}: ${issue?.message ?? "invalid"}`, "see docs/channels/telegram.md"));
  }
  // grammy refuses an apiRoot with a trailing slash.
  return { ...r.data, api_root: r.data.api_root.replace(/\/+$/, "") };
}
