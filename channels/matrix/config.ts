// The `channels.matrix` block as the plugin reads it. runtime/config validates the file; this
// parse guards the plugin's own edge (a caller may hand it anything) and names the field at fault.
import { z } from "zod";
import { MoltFailure, moltError } from "../../runtime/contracts/errors.ts";

const schema = z.object({
  homeserver: z.string().url(),
  user_id: z.string().regex(/^@[^:]+:.+$/, "a Matrix id like @bot:example.org"),
  access_token: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  dm: z.enum(["pairing", "allowlist", "open"]).default("pairing"),
  allow: z.array(z.string()).default([]),
});

export type MatrixConfig = z.infer<typeof schema>;

export function parseConfig(raw: unknown): MatrixConfig {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    // Never echo the value: it may be the access token or password.
    throw new MoltFailure(moltError("invalid_config", `channels.matrix.${issue?.path.join(".") || "(block)"}: ${issue?.message ?? "invalid"}`, "see docs/channels/matrix.md"));
  }
  if (!r.data.access_token && !r.data.password) {
    throw new MoltFailure(moltError("invalid_config", "channels.matrix: needs access_token or password", "set access_token: \"${MATRIX_TOKEN}\" (or password) in config.yaml"));
  }
  return r.data;
}

/** Whether to accept an invite (DESIGN §8): the router still gates every message after. */
export function acceptInvite(cfg: Pick<MatrixConfig, "dm" | "allow">, inviter: string, isDirect: boolean): boolean {
  const allowed = cfg.allow.includes(inviter) || cfg.allow.includes(`matrix:${inviter}`);
  if (cfg.dm === "allowlist") return allowed;
  if (isDirect) return true;
  // Group rooms: anyone under `open`; under `pairing` only listed users, so strangers cannot
  // pull the bot into rooms it would then have to sit in.
  return cfg.dm === "open" || allowed;
}
