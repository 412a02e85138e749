// The Bot API methods the fake answers, as plain functions over its state: each returns the
// `result` or a Bot API error (`{error_code, description}`), with Telegram's own checks where a
// real bot would notice them (HTML parsing, 4096 / 1024 limits, 64-byte callback data).
import { parseTelegramHtml } from "./html-check.ts";

export interface BotInfo { id: number; username: string; first_name: string }
export interface SentMessage { message_id: number; chat: { id: number; type: string }; from: Record<string, unknown>; date: number; text?: string; caption?: string; photo?: unknown[]; reply_markup?: unknown; edited?: boolean; parse_mode?: string; reply_to?: number; photoBytes?: Uint8Array }
export interface FakeState {
  bot: BotInfo;
  sent: SentMessage[];
  files: Map<string, { path: string; bytes: Uint8Array }>;
  answeredCallbacks: { id: string; text?: string }[];
  chatActions: { chat_id: unknown; action: unknown }[];
  webhook: { url: string; secret?: string } | null;
  messageSeq: number;
}
export type ApiError = { error_code: number; description: string; parameters?: Record<string, unknown> };
export type Params = Record<string, unknown>;
export type Upload = Map<string, Uint8Array>;

const bad = (description: string): ApiError => ({ error_code: 400, description: `Bad Request: ${description}` });
const chatOf = (id: unknown) => ({ id: Number(id), type: Number(id) < 0 ? "supergroup" : "private" });

function checkText(text: unknown, parseMode: unknown, limit: number, what: string): ApiError | string {
  if (typeof text !== "string" || text === "") return bad(`${what} must be non-empty`);
  let visible = text;
  if (parseMode === "HTML") {
    const r = parseTelegramHtml(text);
    if (!r.ok) return bad(`can't parse entities: ${r.error}`);
    visible = r.text;
  }
  if (visible.trim() === "") return bad(`${what} must be non-empty`);
  if (visible.length > limit) return bad(what === "message text" ? "message is too long" : "message caption is too long");
  return visible;
}

function checkMarkup(markup: unknown): ApiError | null {
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (markup === undefined) return null;
  if (!Array.isArray(rows)) return bad("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array");
  for (const row of rows) for (const b of row as { text?: unknown; callback_data?: unknown }[]) {
    if (typeof b.text !== "string" || !b.text) return bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    if (typeof b.callback_data !== "string" || new TextEncoder().encode(b.callback_data).length > 64) return bad("BUTTON_DATA_INVALID");
  }
  return null;
}

function replyTarget(p: Params): number | undefined {
  const rp = p.reply_parameters as { message_id?: unknown } | undefined;
  const id = rp?.message_id ?? p.reply_to_message_id;
  return id === undefined ? undefined : Number(id);
}

export function callMethod(s: FakeState, method: string, p: Params, uploads: Upload): unknown | ApiError {
  const botUser = { id: s.bot.id, is_bot: true, first_name: s.bot.first_name, username: s.bot.username };
  const message = (extra: Partial<SentMessage>): SentMessage => {
    const m: SentMessage = { message_id: ++s.messageSeq, chat: chatOf(p.chat_id), from: botUser, date: Math.floor(Date.now() / 1000), ...extra };
    s.sent.push(m);
    return m;
  };
  const strip = ({ photoBytes: _b, edited: _e, parse_mode: _p, reply_to: _r, ...m }: SentMessage) => m;
  switch (method) {
    case "getMe":
      return { ...botUser, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
    case "setWebhook":
      if (typeof p.url !== "string") return bad("url is required");
      s.webhook = p.url === "" ? null : { url: p.url, ...(typeof p.secret_token === "string" ? { secret: p.secret_token } : {}) };
      return true;
    case "deleteWebhook":
      s.webhook = null;
      return true;
    case "getWebhookInfo":
      return { url: s.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: 0 };
    case "sendMessage": {
      const text = checkText(p.text, p.parse_mode, 4096, "message text");
      if (typeof text !== "string") return text;
      const markupErr = checkMarkup(p.reply_markup);
      if (markupErr) return markupErr;
      const to = replyTarget(p);
      return strip(message({ text: p.text as string, parse_mode: p.parse_mode as string, ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}), ...(to ? { reply_to: to } : {}) }));
    }
    case "sendPhoto": {
      const ref = typeof p.photo === "string" && p.photo.startsWith("attach://") ? p.photo.slice(9) : null;
      const bytes = ref ? uploads.get(ref) : undefined;
      if (!bytes) return bad("there is no photo in the request");
      if (p.caption !== undefined) {
        const c = checkText(p.caption, p.parse_mode, 1024, "caption");
        if (typeof c !== "string") return c;
      }
      const markupErr = checkMarkup(p.reply_markup);
      if (markupErr) return markupErr;
      const photo = [{ file_id: `sent-${s.messageSeq + 1}`, file_unique_id: `su-${s.messageSeq + 1}`, width: 800, height: 600, file_size: bytes.length }];
      return strip(message({ photo, photoBytes: bytes, ...(p.caption ? { caption: p.caption as string } : {}), ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}) }));
    }
    case "editMessageText": {
      const m = s.sent.find((x) => x.message_id === Number(p.message_id) && x.chat.id === Number(p.chat_id));
      if (!m) return bad("message to edit not found");
      const text = checkText(p.text, p.parse_mode, 4096, "message text");
      if (typeof text !== "string") return text;
      if (m.text === p.text && JSON.stringify(m.reply_markup) === JSON.stringify(p.reply_markup)) return bad("message is not modified");
      m.text = p.text as string;
      m.edited = true;
      if (p.reply_markup) m.reply_markup = p.reply_markup;
      else delete m.reply_markup;
      return strip(m);
    }
    case "answerCallbackQuery":
      if (typeof p.callback_query_id !== "string") return bad("query_id is required");
      s.answeredCallbacks.push({ id: p.callback_query_id, ...(typeof p.text === "string" ? { text: p.text } : {}) });
      return true;
    case "sendChatAction":
      s.chatActions.push({ chat_id: p.chat_id, action: p.action });
      return true;
    case "getFile": {
      const f = s.files.get(String(p.file_id));
      if (!f) return bad("invalid file_id");
      return { file_id: p.file_id, file_unique_id: `u-${p.file_id}`, file_size: f.bytes.length, file_path: f.path };
    }
    default:
      return { error_code: 404, description: "Not Found" };
  }
}
