// Envelopes shaped as signal-cli's JSON output (JsonMessageEnvelope / JsonDataMessage: source,
// sourceNumber, sourceUuid, sourceName, sourceDevice, timestamp, serverReceivedTimestamp,
// dataMessage {timestamp, message, mentions, quote, attachments, groupInfo}).

export interface Person { number: string; uuid?: string; name?: string }

export interface EnvelopeOpts {
  groupId?: string;
  mentions?: { number?: string; uuid?: string; name?: string; start: number; length: number }[];
  quote?: { id: number; author: string; text?: string };
  attachments?: { id: string; contentType: string; filename?: string; size: number }[];
}

export function envelope(from: Person, text: string | null, ts: number, serverTs: number, o: EnvelopeOpts = {}): Record<string, unknown> {
  const uuid = from.uuid ?? `00000000-0000-4000-8000-${from.number.replace(/\D/g, "").padStart(12, "0").slice(-12)}`;
  const dataMessage: Record<string, unknown> = { timestamp: ts, message: text, expiresInSeconds: 0, viewOnce: false };
  if (o.mentions) dataMessage.mentions = o.mentions.map((m) => ({ name: m.name ?? m.number ?? m.uuid, number: m.number ?? null, uuid: m.uuid ?? null, start: m.start, length: m.length }));
  if (o.quote) dataMessage.quote = { id: o.quote.id, author: o.quote.author, authorNumber: o.quote.author.startsWith("+") ? o.quote.author : null, authorUuid: o.quote.author.startsWith("+") ? null : o.quote.author, text: o.quote.text ?? "", attachments: [] };
  if (o.attachments) dataMessage.attachments = o.attachments.map((a) => ({ contentType: a.contentType, filename: a.filename ?? null, id: a.id, size: a.size, width: null, height: null, caption: null, uploadTimestamp: null }));
  if (o.groupId) dataMessage.groupInfo = { groupId: o.groupId, groupName: "Test group", revision: 3, type: "DELIVER" };
  return {
    source: from.number,
    sourceNumber: from.number,
    sourceUuid: uuid,
    sourceName: from.name ?? from.number,
    sourceDevice: 1,
    timestamp: ts,
    serverReceivedTimestamp: serverTs,
    serverDeliveredTimestamp: serverTs + 5,
    dataMessage,
  };
}

/** A delivery receipt: no dataMessage, nothing for the bot to answer. */
export function receipt(from: Person, ts: number): Record<string, unknown> {
  return { source: from.number, sourceNumber: from.number, sourceUuid: from.uuid ?? null, sourceName: from.name ?? null, sourceDevice: 1, timestamp: ts, serverReceivedTimestamp: ts, serverDeliveredTimestamp: ts, receiptMessage: { when: ts, isDelivery: true, isRead: false, isViewed: false, timestamps: [ts - 1] } };
}
