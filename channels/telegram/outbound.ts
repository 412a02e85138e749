// A contract Message → Bot API calls: HTML text (split to the 4096 limit if it must be), the
// buttons as an inline keyboard on the last text message, images as photos (InputFile from
// bytes or a path). Button ids longer than Telegram's 64-byte callback_data are sent as a
// short hash and mapped back on the press (in memory: a restart forgets the long ones).
import { InputFile, type Api } from "grammy";
import type { Attachment, Message } from "../../runtime/contracts/channel.ts";
import { cutText, MAX_TEXT, renderChunks } from "./render.ts";

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };
export interface TextPart { text: string; html: boolean }

export class ButtonIds {
  readonly #long = new Map<string, string>();
  encode(id: string): string {
    if (new TextEncoder().encode(id).length <= 64) return id;
    const key = `h:${new Bun.CryptoHasher("sha256").update(id).digest("base64url").slice(0, 32)}`;
    this.#long.set(key, id);
    return key;
  }
  decode(data: string): string { return this.#long.get(data) ?? data; }
}

export function textParts(m: Message): TextPart[] {
  if (m.format === "markdown" && m.blocks?.length) return renderChunks(m.blocks).map((text) => ({ text, html: true }));
  return m.text.trim() ? cutText(m.text, MAX_TEXT, true).map((text) => ({ text, html: false })) : [];
}

export function keyboard(m: Message, ids: ButtonIds): Keyboard | undefined {
  if (!m.buttons?.length) return undefined;
  return { inline_keyboard: [m.buttons.map((b) => ({ text: b.label.slice(0, 64) || b.id, callback_data: ids.encode(b.id) }))] };
}

/** `<chat>:<message_id>` (our id form) or a bare message_id → the Bot API's message_id. */
export function messageIdOf(id: string): number | undefined {
  const n = Number(id.slice(id.lastIndexOf(":") + 1));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Sends `m` to `chatId`; returns the message_ids sent, in order. */
export async function sendMessage(api: Api, chatId: string, m: Message, ids: ButtonIds): Promise<number[]> {
  const sent: number[] = [];
  const markup = keyboard(m, ids);
  const parts = textParts(m);
  const images = (m.attachments ?? []).filter((a) => a.kind === "image" && (a.data || a.path));
  const replyTo = m.replyTo ? messageIdOf(m.replyTo) : undefined;
  const reply = () => (replyTo && !sent.length ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {});
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1 && !images.length;
    const r = await api.sendMessage(chatId, part.text, { ...(part.html ? { parse_mode: "HTML" as const } : {}), ...reply(), ...(last && markup ? { reply_markup: markup } : {}) });
    sent.push(r.message_id);
  }
  for (const [i, img] of images.entries()) {
    const last = i === images.length - 1;
    const r = await api.sendPhoto(chatId, inputFile(img), { ...reply(), ...(last && markup ? { reply_markup: markup } : {}) });
    sent.push(r.message_id);
  }
  return sent;
}

const inputFile = (a: Attachment): InputFile => (a.data ? new InputFile(a.data, a.name ?? "image") : new InputFile(a.path as string, a.name));
