import { describe, expect, test } from "bun:test";
import { parseUpdate, updateIdOf } from "./inbound.ts";

const bot = { id: 777, username: "molt_bot" };
const ann = { id: 42, is_bot: false, first_name: "Ann", last_name: "Lee" };
const msg = (extra: Record<string, unknown>) => ({ update_id: 1, message: { message_id: 9, date: 1_700_000_000, chat: { id: -5, type: "group" }, from: ann, ...extra } });

describe("parseUpdate", () => {
  test("mention of the bot in any case, cut from the text", () => {
    const r = parseUpdate(msg({ text: "hi @Molt_Bot please", entities: [{ type: "mention", offset: 3, length: 9 }] }), bot);
    expect(r).toMatchObject({ kind: "message", message: { text: "hi please", mentioned: true, isGroup: true, id: "-5:9", displayName: "Ann Lee" } });
  });

  test("/command@botname counts as a mention", () => {
    const r = parseUpdate(msg({ text: "/stop@molt_bot", entities: [{ type: "bot_command", offset: 0, length: 14 }] }), bot);
    expect(r).toMatchObject({ kind: "message", message: { mentioned: true, text: "/stop@molt_bot" } });
  });

  test("a mention entity with offsets past the text is harmless", () => {
    const r = parseUpdate(msg({ text: "hi", entities: [{ type: "mention", offset: 50, length: 9 }, "junk"] }), bot);
    expect(r).toMatchObject({ kind: "message", message: { mentioned: false, text: "hi" } });
  });

  test("stickers, joins, edits and channel posts are ignored, not malformed", () => {
    expect(parseUpdate(msg({ sticker: { file_id: "x" } }), bot).kind).toBe("ignore");
    expect(parseUpdate({ update_id: 2, edited_message: {} }, bot).kind).toBe("ignore");
    expect(parseUpdate({ update_id: 3, message: { message_id: 1, chat: { id: -1, type: "channel" }, text: "post" } }, bot).kind).toBe("ignore");
  });

  test.each([
    ["message without chat", { update_id: 1, message: { message_id: 1, text: "x" } }],
    ["from without id", msg({ from: { first_name: "x" }, text: "x" })],
    ["callback without data", { update_id: 1, callback_query: { id: "q", from: ann, message: { message_id: 1, chat: { id: 42 } } } }],
    ["message is a string", { update_id: 1, message: "x" }],
  ])("malformed: %s", (_n, u) => {
    expect(parseUpdate(u, bot).kind).toBe("malformed");
  });

  test("updateIdOf requires an integer update_id", () => {
    expect(updateIdOf({ update_id: 5 })).toBe(5);
    expect(updateIdOf({ update_id: "5" })).toBeNull();
    expect(updateIdOf(null)).toBeNull();
  });

  test("a callback query maps its data back through the resolver", () => {
    const r = parseUpdate({ update_id: 1, callback_query: { id: "q1", from: ann, data: "h:abc", message: { message_id: 3, chat: { id: 42 } } } }, bot, (d) => (d === "h:abc" ? "approve:long-id" : d));
    expect(r).toEqual({ kind: "action", callbackId: "q1", action: { channel: "telegram", chatId: "42", userId: "42", actionId: "approve:long-id", messageId: "42:3" } });
  });
});
