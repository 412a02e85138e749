// Public surface of channels/telegram.
export { TelegramChannel, type TelegramOptions } from "./telegram-channel.ts";
export { parseConfig, type TelegramConfig } from "./config.ts";
export { renderHtml, renderChunks, escapeHtml } from "./render.ts";
