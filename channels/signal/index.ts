// Public surface of channels/signal: a client of a running signal-cli daemon (HTTP JSON-RPC + SSE).
import { SignalChannel, type SignalChannelOptions } from "./signal-channel.ts";

export { SignalChannel, type SignalChannelOptions };
export { parseSignalConfig, type SignalConfig } from "./config.ts";
export { renderBlocks } from "./render.ts";

/** The plugin runtime/main.ts wires in when `channels.signal` is configured. */
export const createChannel = (opts: SignalChannelOptions = {}): SignalChannel => new SignalChannel(opts);
export const createSignalChannel = createChannel;
