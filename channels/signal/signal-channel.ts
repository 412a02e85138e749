// The Signal channel: a client of a running `signal-cli daemon --http` — events in over SSE,
// everything else as JSON-RPC. It only speaks Signal; who may talk, sessions and commands
// (`/approve`, `/deny`, `/stop`) are the router's.
import type { Attachment, ChannelConfig, ChannelContext, ChannelPlugin, Message, MessageHandler } from "../../runtime/contracts/channel.ts";
import { fail } from "../../runtime/contracts/errors.ts";
import { parseSignalConfig, type SignalConfig } from "./config.ts";
import { CursorState } from "./cursor-state.ts";
import { type AttachmentRef, parseReceive, type ParsedEnvelope, type SelfIds } from "./envelope.ts";
import { sendParams, target } from "./outbound.ts";
import { type LoopTiming, ReceiveLoop } from "./receive-loop.ts";
import { RpcClient, type RpcOptions } from "./rpc-client.ts";
import { ChatQueue } from "../../runtime/contracts/chat-queue.ts";
import type { SseEvent } from "./sse-stream.ts";

export interface SignalChannelOptions extends LoopTiming {
  rpc?: RpcOptions;
  /** Inbound attachments larger than this are left out (default 25 MiB). */
  maxAttachmentBytes?: number;
}

type State = { state: "connected" | "connecting" | "failed" | "stopped"; detail?: string };

export class SignalChannel implements ChannelPlugin {
  readonly name = "signal";
  /**
   * Signal carries at most 2,000 UTF-8 bytes in a message body (signal-cli's
   * MAX_MESSAGE_SIZE_BYTES); beyond that signal-cli sends the whole text as a long-text
   * attachment the apps show behind "Read more". 2,000 keeps ASCII answers fully inline; the
   * router measures at 90 % of it, leaving room for list bullets and link targets we add.
   */
  readonly maxTextLength = 2000;
  readonly #opts: SignalChannelOptions;
  #cfg: SignalConfig | null = null;
  #rpc: RpcClient | null = null;
  #loop: ReceiveLoop | null = null;
  #cursor: CursorState | null = null;
  #ctx: ChannelContext | null = null;
  #handler: MessageHandler | null = null;
  #self: SelfIds = { account: "" };
  #state: State = { state: "stopped" };
  readonly #chats = new ChatQueue();

  constructor(opts: SignalChannelOptions = {}) {
    this.#opts = opts;
  }

  async connect(config: ChannelConfig, ctx: ChannelContext): Promise<void> {
    if (this.#loop) return;
    const cfg = parseSignalConfig(config);
    this.#cfg = cfg;
    this.#self = { account: cfg.account };
    this.#ctx = ctx;
    this.#rpc = new RpcClient(cfg, { ...this.#opts.rpc, onRetry: (method, cause, ms) => ctx.log("warn", `${method}: signal-cli unreachable (${cause}); retrying in ${ms} ms`) });
    this.#cursor = new CursorState(ctx.stateDir, (m) => ctx.log("warn", m));
    this.#state = { state: "connecting" };
    this.#loop = new ReceiveLoop(cfg, {
      onEvent: (ev) => this.#onEvent(ev),
      onState: (state, detail) => { if (this.#state.state !== "stopped") this.#state = detail === undefined ? { state } : { state, detail }; },
      log: (level, message) => ctx.log(level, message),
      lastEventId: () => this.#cursor?.lastEventId,
    }, this.#opts);
    // Resolves after the first attempt either way: a daemon that is not up yet is retried in
    // the background (status "connecting"), not a failed channel.
    await this.#loop.start();
    if (this.#state.state === "connected") ctx.log("info", `listening to signal-cli at ${cfg.origin}`);
  }

  onMessage(handler: MessageHandler): void {
    this.#handler = handler;
  }

  async send(chatId: string, message: Message): Promise<{ id: string }> {
    const { rpc, cfg } = this.#ready();
    const result = await this.#chats.run(chatId, async () => rpc.call<{ timestamp?: unknown }>("send", await sendParams(chatId, message)));
    const ts = typeof result?.timestamp === "number" ? result.timestamp : Date.now();
    return { id: `${cfg.account}:${ts}` };
  }

  async typing(chatId: string): Promise<void> {
    await this.#ready().rpc.call("sendTyping", target(chatId));
  }

  status(): State {
    return { ...this.#state };
  }

  async disconnect(): Promise<void> {
    if (this.#state.state === "stopped") return;
    this.#state = { state: "stopped" };
    await this.#loop?.stop();
    await this.#rpc?.drain();
  }

  #ready(): { rpc: RpcClient; cfg: SignalConfig } {
    if (!this.#rpc || !this.#cfg || this.#state.state === "stopped") fail("channel_error", "signal: not connected", "the channel is stopped or was never connected");
    return { rpc: this.#rpc, cfg: this.#cfg };
  }

  async #onEvent(ev: SseEvent): Promise<void> {
    const cfg = this.#cfg as SignalConfig;
    const cursor = this.#cursor as CursorState;
    const ctx = this.#ctx as ChannelContext;
    if (ev.event !== "receive") return cursor.markEvent(ev.id);
    const parsed = parseReceive(ev.data, this.#self, this.name);
    if (parsed === "malformed") ctx.log("warn", `skipped a malformed event (${ev.data.length} bytes)`);
    if (typeof parsed === "string") return cursor.markEvent(ev.id);
    const id = parsed.message.id as string;
    if (cursor.seen(id, parsed.serverTs)) return cursor.markEvent(ev.id);
    const attachments = await this.#fetchAttachments(parsed);
    cursor.mark(id, parsed.serverTs, ev.id);
    try {
      await this.#handler?.({ ...parsed.message, ...(attachments.length ? { attachments } : {}) });
    } catch (err) {
      ctx.log("error", `message handler failed: ${(err as Error).message?.split("\n")[0]}`);
    }
  }

  /** signal-cli has stored the files; `getAttachment` returns one base64-encoded. */
  async #fetchAttachments(p: ParsedEnvelope): Promise<Attachment[]> {
    const max = this.#opts.maxAttachmentBytes ?? 25 * 1024 * 1024;
    const out: Attachment[] = [];
    for (const ref of p.attachments) {
      if (ref.size !== undefined && ref.size > max) {
        this.#ctx?.log("warn", `left out a ${ref.contentType} attachment of ${ref.size} bytes (limit ${max})`);
        continue;
      }
      try {
        const res = await (this.#rpc as RpcClient).call<{ data?: unknown }>("getAttachment", { id: ref.id, ...p.from });
        if (typeof res?.data !== "string") throw new Error("no data in the reply");
        const data = new Uint8Array(Buffer.from(res.data, "base64"));
        if (data.byteLength > max) throw new Error(`larger than ${max} bytes`);
        out.push(attachmentOf(ref, data));
      } catch (err) {
        this.#ctx?.log("warn", `could not fetch a ${ref.contentType} attachment: ${(err as Error).message.split("\n")[0]}`);
      }
    }
    return out;
  }
}

function attachmentOf(ref: AttachmentRef, data: Uint8Array): Attachment {
  const top = ref.contentType.split("/")[0];
  const kind = top === "image" || top === "audio" || top === "video" ? top : "file";
  return { kind, mime: ref.contentType, data, ...(ref.filename ? { name: ref.filename } : {}) };
}
