// channels/whatsapp: a linked device on the user's WhatsApp number, via baileys.
export { WhatsAppChannel, createWhatsAppChannel, type WhatsAppOptions } from "./plugin.ts";
export type { SocketFactory, SocketOptions, WaSocket } from "./socket.ts";
export type { BackoffOptions } from "./backoff.ts";
/** The name runtime/main.ts looks for first (see runtime/channel-router/plugin-from.ts). */
export { createWhatsAppChannel as createChannel } from "./plugin.ts";
