// Test support: an in-memory ChannelPlugin standing in for an external chat platform (not for
// any of our code). Tests inject inbound messages/button presses and read what was sent.
import type { ActionHandler, ChannelConfig, ChannelContext, ChannelPlugin, InboundAction, InboundMessage, Message, MessageHandler } from "../contracts/channel.ts";

export interface Sent { chatId: string; message: Message; id: string }

export class TestChannel implements ChannelPlugin {
  readonly sent: Sent[] = [];
  readonly typingCalls: string[] = [];
  config: ChannelConfig | null = null;
  ctx: ChannelContext | null = null;
  #onMessage: MessageHandler | null = null;
  #onAction: ActionHandler | null = null;
  #state: "connected" | "connecting" | "failed" | "stopped" = "connecting";
  #waiters: { match: (s: Sent) => boolean; resolve: (s: Sent) => void }[] = [];
  #seq = 0;
  /** sent.length when the last message or press was injected: where `next` starts looking. */
  #mark = 0;

  constructor(readonly name = "testchat", readonly maxTextLength = 4096) {}

  async connect(config: ChannelConfig, ctx: ChannelContext): Promise<void> {
    this.config = config;
    this.ctx = ctx;
    this.#state = "connected";
  }

  async send(chatId: string, message: Message): Promise<{ id: string }> {
    const s: Sent = { chatId, message: structuredClone(message), id: `out-${++this.#seq}` };
    this.sent.push(s);
    this.#waiters = this.#waiters.filter((w) => (w.match(s) ? (w.resolve(s), false) : true));
    return { id: s.id };
  }

  onMessage(handler: MessageHandler): void { this.#onMessage = handler; }
  onAction(handler: ActionHandler): void { this.#onAction = handler; }
  async typing(chatId: string): Promise<void> { this.typingCalls.push(chatId); }
  status() { return { state: this.#state }; }
  async disconnect(): Promise<void> { this.#state = "stopped"; }

  /** A direct message from `userId` (chat id = user id), or any InboundMessage fields. */
  inject(userId: string, text: string, extra: Partial<InboundMessage> = {}): void {
    if (!this.#onMessage) throw new Error("test channel: not connected to a router");
    this.#mark = this.sent.length;
    void this.#onMessage({ channel: this.name, chatId: userId, userId, text, isGroup: false, mentioned: false, receivedAt: new Date(), ...extra });
  }

  press(userId: string, actionId: string, extra: Partial<InboundAction> = {}): void {
    if (!this.#onAction) throw new Error("test channel: no action handler");
    this.#mark = this.sent.length;
    void this.#onAction({ channel: this.name, chatId: userId, userId, actionId, ...extra });
  }

  /** The first matching message sent since the last inject/press (or since `after`); waits for it. */
  next(match: (s: Sent) => boolean = () => true, after = this.#mark): Promise<Sent> {
    const found = this.sent.slice(after).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  texts(chatId?: string): string[] {
    return this.sent.filter((s) => chatId === undefined || s.chatId === chatId).map((s) => s.message.text);
  }
}
