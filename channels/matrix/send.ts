// Outbound: text (formatted_body + body), then each attachment as its own media event, then —
// for messages with buttons — the bot's own 👍/👎 reactions so the user has them one tap away.
import { type MatrixClient, Method } from "matrix-js-sdk";
import type { Message } from "../../runtime/contracts/channel.ts";
import { imageContent } from "./media.ts";
import { renderText } from "./render.ts";
import type { RoomFacts } from "./room-facts.ts";

// The SDK's typed sendEvent wants known event contents; we build spec-shaped content ourselves.
type AnySend = (roomId: string, type: string, content: Record<string, unknown>) => Promise<{ event_id: string }>;

let txnSeq = 0;

/**
 * Sends without the SDK's encryption step. Used for rooms with encryption turned on, where the
 * SDK (running without crypto) refuses to send: an unencrypted event is still valid there, and
 * the user sees the bot's notice rather than silence.
 */
export async function sendPlain(client: MatrixClient, roomId: string, type: string, content: Record<string, unknown>): Promise<{ event_id: string }> {
  const txn = `molt${Date.now()}.${++txnSeq}`;
  const path = `/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${encodeURIComponent(txn)}`;
  return client.http.authedRequest<{ event_id: string }>(Method.Put, path, undefined, content);
}

/** The SDK's send (scheduler, rate-limit retries) where it can; plain where encryption is on. */
export function sender(client: MatrixClient, roomId: string): AnySend {
  if (client.getRoom(roomId)?.hasEncryptionStateEvent()) return (r, t, c) => sendPlain(client, r, t, c);
  return client.sendEvent.bind(client) as unknown as AnySend;
}

export async function sendMessage(client: MatrixClient, facts: RoomFacts, roomId: string, message: Message): Promise<{ id: string }> {
  const send = sender(client, roomId);
  const relates = message.replyTo ? { "m.relates_to": { "m.in_reply_to": { event_id: message.replyTo } } } : {};
  let first: string | undefined;
  let textId: string | undefined;
  if (message.text.trim() !== "" || message.blocks?.length || message.buttons?.length) {
    const res = await send(roomId, "m.room.message", { ...renderText(message), ...relates });
    textId = first = res.event_id;
    facts.rememberBotEvent(res.event_id, message.buttons ?? []);
  }
  for (const a of message.attachments ?? []) {
    const res = await send(roomId, "m.room.message", { ...(await imageContent(client, a)), ...(first ? {} : relates) });
    facts.rememberBotEvent(res.event_id);
    first ??= res.event_id;
  }
  if (!first) throw new Error("matrix: nothing to send (empty text, no attachments)");
  if (textId && message.buttons?.length) {
    for (const key of ["👍", "👎"]) {
      await send(roomId, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: textId, key } }).catch(() => undefined);
    }
  }
  return { id: first };
}
