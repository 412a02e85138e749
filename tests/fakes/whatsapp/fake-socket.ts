// A stand-in for baileys' socket with baileys' real parts: the event buffer the real socket
// uses (`makeEventBuffer`, so `ev.process` batching behaves the same) and the real message
// builder (`generateWAMessage`: text, quotes, edits, media encryption and upload). Every sent
// message is round-tripped through the WebMessageInfo protobuf, as it would be on the wire.
import { Boom } from "@hapi/boom";
import {
  generateMessageIDV2, generateWAMessage, makeEventBuffer, proto,
  type AnyMessageContent, type BaileysEventMap, type MiscMessageGenerationOptions, type WAMessage, type WAPresence,
} from "baileys";
import type { SocketFactory, SocketOptions, WaSocket } from "../../../channels/whatsapp/socket.ts";
import type { MediaServer } from "./media-server.ts";

export const BOT = { id: "15550009999:7@s.whatsapp.net", lid: "88000000000001:7@lid" };

export interface Sent { jid: string; content: AnyMessageContent; message: WAMessage }

const silent = { level: "silent", child: () => silent, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export class FakeSocket implements WaSocket {
  readonly ev = makeEventBuffer(silent);
  user: { id: string; lid?: string } | undefined = undefined;
  readonly sent: Sent[] = [];
  readonly presences: { type: WAPresence; jid?: string }[] = [];
  readonly pairingRequests: string[] = [];
  /** URLs baileys asked to fetch for link previews. */
  readonly previewFetches: string[] = [];
  ended = false;
  failSends = 0;

  constructor(readonly options: SocketOptions, private readonly media: MediaServer) {}

  async sendMessage(jid: string, content: AnyMessageContent, options: MiscMessageGenerationOptions = {}): Promise<WAMessage> {
    if (this.failSends > 0) {
      this.failSends--;
      throw new Boom("Connection Closed", { statusCode: 428 });
    }
    const built = await generateWAMessage(jid, content, {
      logger: silent, userJid: BOT.id, upload: this.media.upload as never,
      messageId: generateMessageIDV2(BOT.id),
      // the real socket fetches a URL found in the text to build a preview; record instead
      getUrlInfo: async (url: string) => {
        this.previewFetches.push(url);
        return { "canonical-url": url, "matched-text": url, title: `preview of ${url}`, description: "" };
      },
      ...options,
    });
    const wire = proto.WebMessageInfo.encode(built).finish();
    const message = proto.WebMessageInfo.decode(wire) as WAMessage;
    this.sent.push({ jid, content, message });
    return message;
  }

  async sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void> {
    this.presences.push(jid === undefined ? { type } : { type, jid });
  }

  async requestPairingCode(phone: string): Promise<string> {
    this.pairingRequests.push(phone);
    return "K7QX-2M9P";
  }

  async updateMediaMessage(message: WAMessage): Promise<WAMessage> {
    return message;
  }

  end(error: Error | undefined): void {
    this.ended = true;
    this.ev.emit("connection.update", { connection: "close", lastDisconnect: { error, date: new Date() } });
  }

  // ── driving it from a test, as WhatsApp's server would ──
  emit<K extends keyof BaileysEventMap>(event: K, data: BaileysEventMap[K]): void {
    this.ev.emit(event, data);
  }

  open(): void {
    this.user = { ...BOT };
    this.emit("connection.update", { connection: "open" });
  }

  close(statusCode: number): void {
    this.emit("connection.update", { connection: "close", lastDisconnect: { error: new Boom("closed", { statusCode }), date: new Date() } });
  }

  upsert(messages: WAMessage[], type: "notify" | "append" = "notify"): void {
    this.emit("messages.upsert", { messages, type });
  }
}

export interface FakeWhatsApp {
  factory: SocketFactory;
  sockets: FakeSocket[];
  readonly last: FakeSocket;
  /** Resolves when the factory has made `count` sockets in all. */
  socketCount(count: number): Promise<FakeSocket>;
  allSent(): Sent[];
}

export function fakeWhatsApp(media: MediaServer): FakeWhatsApp {
  const sockets: FakeSocket[] = [];
  const waiting: { count: number; resolve(s: FakeSocket): void }[] = [];
  return {
    sockets,
    factory: (opts) => {
      const s = new FakeSocket(opts, media);
      sockets.push(s);
      for (const w of waiting.filter((x) => x.count <= sockets.length)) {
        waiting.splice(waiting.indexOf(w), 1);
        queueMicrotask(() => w.resolve(s));
      }
      return s;
    },
    get last() {
      const s = sockets.at(-1);
      if (!s) throw new Error("no socket made yet");
      return s;
    },
    socketCount(count) {
      if (sockets.length >= count) return Promise.resolve(sockets[count - 1]!);
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
    allSent: () => sockets.flatMap((s) => s.sent),
  };
}
