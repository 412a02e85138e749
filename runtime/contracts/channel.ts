export interface Attachment {
  kind: "image" | "file" | "audio" | "video";
  mime: string;
  name?: string;
  /** Either inline bytes or a local path the channel can read. */
  data?: Uint8Array;
  path?: string;
}

export interface Message {
  text: string;
  format?: "plain" | "markdown";
  attachments?: Attachment[];
  buttons?: { id: string; label: string }[];
}

export interface InboundMessage {
  channel: string;
  chatId: string;
  userId: string;
  displayName?: string;
  text: string;
  isGroup: boolean;
  mentioned: boolean;
  replyTo?: string;
  attachments?: Attachment[];
  receivedAt: Date;
}

export type ChannelConfig = Record<string, unknown>;
export type MessageHandler = (message: InboundMessage) => void | Promise<void>;

/** A messaging platform (DESIGN §2). */
export interface ChannelPlugin {
  name: string;
  connect(config: ChannelConfig): Promise<void>;
  send(userId: string, message: Message): Promise<void>;
  onMessage(handler: MessageHandler): void;
  /** Idempotent; drains in-flight sends. */
  disconnect(): Promise<void>;
}
