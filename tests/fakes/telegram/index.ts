export { startFakeTelegram, type Call, type FakeTelegram } from "./fake-bot-api.ts";
export { callbackQuery, groupText, photo, reply, textDm, user, type TgUser, type UpdateBody } from "./updates.ts";
export { parseTelegramHtml } from "./html-check.ts";
export type { SentMessage } from "./bot-methods.ts";
