// One raw timeline event → what it means to us: a message for the router, a button press, an
// encrypted event we cannot read, or nothing. Pure: every fact about the room or the bot comes
// in through `InboundContext`, so each rule is testable without a server.
import { z } from "zod";
import type { InboundAction, InboundMessage } from "../../runtime/contracts/channel.ts";
import { pickButtons } from "./render.ts";

export interface InboundContext {
  botUserId: string;
  botDisplayName?: string;
  joinedCount: number;
  senderName?: string;
  /** True when the bot sent that event (a reply to it is a reply to the bot). */
  isBotEvent(eventId: string): boolean;
  /** The buttons a bot message carried, when it carried any. */
  buttonsOf(eventId: string): { id: string; label: string }[] | undefined;
}

export type Inbound =
  | { kind: "message"; message: InboundMessage; media?: { mxc: string; mime: string; name?: string } }
  | { kind: "action"; action: InboundAction }
  | { kind: "encrypted"; roomId: string; sender: string }
  | { kind: "ignore"; why: string };

const relatesTo = z.object({
  rel_type: z.string().optional(),
  event_id: z.string().optional(),
  key: z.string().optional(),
  "m.in_reply_to": z.object({ event_id: z.string() }).optional(),
}).optional();

const eventShape = z.object({
  event_id: z.string().min(1),
  room_id: z.string().min(1),
  type: z.string().min(1),
  sender: z.string().regex(/^@[^:]+:.+$/),
  origin_server_ts: z.number().optional(),
  content: z.record(z.string(), z.unknown()),
});

const messageContent = z.object({
  msgtype: z.string(),
  body: z.string(),
  url: z.string().optional(),
  info: z.object({ mimetype: z.string().optional() }).passthrough().optional(),
  "m.mentions": z.object({ user_ids: z.array(z.string()).optional() }).passthrough().optional(),
  "m.relates_to": relatesTo,
}).passthrough();

const reactionContent = z.object({ "m.relates_to": z.object({ rel_type: z.literal("m.annotation"), event_id: z.string(), key: z.string() }) });

/**
 * Drops a rich reply's fallback: the spec's "> <@sender:server> original" lines (emotes as
 * "> * <@sender:server> …") and the blank line after them. Only for an event that is a reply,
 * and only that shape, so a message that merely starts with a Markdown quote keeps it.
 */
export function stripReplyFallback(body: string): string {
  if (!/^> \*? ?<@[^>\s]+>/.test(body)) return body;
  const lines = body.split("\n");
  let i = 0;
  while (i < lines.length && (lines[i]!.startsWith("> ") || lines[i] === ">")) i++;
  // The fallback is always followed by an empty line; without one this is no fallback.
  if (i >= lines.length || lines[i] !== "") return body;
  return lines.slice(i + 1).join("\n");
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function parseEvent(raw: unknown, ctx: InboundContext): Inbound {
  const ev = eventShape.safeParse(raw);
  if (!ev.success) return { kind: "ignore", why: `malformed event (${ev.error.issues[0]?.path.join(".") || "shape"})` };
  const e = ev.data;
  if (e.sender === ctx.botUserId) return { kind: "ignore", why: "own event" };
  if (e.type === "m.room.encrypted") return { kind: "encrypted", roomId: e.room_id, sender: e.sender };
  if (e.type === "m.reaction") return reaction(e, ctx);
  if (e.type !== "m.room.message") return { kind: "ignore", why: `type ${e.type}` };
  const c = messageContent.safeParse(e.content);
  if (!c.success) return { kind: "ignore", why: `malformed m.room.message (${c.error.issues[0]?.path.join(".") || "content"})` };
  const content = c.data;
  if (content["m.relates_to"]?.rel_type === "m.replace") return { kind: "ignore", why: "edit" };
  const replyTo = content["m.relates_to"]?.["m.in_reply_to"]?.event_id;
  const replyToBot = replyTo !== undefined && ctx.isBotEvent(replyTo);
  let text = replyTo !== undefined ? stripReplyFallback(content.body) : content.body;

  // "/approve" or "/deny" without an id, in reply to a message with buttons, presses that button.
  const bare = text.trim().match(/^\/(approve|deny)$/i);
  const buttons = replyTo ? ctx.buttonsOf(replyTo) : undefined;
  if (bare && replyTo && buttons) {
    const [yes, no] = pickButtons(buttons);
    const pressed = bare[1]!.toLowerCase() === "approve" ? yes : no;
    if (pressed) return { kind: "action", action: { channel: "matrix", chatId: e.room_id, userId: e.sender, actionId: pressed.id, messageId: replyTo } };
  }

  const names = [ctx.botUserId, ctx.botDisplayName].filter((n): n is string => !!n && n.length > 1);
  const mentioned = (content["m.mentions"]?.user_ids ?? []).includes(ctx.botUserId)
    || names.some((n) => new RegExp(`(^|[^\\w])${escapeRe(n)}($|[^\\w])`, "i").test(text));
  // Clients put "Name: " in front of a mention; the router should see the command or question.
  for (const n of names) text = text.replace(new RegExp(`^${escapeRe(n)}[:,]?\\s+`, "i"), "");

  const message: InboundMessage = {
    channel: "matrix",
    chatId: e.room_id,
    userId: e.sender,
    id: e.event_id,
    text,
    isGroup: ctx.joinedCount > 2,
    mentioned,
    receivedAt: new Date(e.origin_server_ts ?? Date.now()),
  };
  if (ctx.senderName) message.displayName = ctx.senderName;
  if (replyTo) {
    message.replyTo = replyTo;
    message.replyToBot = replyToBot;
  }
  if (content.msgtype === "m.image") {
    if (!content.url?.startsWith("mxc://")) return { kind: "ignore", why: "m.image without an mxc url" };
    message.text = "";
    return { kind: "message", message, media: { mxc: content.url, mime: content.info?.mimetype ?? "image/png", name: content.body } };
  }
  if (content.msgtype !== "m.text" && content.msgtype !== "m.notice" && content.msgtype !== "m.emote") return { kind: "ignore", why: `msgtype ${content.msgtype}` };
  if (content.msgtype === "m.notice") return { kind: "ignore", why: "notice (bots talk in notices)" };
  return { kind: "message", message };
}

function reaction(e: z.infer<typeof eventShape>, ctx: InboundContext): Inbound {
  const c = reactionContent.safeParse(e.content);
  if (!c.success) return { kind: "ignore", why: "malformed m.reaction" };
  const target = c.data["m.relates_to"].event_id;
  const buttons = ctx.buttonsOf(target);
  if (!buttons) return { kind: "ignore", why: "reaction to a message without buttons" };
  // Strip variation selectors and skin tones so 👍️ and 👍🏽 count as 👍.
  const key = c.data["m.relates_to"].key.replace(/[\uFE0F\u{1F3FB}-\u{1F3FF}]/gu, "");
  const [yes, no] = pickButtons(buttons);
  const pressed = key === "👍" ? yes : key === "👎" ? no : undefined;
  if (!pressed) return { kind: "ignore", why: "reaction that is no button" };
  return { kind: "action", action: { channel: "matrix", chatId: e.room_id, userId: e.sender, actionId: pressed.id, messageId: target } };
}
