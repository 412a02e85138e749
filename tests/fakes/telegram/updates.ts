// Builders for the Update objects a test injects, shaped as the Bot API sends them
// (https://core.telegram.org/bots/api#update). Ids and dates are filled in by the fake.
export interface TgUser { id: number; is_bot: boolean; first_name: string; username?: string }
export type UpdateBody = Record<string, unknown>;

export const user = (id: number, first_name = `User${id}`, username?: string): TgUser =>
  ({ id, is_bot: false, first_name, ...(username ? { username } : {}) });

let messageSeq = 1000;
const nextMessageId = () => ++messageSeq;
const now = () => Math.floor(Date.now() / 1000);
const dm = (from: TgUser) => ({ id: from.id, type: "private", first_name: from.first_name });
const group = (chatId: number) => ({ id: chatId, type: "supergroup", title: "Test group" });

/** A direct message from `from`. */
export function textDm(from: TgUser, text: string, extra: Record<string, unknown> = {}): UpdateBody {
  return { message: { message_id: nextMessageId(), date: now(), chat: dm(from), from, text, ...extra } };
}

/** A group message; `mention` adds a `mention` entity for `@botUsername` at the start of the text. */
export function groupText(chatId: number, from: TgUser, text: string, opts: { mention?: string; extra?: Record<string, unknown> } = {}): UpdateBody {
  const body = opts.mention ? `@${opts.mention} ${text}` : text;
  const entities = opts.mention ? [{ type: "mention", offset: 0, length: opts.mention.length + 1 }] : undefined;
  return { message: { message_id: nextMessageId(), date: now(), chat: group(chatId), from, text: body, ...(entities ? { entities } : {}), ...opts.extra } };
}

/** A message replying to `replied` (a message object, e.g. one the bot sent). */
export function reply(chatId: number, from: TgUser, text: string, replied: Record<string, unknown>): UpdateBody {
  const chat = chatId === from.id ? dm(from) : group(chatId);
  return { message: { message_id: nextMessageId(), date: now(), chat, from, text, reply_to_message: replied } };
}

/** A button press on `message` (a message the bot sent with an inline keyboard). */
export function callbackQuery(from: TgUser, message: Record<string, unknown>, data: string): UpdateBody {
  return { callback_query: { id: `cbq-${nextMessageId()}`, from, message, chat_instance: "ci-1", data } };
}

/** A photo message; `fileId` from `fake.addFile(bytes)`. */
export function photo(from: TgUser, fileId: string, caption?: string, chatId = from.id): UpdateBody {
  const chat = chatId === from.id ? dm(from) : group(chatId);
  const sizes = [
    { file_id: `${fileId}-thumb`, file_unique_id: `u-${fileId}-t`, width: 90, height: 90, file_size: 10 },
    { file_id: fileId, file_unique_id: `u-${fileId}`, width: 800, height: 600, file_size: 1000 },
  ];
  return { message: { message_id: nextMessageId(), date: now(), chat, from, photo: sizes, ...(caption ? { caption } : {}) } };
}
