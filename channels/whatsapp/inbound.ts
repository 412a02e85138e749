// One baileys message → the contract's InboundMessage. Pure: media bytes are fetched by the
// caller. Anything we cannot read is reported as a skip with a reason that holds no content.
import { isJidBroadcast, isJidNewsletter, isJidStatusBroadcast, normalizeMessageContent, type WAMessage, type proto } from "baileys";
import type { InboundMessage } from "../../runtime/contracts/channel.ts";
import { isBot, isGroupJid, senderJid, userOf } from "./jid.ts";
import { botMention } from "./mention.ts";

export type Parsed =
  | { ok: true; message: InboundMessage; image?: proto.Message.IImageMessage }
  | { ok: false; reason: string; malformed: boolean };

const skip = (reason: string, malformed = false): Parsed => ({ ok: false, reason, malformed });

function timestampOf(m: WAMessage): Date {
  const t = Number(m.messageTimestamp ?? 0); // number, numeric string or protobuf Long
  return Number.isFinite(t) && t > 0 ? new Date(t * 1000) : new Date();
}

export function parseInbound(m: WAMessage, bot: Set<string>, channel = "whatsapp"): Parsed {
  if (!m || typeof m !== "object" || !m.key || typeof m.key !== "object") return skip("no message key", true);
  const { key } = m;
  const chatId = key.remoteJid;
  if (typeof chatId !== "string" || !chatId.includes("@")) return skip("no chat id", true);
  if (key.fromMe) return skip("own message");
  if (isJidStatusBroadcast(chatId) || isJidBroadcast(chatId) || isJidNewsletter(chatId)) return skip("status, broadcast or channel post");
  if (typeof key.id !== "string" || !key.id) return skip("no message id", true);
  if (m.message !== undefined && m.message !== null && typeof m.message !== "object") return skip("message is not an object", true);

  const content = normalizeMessageContent(m.message);
  if (!content) return skip("no content (stub or protocol message)");
  const ext = content.extendedTextMessage;
  const image = content.imageMessage ?? undefined;
  const text = content.conversation ?? ext?.text ?? image?.caption ?? "";
  if (typeof text !== "string") return skip("text is not a string", true);
  if (!text && !image) return skip("neither text nor image");

  const from = senderJid(key);
  const userId = from ? userOf(from) : undefined;
  if (!userId) return skip("no sender", true);

  const ctx = ext?.contextInfo ?? image?.contextInfo ?? undefined;
  const { text: addressed, mentioned } = botMention(text, Array.isArray(ctx?.mentionedJid) ? ctx.mentionedJid : [], bot);
  const replyToBot = isBot(ctx?.participant, bot);
  const message: InboundMessage = {
    channel,
    chatId,
    userId,
    id: key.id,
    text: addressed,
    isGroup: isGroupJid(chatId),
    mentioned,
    receivedAt: timestampOf(m),
  };
  if (typeof m.pushName === "string" && m.pushName) message.displayName = m.pushName;
  if (replyToBot) {
    message.replyToBot = true;
    if (ctx?.stanzaId) message.replyTo = ctx.stanzaId;
  }
  return image ? { ok: true, message, image } : { ok: true, message };
}
