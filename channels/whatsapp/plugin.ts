// The WhatsApp ChannelPlugin: a linked device (like WhatsApp Web) on the user's own number.
// It only speaks WhatsApp — who may talk, sessions and commands are the router's business.
import type { BaileysEventMap, proto, WAMessage } from "baileys";
import type {
  ChannelConfig, ChannelContext, ChannelPlugin, InboundMessage, Message, MessageHandler,
} from "../../runtime/contracts/channel.ts";
import { fail } from "../../runtime/contracts/errors.ts";
import { loadAuthState, resolveAuthDir } from "./auth-state.ts";
import { DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.ts";
import { parseConfig } from "./config.ts";
import { WaConnection } from "./connection.ts";
import { parseInbound } from "./inbound.ts";
import { botJids } from "./jid.ts";
import { downloadImage, MediaRefused, type MediaUrlCheck } from "./media-download.ts";
import { buildContents, messageText } from "./outbound.ts";
import { Recent } from "./recent.ts";
import { SendQueue } from "./send-queue.ts";
import { realSocketFactory, type SocketFactory, type WaSocket } from "./socket.ts";

export interface WhatsAppOptions {
  /** Default: baileys' makeWASocket. Tests pass a stand-in built on baileys' own parts. */
  socketFactory?: SocketFactory;
  /** With the real socket: another WhatsApp WebSocket endpoint (tests point it at 127.0.0.1). */
  webSocketUrl?: string;
  backoff?: BackoffOptions;
  /** Pause after each message to one chat (default 400 ms): bursts get accounts banned. */
  sendGapMs?: number;
  /** How long a send waits for a reconnect before failing (default 30 s). */
  openTimeoutMs?: number;
  random?: () => number;
  /** Where inbound media may be fetched from. Default: https on WhatsApp's media hosts
   * (`*.whatsapp.net`); tests allow their local media server. */
  mediaUrlAllowed?: MediaUrlCheck;
}

export class WhatsAppChannel implements ChannelPlugin {
  readonly name = "whatsapp";
  /** WhatsApp takes ~65k characters, but long walls of text read badly on a phone. */
  readonly maxTextLength = 4000;
  private conn: WaConnection | undefined;
  private ctx: ChannelContext | undefined;
  private readonly handlers: MessageHandler[] = [];
  private readonly queue: SendQueue;
  private readonly received = new Recent<WAMessage>(2000);
  private readonly sent = new Recent<WAMessage>(500);

  constructor(private readonly opts: WhatsAppOptions = {}) {
    this.queue = new SendQueue(opts.sendGapMs ?? 400);
  }

  async connect(config: ChannelConfig, ctx: ChannelContext): Promise<void> {
    if (this.conn && this.conn.current.state !== "stopped") return;
    const cfg = parseConfig(config);
    const authDir = resolveAuthDir(cfg.authDir, ctx.stateDir);
    const auth = await loadAuthState(authDir);
    this.ctx = ctx;
    this.conn = new WaConnection({
      factory: this.opts.socketFactory ?? realSocketFactory(this.opts.webSocketUrl),
      auth, authDir, ...(cfg.phone ? { phone: cfg.phone } : {}),
      backoff: this.opts.backoff ?? DEFAULT_BACKOFF,
      random: this.opts.random ?? Math.random,
      log: ctx.log,
      getMessage: async (key) => (key.id ? this.sent.get(key.id)?.message ?? undefined : undefined),
      onUpsert: (upsert, sock) => this.onUpsert(upsert, sock),
    });
    this.conn.start();
  }

  onMessage(handler: MessageHandler): void {
    this.handlers.push(handler);
  }

  status(): { state: "connected" | "connecting" | "failed" | "stopped"; detail?: string } {
    return this.conn?.current ?? { state: "stopped" };
  }

  async send(chatId: string, message: Message): Promise<{ id: string }> {
    const conn = this.requireConn();
    // Queued before the first await, so a disconnect() right after still drains this send.
    return this.queue.run(chatId, async () => {
      const contents = await buildContents(message);
      if (contents.length === 0) fail("invalid_input", "whatsapp: nothing to send (no text, no attachments)");
      const sock = await conn.waitOpen(this.opts.openTimeoutMs ?? 30_000);
      const quoted = message.replyTo ? this.received.get(message.replyTo) : undefined;
      let first: string | undefined;
      for (const [i, content] of contents.entries()) {
        const sent = await sock.sendMessage(chatId, content, i === 0 && quoted ? { quoted } : undefined)
          .catch((e: unknown) => fail("channel_error", `whatsapp: sending failed (${reasonOf(e)})`, "check the connection status; the message was not sent"));
        const id = sent?.key.id;
        if (id && sent) this.sent.set(id, sent);
        first ??= id ?? undefined;
      }
      return { id: first ?? "" };
    });
  }

  async edit(chatId: string, messageId: string, message: Message): Promise<void> {
    const original = this.sent.get(messageId);
    if (!original) fail("not_found", `whatsapp: message ${messageId} is not one this gateway sent recently`);
    const conn = this.requireConn();
    await this.queue.run(chatId, async () => {
      const sock = await conn.waitOpen(this.opts.openTimeoutMs ?? 30_000);
      await sock.sendMessage(chatId, { text: messageText(message), edit: original.key })
        .catch((e: unknown) => fail("channel_error", `whatsapp: editing failed (${reasonOf(e)})`));
    });
  }

  async typing(chatId: string): Promise<void> {
    const sock = this.conn?.socket;
    if (!sock) return; // nothing to show while reconnecting
    await sock.sendPresenceUpdate("composing", chatId).catch((e: unknown) => this.ctx?.log("warn", `whatsapp: typing indicator failed (${reasonOf(e)})`));
  }

  async disconnect(): Promise<void> {
    const conn = this.conn;
    if (!conn || conn.current.state === "stopped") return;
    if (conn.current.state !== "connected") conn.rejectWaiters("disconnecting");
    await this.queue.drain();
    conn.stop();
  }

  private requireConn(): WaConnection {
    return this.conn ?? fail("channel_error", "whatsapp: send before connect", "call connect() first");
  }

  private onUpsert(upsert: BaileysEventMap["messages.upsert"], sock: WaSocket): void {
    // "append" is history synced from the phone, not something said to us now.
    if (upsert?.type !== "notify" || !Array.isArray(upsert.messages)) return;
    const bot = botJids(sock.user);
    for (const m of upsert.messages) {
      let parsed;
      try {
        parsed = parseInbound(m, bot);
      } catch {
        parsed = { ok: false as const, reason: "unreadable", malformed: true };
      }
      if (!parsed.ok) {
        if (parsed.malformed) this.ctx?.log("warn", `whatsapp: skipped a malformed message (${parsed.reason})`);
        continue;
      }
      const id = parsed.message.id!;
      if (this.received.has(id)) continue; // redelivered after a reconnect
      this.received.set(id, m);
      void this.deliver(parsed.message, parsed.image);
    }
  }

  // The image is the parser's, unwrapped from ephemeral / view-once envelopes, so its declared
  // size is the one that is checked. Any refusal or failure still passes the caption on.
  private async deliver(message: InboundMessage, image: proto.Message.IImageMessage | undefined): Promise<void> {
    if (image) {
      try {
        const data = await downloadImage(image, this.opts.mediaUrlAllowed ? { allowed: this.opts.mediaUrlAllowed } : {});
        message.attachments = [{ kind: "image", mime: image.mimetype ?? "image/jpeg", data }];
      } catch (e) {
        if (e instanceof MediaRefused) this.ctx?.log("warn", `whatsapp: ${e.message}; passing the text on`);
        else this.ctx?.log("warn", `whatsapp: could not download an image (${reasonOf(e)}); passing the text on`);
      }
    }
    for (const h of this.handlers) {
      try {
        await h(message);
      } catch (e) {
        this.ctx?.log("error", `whatsapp: message handler failed (${reasonOf(e)})`);
      }
    }
  }
}

/** A short, content-free reason: an error's class and status, never its data. */
function reasonOf(e: unknown): string {
  const status = (e as { output?: { statusCode?: number } })?.output?.statusCode;
  const name = e instanceof Error ? e.name : typeof e;
  const msg = e instanceof Error ? e.message.replace(/https?:\/\/\S+/g, "<url>").slice(0, 120) : "";
  return [name, status, msg].filter(Boolean).join(" ");
}

export const createWhatsAppChannel = (opts?: WhatsAppOptions): WhatsAppChannel => new WhatsAppChannel(opts);
