// A messaging platform (DESIGN §2), general enough for threads, buttons, edits and media.
// Departure from DESIGN §2: `send` addresses a chat, not a user — in a group the reply goes to
// the group; in a direct chat the chat id is the platform's id for that conversation.

export interface Attachment {
  kind: "image" | "file" | "audio" | "video";
  mime: string;
  name?: string;
  /** Either inline bytes or a local path the channel can read. */
  data?: Uint8Array;
  path?: string;
}

/** Formatted text as a small block tree the router builds from Markdown; each channel renders it. */
export type Inline =
  | { t: "text"; text: string }
  | { t: "bold" | "italic" | "strike"; children: Inline[] }
  | { t: "code"; text: string }
  | { t: "link"; href: string; children: Inline[] };

export type Block =
  | { t: "para"; children: Inline[] }
  | { t: "heading"; level: number; children: Inline[] }
  | { t: "code_block"; lang?: string; text: string }
  | { t: "list"; ordered: boolean; items: Inline[][] }
  | { t: "quote"; children: Inline[] };

export interface Message {
  text: string;
  format?: "plain" | "markdown";
  /** Parsed form of `text` when format is markdown (the router fills it in). */
  blocks?: Block[];
  attachments?: Attachment[];
  buttons?: { id: string; label: string }[];
  /** Platform message id this one answers (threads / replies). */
  replyTo?: string;
}

export interface InboundMessage {
  channel: string;
  chatId: string;
  userId: string;
  /** Platform message id, for de-duplicating redeliveries and replying. */
  id?: string;
  displayName?: string;
  text: string;
  isGroup: boolean;
  mentioned: boolean;
  /** Platform id of the message this one replies to, when it replies to the bot. */
  replyTo?: string;
  /** True when the replied-to message was the bot's own. */
  replyToBot?: boolean;
  attachments?: Attachment[];
  receivedAt: Date;
}

/** A button press (Telegram callback query, Matrix reaction, ...). */
export interface InboundAction {
  channel: string;
  chatId: string;
  userId: string;
  /** The id of the pressed button, as given in Message.buttons. */
  actionId: string;
  /** The message that carried the button. */
  messageId?: string;
}

export type ChannelConfig = Record<string, unknown>;
export type MessageHandler = (message: InboundMessage) => void | Promise<void>;
export type ActionHandler = (action: InboundAction) => void | Promise<void>;

export interface ChannelContext {
  /** A private folder for this channel's state (offsets, sync tokens, auth). */
  stateDir: string;
  /** Operational log lines; never pass secrets. */
  log(level: "info" | "warn" | "error", message: string): void;
}

export interface ChannelPlugin {
  name: string;
  /** Longest text one platform message may carry, as the channel measures it. */
  readonly maxTextLength: number;
  /**
   * Largest UTF-8 size of one message's text in bytes, for platforms whose limit is in bytes
   * (Matrix: 65536 for a whole event). Measured like `maxTextLength`, on the plain rendering,
   * so a channel whose wire form is bigger (markup, escaping, the text sent twice) declares it
   * with that margin. Without it, only characters are counted.
   */
  readonly maxTextBytes?: number;
  connect(config: ChannelConfig, ctx: ChannelContext): Promise<void>;
  /** Sends to a chat; returns the platform's id of the (first) message sent. */
  send(chatId: string, message: Message): Promise<{ id: string }>;
  onMessage(handler: MessageHandler): void;
  onAction?(handler: ActionHandler): void;
  /** Shows "typing…" while the assistant works; optional where the platform has none. */
  typing?(chatId: string): Promise<void>;
  edit?(chatId: string, messageId: string, message: Message): Promise<void>;
  /** For the health endpoint: connected, reconnecting, or failed with a reason. */
  status?(): { state: "connected" | "connecting" | "failed" | "stopped"; detail?: string };
  /** Idempotent; drains in-flight sends. */
  disconnect(): Promise<void>;
}
