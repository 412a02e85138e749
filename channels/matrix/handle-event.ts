// One live timeline event through the inbound rules to the router's handlers. A malformed or
// unexpected event is logged (type and reason, never content) and skipped. Preparing (member
// lookups, media download) is split from delivering so the plugin can prepare events one after
// another — keeping their order — without waiting for the router to finish with each.
import type { MatrixClient } from "matrix-js-sdk";
import type { ActionHandler, MessageHandler } from "../../runtime/contracts/channel.ts";
import { parseEvent } from "./inbound.ts";
import { downloadMedia } from "./media.ts";
import type { RoomFacts } from "./room-facts.ts";

export interface EventDeps {
  client: MatrixClient;
  facts: RoomFacts;
  botUserId: string;
  botDisplayName?: string;
  log(level: "info" | "warn" | "error", message: string): void;
  messageHandlers: MessageHandler[];
  actionHandlers: ActionHandler[];
  noticeEncrypted(roomId: string): Promise<void>;
}

/** The event a message replies to: only m.room.message replies are read as replies to the bot. */
function replyTarget(raw: unknown): string | undefined {
  if ((raw as { type?: unknown })?.type !== "m.room.message") return undefined;
  const rel = (raw as { content?: { "m.relates_to"?: { "m.in_reply_to"?: { event_id?: unknown } } } })?.content?.["m.relates_to"];
  const id = rel?.["m.in_reply_to"]?.event_id;
  return typeof id === "string" ? id : undefined;
}

type Deliver = () => Promise<void>;

export async function prepareEvent(d: EventDeps, raw: unknown): Promise<Deliver | undefined> {
  const roomId = typeof (raw as { room_id?: unknown })?.room_id === "string" ? (raw as { room_id: string }).room_id : "";
  const sender = typeof (raw as { sender?: unknown })?.sender === "string" ? (raw as { sender: string }).sender : "";
  if (sender === d.botUserId) return undefined;
  const reply = replyTarget(raw);
  if (reply && roomId) await d.facts.learnSender(roomId, reply, d.botUserId);
  const members = roomId && sender ? await d.facts.members(roomId).catch(() => undefined) : undefined;
  const r = parseEvent(raw, {
    botUserId: d.botUserId,
    botDisplayName: d.botDisplayName,
    joinedCount: members?.size ?? 2,
    senderName: members?.get(sender),
    isBotEvent: (id) => d.facts.isBotEvent(id),
    buttonsOf: (id) => d.facts.buttonsOf(id),
  });
  switch (r.kind) {
    case "ignore":
      if (r.why.startsWith("malformed")) d.log("warn", `matrix: skipped a ${r.why} in ${roomId || "an unknown room"}`);
      return undefined;
    case "encrypted":
      d.log("info", `matrix: encrypted message in ${r.roomId}; end-to-end encryption is not supported, told the room`);
      return () => d.noticeEncrypted(r.roomId);
    case "action": {
      const action = r.action;
      return async () => {
        for (const h of d.actionHandlers) await h(action);
      };
    }
    case "message": {
      if (r.media) {
        try {
          const data = await downloadMedia(d.client, r.media.mxc);
          r.message.attachments = [{ kind: "image", mime: r.media.mime, data, ...(r.media.name ? { name: r.media.name } : {}) }];
        } catch (e) {
          d.log("warn", `matrix: could not download an image in ${r.message.chatId}: ${e instanceof Error ? e.message : "error"}`);
          return undefined;
        }
      }
      const message = r.message;
      return async () => {
        for (const h of d.messageHandlers) await h(message);
      };
    }
  }
}
