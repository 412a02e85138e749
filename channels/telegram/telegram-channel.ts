// The Telegram ChannelPlugin: grammy's Api pointed at `api_root`, long polling (or a webhook
// listener when `webhook_url` is set), updates → InboundMessage / InboundAction, Messages →
// HTML, inline keyboards and photos. It decides nothing about who may talk: the router does.
import { GrammyError, Api } from "grammy";
import type { ActionHandler, ChannelConfig, ChannelContext, ChannelPlugin, Message, MessageHandler } from "../../runtime/contracts/channel.ts";
import { MoltFailure, moltError } from "../../runtime/contracts/errors.ts";
import { parseConfig, type TelegramConfig } from "./config.ts";
import { parseUpdate, updateIdOf, type BotIdentity } from "./inbound.ts";
import { downloadPhoto } from "./media.ts";
import { readOffset, writeOffset } from "./offset-store.ts";
import { ButtonIds, keyboard, messageIdOf, sendMessage, textParts } from "./outbound.ts";
import { ALLOWED_UPDATES, pollLoop } from "./polling.ts";
import { redact, safeMessage } from "./redact.ts";
import { Backoff, gsig, retryOn429 } from "./retry.ts";
import { ChatQueue } from "../../runtime/contracts/chat-queue.ts";
import { retryOnOutage, type OutageRetryOptions } from "./outage-retry.ts";
import { startWebhookListener } from "./webhook.ts";
import { MAX_TEXT } from "./render.ts";

export interface TelegramOptions {
  /** getUpdates long-poll timeout in seconds (default 25). */
  pollTimeoutSeconds?: number;
  /** Reconnect delays after network errors (default 500 ms doubling to 30 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** How sends ride out a Bot API outage (default: 500 ms doubling to 5 s, for up to 30 s). */
  sendRetry?: OutageRetryOptions;
}

type State = "connected" | "connecting" | "failed" | "stopped";

export class TelegramChannel implements ChannelPlugin {
  readonly name = "telegram";
  readonly maxTextLength = MAX_TEXT;
  #cfg: TelegramConfig | null = null;
  #ctx: ChannelContext | null = null;
  #api: Api | null = null;
  #bot: BotIdentity = { id: 0, username: "" };
  #onMessage: MessageHandler | null = null;
  #onAction: ActionHandler | null = null;
  #last = 0;
  #state: { state: State; detail?: string } = { state: "stopped" };
  #abort = new AbortController();
  #loop: Promise<void> | null = null;
  #webhook: { stop(): Promise<void> } | null = null;
  #inflight = new Set<Promise<unknown>>();
  #queue: Promise<void> = Promise.resolve();
  readonly #ids = new ButtonIds();
  readonly #chats = new ChatQueue();

  constructor(private readonly opts: TelegramOptions = {}) {}

  onMessage(handler: MessageHandler): void { this.#onMessage = handler; }
  onAction(handler: ActionHandler): void { this.#onAction = handler; }
  status() { return { ...this.#state }; }

  async connect(config: ChannelConfig, ctx: ChannelContext): Promise<void> {
    const cfg = parseConfig(config);
    this.#cfg = cfg;
    this.#ctx = ctx;
    this.#abort = new AbortController();
    this.#state = { state: "connecting" };
    const api = new Api(cfg.token, { apiRoot: cfg.api_root });
    api.config.use(retryOn429({ onWait: (method, s) => this.#log("info", `rate limited on ${method}; retrying in ${s} s`) }));
    // Outermost, so each repeat of a send still waits out a 429 on its own.
    api.config.use(retryOnOutage(this.#abort.signal, (method, cause, ms) => this.#log("warn", `${method}: Bot API unreachable (${cause}); retrying in ${ms} ms`), this.opts.sendRetry));
    this.#api = api;
    try {
      const me = await api.getMe(gsig(this.#abort.signal));
      this.#bot = { id: me.id, username: me.username };
    } catch (err) {
      this.#state = { state: "failed", detail: "getMe failed" };
      if (err instanceof GrammyError && err.error_code === 401) {
        throw new MoltFailure(moltError("unauthorized", "channels.telegram.token: Telegram rejected the bot token (401)", "copy the token again from @BotFather (/token) into TELEGRAM_BOT_TOKEN"));
      }
      throw new MoltFailure(moltError("channel_error", `channels.telegram: cannot reach the Bot API at ${cfg.api_root}: ${this.#safe(err)}`, "check api_root and the network"));
    }
    this.#last = readOffset(ctx.stateDir, this.#bot.id);
    await (cfg.webhook_url ? this.#startWebhook(cfg, cfg.webhook_url) : this.#startPolling(api));
    this.#state = { state: "connected" };
    this.#log("info", `connected as @${this.#bot.username} (${cfg.webhook_url ? "webhook" : "long polling"}), resuming after update ${this.#last}`);
  }

  async #startPolling(api: Api): Promise<void> {
    // getUpdates answers 409 while a webhook is set: polling mode owns the bot.
    await api.deleteWebhook({ drop_pending_updates: false }, gsig(this.#abort.signal));
    const b = this.opts.backoff;
    this.#loop = pollLoop({
      api, timeoutSeconds: this.opts.pollTimeoutSeconds ?? 25, backoff: new Backoff(b?.initialMs, b?.maxMs),
      lastUpdateId: () => this.#last, process: (u) => this.#process(u),
      setState: (state, detail) => { if (this.#state.state !== "stopped") this.#state = detail ? { state, detail } : { state }; },
      warn: (err, what) => this.#log("warn", `${what}: ${this.#safe(err)}`),
    }, this.#abort.signal);
  }

  async #startWebhook(cfg: TelegramConfig, url: string): Promise<void> {
    const secret = cfg.webhook_secret ?? crypto.randomUUID().replace(/-/g, "");
    this.#webhook = startWebhookListener({
      host: cfg.webhook_host, port: cfg.webhook_port, path: new URL(url).pathname || "/", secret,
      process: (u) => this.#process(u), log: (level, m) => this.#log(level, m),
    });
    await (this.#api as Api).setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false, max_connections: 1 }, gsig(this.#abort.signal));
  }

  /** Updates are handled one at a time, in order, whatever delivers them (webhook requests may overlap). */
  #process(update: unknown): Promise<void> {
    const run = this.#queue.then(() => this.#processOne(update));
    this.#queue = run;
    return run;
  }

  /** One raw update, start to end; persists its id afterwards whatever happened. Never throws. */
  async #processOne(update: unknown): Promise<void> {
    const id = updateIdOf(update);
    if (id === null) return this.#log("warn", "skipped a malformed update (no update_id)");
    if (id <= this.#last) return; // a redelivery (webhook retry, or a restart before the offset reached Telegram)
    try {
      const parsed = parseUpdate(update, this.#bot, (d) => this.#ids.decode(d));
      if (parsed.kind === "malformed") this.#log("warn", `skipped malformed update ${id}: ${parsed.why}`);
      else if (parsed.kind === "action") {
        await this.#api?.answerCallbackQuery(parsed.callbackId).catch((err) => this.#log("warn", `answerCallbackQuery: ${this.#safe(err)}`));
        this.#hand(id, () => this.#onAction?.(parsed.action));
      } else if (parsed.kind === "message") {
        if (parsed.photoFileId) {
          try {
            const cfg = this.#cfg as TelegramConfig;
            parsed.message.attachments = [await downloadPhoto(this.#api as Api, cfg.api_root, cfg.token, parsed.photoFileId, this.#abort.signal)];
          } catch (err) {
            this.#log("warn", `update ${id}: photo not downloaded, passing the text on: ${this.#safe(err)}`);
          }
        }
        this.#hand(id, () => this.#onMessage?.(parsed.message));
      }
    } catch (err) {
      this.#log("error", `update ${id}: ${this.#safe(err)}`);
    }
    this.#last = id;
    try {
      writeOffset((this.#ctx as ChannelContext).stateDir, this.#bot.id, id);
    } catch (err) {
      this.#log("error", `could not save the update offset: ${this.#safe(err)}`);
    }
  }

  /**
   * Hands an update to the router without waiting for its turn to end: a turn that waits for an
   * approval must not hold up the update carrying the button press that answers it.
   */
  #hand(id: number, fn: () => void | Promise<void>): void {
    try {
      void Promise.resolve(fn()).catch((err) => this.#log("error", `update ${id}: handler failed: ${this.#safe(err)}`));
    } catch (err) {
      this.#log("error", `update ${id}: handler failed: ${this.#safe(err)}`);
    }
  }

  async send(chatId: string, message: Message): Promise<{ id: string }> {
    this.#requireApi();
    const ids = await this.#call("send", () => this.#chats.run(chatId, () => sendMessage(this.#requireApi(), chatId, message, this.#ids)));
    if (!ids.length) throw new MoltFailure(moltError("invalid_input", "telegram: a message needs text or an image", "nothing was sent"));
    return { id: `${chatId}:${ids[0]}` };
  }

  async typing(chatId: string): Promise<void> {
    await this.#call("typing", () => this.#requireApi().sendChatAction(chatId, "typing"));
  }

  async edit(chatId: string, messageId: string, message: Message): Promise<void> {
    const mid = messageIdOf(messageId);
    const part = textParts(message)[0];
    if (!mid || !part) throw new MoltFailure(moltError("invalid_input", "telegram: edit needs a message id and text", "pass the id send() returned"));
    const markup = keyboard(message, this.#ids);
    await this.#call("edit", () => this.#chats.run(chatId, async () => {
      try {
        await this.#requireApi().editMessageText(chatId, mid, part.text, { ...(part.html ? { parse_mode: "HTML" as const } : {}), ...(markup ? { reply_markup: markup } : {}) });
      } catch (err) {
        if (!(err instanceof GrammyError && /not modified/.test(err.description))) throw err;
      }
    }));
  }

  async disconnect(): Promise<void> {
    if (this.#state.state === "stopped" && !this.#loop && !this.#webhook) return;
    this.#state = { state: "stopped" };
    this.#abort.abort();
    await this.#loop;
    this.#loop = null;
    await this.#webhook?.stop();
    this.#webhook = null;
    await Promise.allSettled([...this.#inflight]);
  }

  /** Tracks the call for disconnect, and turns its failure into a MoltFailure without the token. */
  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const p = fn();
    this.#inflight.add(p);
    try {
      return await p;
    } catch (err) {
      const code = err instanceof GrammyError && err.error_code === 429 ? "rate_limited" : "channel_error";
      throw new MoltFailure(moltError(code, `telegram ${what}: ${this.#safe(err)}`));
    } finally {
      this.#inflight.delete(p);
    }
  }

  #requireApi(): Api {
    if (!this.#api || this.#state.state === "stopped") throw new MoltFailure(moltError("channel_error", "telegram: not connected", "connect() first"));
    return this.#api;
  }

  #safe(err: unknown): string { return safeMessage(err, this.#cfg?.token ?? ""); }
  #log(level: "info" | "warn" | "error", message: string): void { this.#ctx?.log(level, redact(message, this.#cfg?.token ?? "")); }
}
