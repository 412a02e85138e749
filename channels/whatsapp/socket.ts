// The part of a baileys socket this channel uses, so tests can hand in a stand-in built on
// baileys' own event buffer and message builder; the default is the real `makeWASocket`.
import {
  Browsers, makeCacheableSignalKeyStore, makeWASocket,
  type AnyMessageContent, type AuthenticationState, type BaileysEventMap, type MiscMessageGenerationOptions,
  type WAMessage, type WAMessageKey, type WAPresence, type proto,
} from "baileys";

export interface WaLogger {
  level: string;
  child(obj: Record<string, unknown>): WaLogger;
  trace(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface WaSocket {
  ev: { process(handler: (events: Partial<BaileysEventMap>) => void | Promise<void>): () => void };
  user?: { id: string; lid?: string } | undefined;
  sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void>;
  requestPairingCode(phone: string): Promise<string>;
  updateMediaMessage(message: WAMessage): Promise<WAMessage>;
  end(error: Error | undefined): void;
}

export interface SocketOptions {
  auth: AuthenticationState;
  logger: WaLogger;
  /** Baileys asks for a sent message when a recipient could not decrypt it and wants a resend. */
  getMessage(key: WAMessageKey): Promise<proto.IMessage | undefined>;
}

export type SocketFactory = (opts: SocketOptions) => WaSocket;

/** Baileys' real socket; `url` replaces WhatsApp's WebSocket endpoint (tests only). */
export const realSocketFactory = (url?: string): SocketFactory => ({ auth, logger, getMessage }) =>
  makeWASocket({
    ...(url ? { waWebSocketUrl: url } : {}),
    auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
    logger,
    browser: Browsers.macOS("Desktop"),
    markOnlineOnConnect: false, // keep the phone getting notifications
    syncFullHistory: false,
    getMessage,
  }) as unknown as WaSocket;

/**
 * Baileys logs whole stanzas and key material at debug level: we pass on only the message
 * string of warnings and errors, never the object beside it.
 */
export function quietLogger(log: (level: "warn" | "error", message: string) => void): WaLogger {
  const noop = () => {};
  const say = (level: "warn" | "error") => (obj: unknown, msg?: string) => {
    const text = typeof msg === "string" ? msg : typeof obj === "string" ? obj : undefined;
    if (text) log(level, `whatsapp (baileys): ${text.slice(0, 200)}`);
  };
  const logger: WaLogger = {
    level: "warn",
    child: () => logger,
    trace: noop, debug: noop, info: noop,
    warn: say("warn"), error: say("error"),
  };
  return logger;
}
