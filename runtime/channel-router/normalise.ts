// The first pipeline step: a plugin's event checked for shape before anything trusts it. The
// channel name is the plugin's (a plugin cannot speak for another channel); text is trimmed.
import type { InboundAction, InboundMessage } from "../contracts/channel.ts";

const str = (v: unknown): v is string => typeof v === "string" && v !== "";

export function normalise(channel: string, m: InboundMessage): InboundMessage | null {
  if (!m || typeof m !== "object" || !str(m.chatId) || !str(m.userId) || typeof m.text !== "string") return null;
  const out: InboundMessage = {
    ...m,
    channel,
    text: m.text.trim(),
    isGroup: m.isGroup === true,
    mentioned: m.mentioned === true,
    replyToBot: m.replyToBot === true,
    receivedAt: m.receivedAt instanceof Date ? m.receivedAt : new Date(),
  };
  if (m.id !== undefined && !str(m.id)) delete out.id;
  if (m.attachments !== undefined && !Array.isArray(m.attachments)) delete out.attachments;
  return out;
}

export function normaliseAction(channel: string, a: InboundAction): InboundAction | null {
  if (!a || typeof a !== "object" || !str(a.chatId) || !str(a.userId) || !str(a.actionId)) return null;
  return { ...a, channel };
}
