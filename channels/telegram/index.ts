// Public surface of channels/telegram.
import { TelegramChannel, type TelegramOptions } from "./telegram-channel.ts";

export { TelegramChannel, type TelegramOptions };
export { parseConfig, type TelegramConfig } from "./config.ts";
export { renderHtml, renderChunks, escapeHtml } from "./render.ts";

/** The plugin runtime/main.ts wires in when `channels.telegram` is configured. */
export const createChannel = (opts: TelegramOptions = {}): TelegramChannel => new TelegramChannel(opts);
export const createTelegramChannel = createChannel;
