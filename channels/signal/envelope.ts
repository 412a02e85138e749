// One SSE `receive` event → an InboundMessage (attachments still to be fetched), "ignore" for
// anything that is not a user's message (receipts, typing, sync copies of our own sends,
// reactions, edits, group updates) and "malformed" for what no signal-cli would send. Accepts both shapes seen on the
// wire: the daemon's `{account, envelope}` and a JSON-RPC `receive` notification
// (`{jsonrpc, method: "receive", params: {envelope}}`) as the stdin/socket modes send it.
// Mentions: Signal puts U+FFFC where a mention sits; ours is removed, others become @name.
import type { InboundMessage } from "../../runtime/contracts/channel.ts";
import { GROUP_PREFIX } from "./outbound.ts";

export interface AttachmentRef {
  id: string;
  contentType: string;
  filename?: string;
  size?: number;
}

export interface ParsedEnvelope {
  message: Omit<InboundMessage, "attachments">;
  attachments: AttachmentRef[];
  /** Who sent it, as getAttachment's `recipient` wants it; or the group. */
  from: { recipient: string } | { groupId: string };
  /** Signal server receive time when given, else the sender's timestamp (ms). */
  serverTs: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

/** signal-cli expands long-text attachments into `message` itself; never fetch those. */
const LONG_TEXT = "text/x-signal-plain";

/**
 * The bot's own ids. Signal addresses mentions and quotes by account UUID more and more; the
 * UUID is learnt from the first envelope of our own (a sync copy of a message sent from a
 * linked device) — `uuid` is filled in here when one passes by.
 */
export interface SelfIds { account: string; uuid?: string }

export function parseReceive(data: string, self: SelfIds, channel = "signal"): ParsedEnvelope | "ignore" | "malformed" {
  const account = self.account;
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return "malformed";
  }
  const top = obj(raw);
  const holder = top?.method === "receive" ? obj(top.params) : top;
  const env = obj(holder?.envelope);
  if (!env) return holder && "exception" in holder ? "ignore" : "malformed"; // decryption failures come as {exception}
  const forAccount = str(holder?.account);
  if (forAccount && forAccount !== account) return "ignore";
  const number = str(env.sourceNumber) ?? (str(env.source)?.startsWith("+") ? str(env.source) : undefined);
  const uuid = str(env.sourceUuid) ?? (str(env.source) && !str(env.source)?.startsWith("+") ? str(env.source) : undefined);
  if (number === account && uuid && !self.uuid) self.uuid = uuid;
  if (env.dataMessage === undefined || env.dataMessage === null) return "ignore";
  const dm = obj(env.dataMessage);
  if (!dm) return "malformed";
  const userId = number ?? uuid;
  const timestamp = int(env.timestamp) ?? int(dm.timestamp);
  if (!userId || timestamp === undefined) return "malformed";
  if (userId === account || uuid === account || (uuid && uuid === self.uuid)) return "ignore"; // our own message, echoed back
  if (dm.reaction != null || dm.remoteDelete != null) return "ignore";

  const groupId = str(obj(dm.groupInfo)?.groupId);
  const mentions = Array.isArray(dm.mentions) ? dm.mentions.map(obj).filter((m): m is Obj => m !== null) : [];
  const me = (v: unknown) => v !== undefined && v !== null && (v === account || v === self.uuid);
  const isUs = (m: Obj) => me(str(m.number)) || me(str(m.uuid));
  const text = typeof dm.message === "string" ? replaceMentions(dm.message, mentions, isUs) : "";
  const attachments = (Array.isArray(dm.attachments) ? dm.attachments : []).map(obj).flatMap((a): AttachmentRef[] => {
    const id = str(a?.id);
    const contentType = str(a?.contentType) ?? "application/octet-stream";
    if (!a || !id || contentType === LONG_TEXT) return [];
    const ref: AttachmentRef = { id, contentType };
    const filename = str(a.filename);
    if (filename) ref.filename = filename;
    const size = int(a.size);
    if (size !== undefined) ref.size = size;
    return [ref];
  });
  if (!text.trim() && attachments.length === 0) return "ignore"; // group updates, stickers, …

  const quote = obj(dm.quote);
  const quoteAuthor = quote ? str(quote.authorNumber) ?? str(quote.author) ?? str(quote.authorUuid) : undefined;
  const replyToBot = !!quote && [quote.authorNumber, quote.author, quote.authorUuid].some((a) => me(str(a)));
  const message: Omit<InboundMessage, "attachments"> = {
    channel,
    chatId: groupId ? `${GROUP_PREFIX}${groupId}` : userId,
    userId,
    id: `${userId}:${timestamp}`,
    text,
    isGroup: !!groupId,
    mentioned: mentions.some(isUs),
    receivedAt: new Date(timestamp),
  };
  const name = str(env.sourceName);
  if (name) message.displayName = name;
  if (replyToBot && int(quote?.id) !== undefined) {
    message.replyToBot = true;
    message.replyTo = `${quoteAuthor}:${int(quote?.id)}`;
  }
  return {
    message,
    attachments,
    from: groupId ? { groupId } : { recipient: userId },
    serverTs: int(env.serverReceivedTimestamp) || timestamp,
  };
}

/** Applies mentions from the end so earlier offsets (UTF-16 units, as JS counts) stay valid. */
function replaceMentions(text: string, mentions: Obj[], isUs: (m: Obj) => boolean): string {
  const valid = mentions
    .map((m) => ({ m, start: int(m.start), length: int(m.length) }))
    .filter((x): x is { m: Obj; start: number; length: number } => x.start !== undefined && x.length !== undefined && x.start + x.length <= text.length)
    .sort((a, b) => b.start - a.start);
  // Built from the end in pieces (cutting the whole text once per mention took mentions × length):
  // `end` is where the text not yet copied stops; a mention overlapping one already done is skipped.
  const pieces: string[] = [];
  let end = text.length;
  for (const { m, start, length } of valid) {
    let [a, b] = [start, start + length];
    if (b > end) continue;
    let replacement = "";
    if (isUs(m)) {
      // "@bot what time is it" → "what time is it": the mention and one space beside it go.
      if (b < end && text[b] === " ") b++;
      else if (text[a - 1] === " ") a--;
    } else {
      replacement = `@${str(m.name) ?? str(m.number) ?? str(m.uuid) ?? "someone"}`;
    }
    pieces.push(text.slice(b, end), replacement);
    end = a;
  }
  pieces.push(text.slice(0, end));
  return pieces.reverse().join("");
}
