// channels.whatsapp as this channel reads it; dm/allow belong to the router and pass through.
import { z } from "zod";
import type { ChannelConfig } from "../../runtime/contracts/channel.ts";
import { fail } from "../../runtime/contracts/errors.ts";

const schema = z.object({
  auth_dir: z.string().min(1).optional(),
  phone: z.string().regex(/^\+?\d{7,15}$/, "a phone number in international format, digits only, like 15550001111").optional(),
}).passthrough();

export interface WhatsAppConfig {
  authDir?: string;
  /** Digits only; set → log in with a pairing code instead of a QR code. */
  phone?: string;
}

export function parseConfig(raw: ChannelConfig): WhatsAppConfig {
  const r = schema.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = ["channels", "whatsapp", ...(issue?.path ?? [])].join(".");
    return fail("invalid_config", `${path}: ${issue?.message ?? "invalid"}`, "fix it in config.yaml");
  }
  const out: WhatsAppConfig = {};
  if (r.data.auth_dir) out.authDir = r.data.auth_dir;
  if (r.data.phone) out.phone = r.data.phone.replace(/^\+/, "");
  return out;
}
