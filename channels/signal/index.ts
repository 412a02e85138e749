// The Signal channel (a signal-cli daemon over HTTP JSON-RPC + SSE); runtime/main.ts wires it in.
export { SignalChannel, type SignalChannelOptions } from "./signal-channel.ts";
