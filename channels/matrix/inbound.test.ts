import { describe, expect, test } from "bun:test";
import { type InboundContext, parseEvent, stripReplyFallback } from "./inbound.ts";

const BOT = "@molt:example.org";
const ctx = (over: Partial<InboundContext> = {}): InboundContext => ({
  botUserId: BOT,
  botDisplayName: "Molt",
  joinedCount: 2,
  isBotEvent: (id) => id.startsWith("$bot"),
  buttonsOf: (id) => (id === "$botq" ? [{ id: "approve:a1", label: "Approve" }, { id: "deny:a1", label: "Deny" }] : undefined),
  ...over,
});
const msg = (content: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  event_id: "$e1", room_id: "!r:example.org", type: "m.room.message", sender: "@ann:example.org", origin_server_ts: 1_700_000_000_000, content, ...over,
});

describe("m.room.message", () => {
  test("a DM text becomes an InboundMessage with its event id", () => {
    const r = parseEvent(msg({ msgtype: "m.text", body: "hello" }), ctx({ senderName: "Ann" }));
    expect(r).toEqual({ kind: "message", message: { channel: "matrix", chatId: "!r:example.org", userId: "@ann:example.org", id: "$e1", text: "hello", isGroup: false, mentioned: false, receivedAt: new Date(1_700_000_000_000), displayName: "Ann" } });
  });

  test("a room with more than two members is a group", () => {
    const r = parseEvent(msg({ msgtype: "m.text", body: "hi" }), ctx({ joinedCount: 3 }));
    expect(r.kind === "message" && r.message.isGroup).toBe(true);
  });

  test.each([
    ["the user id in the body", { body: "hey @molt:example.org what's up" }, true],
    ["the display name, any case, with the prefix removed", { body: "molt: what time is it" }, true],
    ["m.mentions user_ids", { body: "hi", "m.mentions": { user_ids: [BOT] } }, true],
    ["a word that merely contains the name", { body: "moltbotanist" }, false],
    ["nobody", { body: "hi all" }, false],
  ])("mentioned by %s", (_what, content, expected) => {
    const r = parseEvent(msg({ msgtype: "m.text", ...content }), ctx({ joinedCount: 5 }));
    expect(r.kind === "message" && r.message.mentioned).toBe(expected);
  });

  test("the mention prefix is stripped so commands work in groups", () => {
    const r = parseEvent(msg({ msgtype: "m.text", body: "Molt: /stop" }), ctx({ joinedCount: 5 }));
    expect(r.kind === "message" && r.message.text).toBe("/stop");
  });

  test("a reply to the bot carries replyTo/replyToBot and loses the quoted fallback", () => {
    const r = parseEvent(msg({ msgtype: "m.text", body: "> <@molt:example.org> earlier\n\nthanks", "m.relates_to": { "m.in_reply_to": { event_id: "$bot1" } } }), ctx());
    expect(r.kind === "message" && [r.message.text, r.message.replyTo, r.message.replyToBot]).toEqual(["thanks", "$bot1", true]);
    const other = parseEvent(msg({ msgtype: "m.text", body: "x", "m.relates_to": { "m.in_reply_to": { event_id: "$ann1" } } }), ctx());
    expect(other.kind === "message" && other.message.replyToBot).toBe(false);
  });

  test("an image asks for its mxc media to be downloaded", () => {
    const r = parseEvent(msg({ msgtype: "m.image", body: "cat.jpg", url: "mxc://example.org/abc", info: { mimetype: "image/jpeg" } }), ctx());
    expect(r.kind === "message" && r.media).toEqual({ mxc: "mxc://example.org/abc", mime: "image/jpeg", name: "cat.jpg" });
  });

  test("a bare /approve reply to a message with buttons presses its button", () => {
    const r = parseEvent(msg({ msgtype: "m.text", body: "> <@molt:example.org> Approval needed: note_write\n\n/approve", "m.relates_to": { "m.in_reply_to": { event_id: "$botq" } } }), ctx());
    expect(r).toEqual({ kind: "action", action: { channel: "matrix", chatId: "!r:example.org", userId: "@ann:example.org", actionId: "approve:a1", messageId: "$botq" } });
    const withId = parseEvent(msg({ msgtype: "m.text", body: "/approve a1" }), ctx());
    expect(withId.kind === "message" && withId.message.text).toBe("/approve a1");
  });

  test.each([
    ["own event", msg({ msgtype: "m.text", body: "x" }, { sender: BOT })],
    ["edit", msg({ msgtype: "m.text", body: "* x", "m.relates_to": { rel_type: "m.replace", event_id: "$e0" } })],
    ["notice", msg({ msgtype: "m.notice", body: "bot talk" })],
    ["malformed event", { type: "m.room.message", content: { body: "no ids" } }],
    ["malformed event", msg({ msgtype: "m.text", body: "x" }, { sender: "not-a-user" })],
    ["malformed m.room.message", msg({ msgtype: "m.text", body: 42 })],
    ["type", { ...msg({}), type: "m.room.topic" }],
  ])("ignored: %s", (why, ev) => {
    const r = parseEvent(ev, ctx());
    expect(r.kind).toBe("ignore");
    expect(r.kind === "ignore" && r.why).toStartWith(why);
  });

  test("an encrypted event is flagged, not ignored", () => {
    expect(parseEvent({ ...msg({ algorithm: "m.megolm.v1.aes-sha2" }), type: "m.room.encrypted" }, ctx()).kind).toBe("encrypted");
  });
});

describe("reactions", () => {
  const react = (key: string, target = "$botq") => ({ ...msg({ "m.relates_to": { rel_type: "m.annotation", event_id: target, key } }), type: "m.reaction" });

  test("👍 and 👎 (any skin tone) on a message with buttons are button presses", () => {
    const ids = ["👍", "👍🏽", "👍️", "👎"].map((k) => { const r = parseEvent(react(k), ctx()); return r.kind === "action" ? r.action.actionId : r.kind; });
    expect(ids).toEqual(["approve:a1", "approve:a1", "approve:a1", "deny:a1"]);
  });

  test("other keys, or reactions on messages without buttons, are nothing", () => {
    expect(parseEvent(react("🎉"), ctx()).kind).toBe("ignore");
    expect(parseEvent(react("👍", "$bot1"), ctx()).kind).toBe("ignore");
  });
});

describe("Markdown quotes and reply fallbacks", () => {
  const text = (content: Record<string, unknown>) => {
    const r = parseEvent(msg({ msgtype: "m.text", ...content }), ctx());
    if (r.kind !== "message") throw new Error(`not a message: ${r.kind}`);
    return r.message.text;
  };
  const reply = { "m.relates_to": { "m.in_reply_to": { event_id: "$bot1" } } };

  test("a message (no reply) that starts with a quote keeps it", () => {
    expect(text({ body: "> To be, or not to be…\n\nWho wrote this line?" })).toBe("> To be, or not to be…\n\nWho wrote this line?");
    expect(text({ body: "> only a quote, please explain it" })).toBe("> only a quote, please explain it");
    // even when it looks like a fallback: without m.in_reply_to there is no reply to strip
    expect(text({ body: "> <@bob:example.org> said this\n\nreally?" })).toBe("> <@bob:example.org> said this\n\nreally?");
  });

  test("a reply loses exactly the fallback; the user's own quote after it stays", () => {
    expect(text({ body: "> <@molt:example.org> line one\n> line two\n>\n> line four\n\nthanks", ...reply })).toBe("thanks");
    expect(text({ body: "> * <@molt:example.org> waves\n\nhi", ...reply })).toBe("hi");
    expect(text({ body: "> <@molt:example.org> earlier\n\n> this part\n\nwhy?", ...reply })).toBe("> this part\n\nwhy?");
  });

  test("a reply without a fallback (as newer clients send) keeps a leading quote", () => {
    expect(text({ body: "> quoted by hand\n\nwhy?", ...reply })).toBe("> quoted by hand\n\nwhy?");
    expect(text({ body: "> just a quote", ...reply })).toBe("> just a quote");
  });
});

test("stripReplyFallback strips only the spec's shape", () => {
  expect(stripReplyFallback("plain")).toBe("plain");
  expect(stripReplyFallback("> <@a:x> a\n> b\n\nc\n> d")).toBe("c\n> d");
  expect(stripReplyFallback("> a\n> b\n\nc")).toBe("> a\n> b\n\nc");
  expect(stripReplyFallback("> <@a:x> a\nno blank line")).toBe("> <@a:x> a\nno blank line");
  expect(stripReplyFallback("> <@a:x> a")).toBe("> <@a:x> a");
});
