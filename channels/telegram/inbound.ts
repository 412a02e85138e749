// A Bot API Update → what the router understands: a message (with the photo to download, if
// any), a button press, something to ignore (stickers, joins, edits), or malformed (logged and
// skipped). Shapes are checked here, at the edge; nothing past this trusts the payload.
import type { InboundAction, InboundMessage } from "../../runtime/contracts/channel.ts";

export interface BotIdentity { id: number; username: string }
export type Parsed =
  | { kind: "message"; message: InboundMessage; photoFileId?: string }
  | { kind: "action"; action: InboundAction; callbackId: string }
  | { kind: "ignore" }
  | { kind: "malformed"; why: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);

/** The update_id when the update has one; every other check happens in `parseUpdate`. */
export const updateIdOf = (u: unknown): number | null => (isObj(u) && isInt(u.update_id) ? u.update_id : null);

export function parseUpdate(u: unknown, bot: BotIdentity, resolveAction: (data: string) => string = (d) => d): Parsed {
  if (!isObj(u)) return { kind: "malformed", why: "not an object" };
  if (isObj(u.message)) return parseMessage(u.message, bot);
  if (isObj(u.callback_query)) return parseCallback(u.callback_query, resolveAction);
  if ("message" in u || "callback_query" in u) return { kind: "malformed", why: "message or callback_query is not an object" };
  return { kind: "ignore" }; // edited_message, channel_post, my_chat_member, ...
}

function parseMessage(m: Obj, bot: BotIdentity): Parsed {
  const chat = m.chat;
  const from = m.from;
  if (!isInt(m.message_id) || !isObj(chat) || !isInt(chat.id) || typeof chat.type !== "string") return { kind: "malformed", why: "message without message_id or chat" };
  if (!isObj(from)) return { kind: "ignore" }; // anonymous channel posts have no sender
  if (!isInt(from.id)) return { kind: "malformed", why: "message.from without an id" };
  const raw = typeof m.text === "string" ? m.text : typeof m.caption === "string" ? m.caption : "";
  const photoFileId = largestPhoto(m.photo);
  if (!raw && !photoFileId) return { kind: "ignore" };
  const entities = Array.isArray(m.entities) ? m.entities : Array.isArray(m.caption_entities) ? m.caption_entities : [];
  const { text, mentioned } = mentions(raw, entities, bot);
  const replied = isObj(m.reply_to_message) ? m.reply_to_message : null;
  const replyToBot = !!replied && isObj(replied.from) && replied.from.id === bot.id;
  const message: InboundMessage = {
    channel: "telegram",
    chatId: String(chat.id),
    userId: String(from.id),
    id: `${chat.id}:${m.message_id}`,
    text,
    isGroup: chat.type !== "private",
    mentioned,
    receivedAt: isInt(m.date) ? new Date(m.date * 1000) : new Date(),
  };
  const name = displayName(from);
  if (name) message.displayName = name;
  if (replyToBot && replied && isInt(replied.message_id)) {
    message.replyToBot = true;
    message.replyTo = `${chat.id}:${replied.message_id}`;
  }
  return photoFileId ? { kind: "message", message, photoFileId } : { kind: "message", message };
}

/**
 * Mentioned: a `mention` entity naming the bot's @username, a `text_mention` of the bot's id,
 * or a `/command@botname`. The bot's own @username is cut from the text the model sees.
 */
function mentions(text: string, entities: unknown[], bot: BotIdentity): { text: string; mentioned: boolean } {
  const handle = `@${bot.username}`.toLowerCase();
  let mentioned = false;
  const cuts: [number, number][] = [];
  for (const e of entities) {
    if (!isObj(e) || !isInt(e.offset) || !isInt(e.length)) continue;
    const slice = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === "mention" && slice === handle) { mentioned = true; cuts.push([e.offset, e.offset + e.length]); }
    else if (e.type === "text_mention" && isObj(e.user) && e.user.id === bot.id) mentioned = true;
    else if (e.type === "bot_command" && slice.endsWith(handle)) mentioned = true;
  }
  let out = text;
  for (const [a, b] of cuts.sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + out.slice(b);
  return { text: cuts.length ? out.replace(/[ \t]{2,}/g, " ").trim() : text, mentioned };
}

function largestPhoto(p: unknown): string | undefined {
  if (!Array.isArray(p) || !p.length) return undefined;
  const last = p[p.length - 1]; // Telegram lists sizes smallest first
  return isObj(last) && typeof last.file_id === "string" ? last.file_id : undefined;
}

function displayName(from: Obj): string | undefined {
  const full = [from.first_name, from.last_name].filter((x) => typeof x === "string" && x).join(" ");
  return full || (typeof from.username === "string" ? from.username : undefined);
}

function parseCallback(q: Obj, resolveAction: (data: string) => string): Parsed {
  const msg = q.message;
  if (typeof q.id !== "string" || !isObj(q.from) || !isInt(q.from.id)) return { kind: "malformed", why: "callback_query without id or from" };
  if (typeof q.data !== "string" || !isObj(msg) || !isObj(msg.chat) || !isInt(msg.chat.id)) return { kind: "malformed", why: "callback_query without data or message" };
  const action: InboundAction = { channel: "telegram", chatId: String(msg.chat.id), userId: String(q.from.id), actionId: resolveAction(q.data) };
  if (isInt(msg.message_id)) action.messageId = `${msg.chat.id}:${msg.message_id}`;
  return { kind: "action", action, callbackId: q.id };
}
