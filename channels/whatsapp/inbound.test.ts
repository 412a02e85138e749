import { describe, expect, test } from "bun:test";
import type { WAMessage } from "baileys";
import { BOT } from "../../tests/fakes/whatsapp/fake-socket.ts";
import { loadMessage, loadMessages, loadRaw, textMessage } from "../../tests/fakes/whatsapp/fixtures.ts";
import { parseInbound } from "./inbound.ts";
import { botJids } from "./jid.ts";

const bot = botJids(BOT);
const ok = (m: WAMessage) => {
  const r = parseInbound(m, bot);
  if (!r.ok) throw new Error(`skipped: ${r.reason}`);
  return r;
};

describe("inbound WhatsApp messages", () => {
  test("a direct text: phone number as user, JID as chat, key id for de-duplication", () => {
    const { message } = ok(loadMessage("dm-text.json"));
    expect(message).toMatchObject({
      channel: "whatsapp", chatId: "15550001111@s.whatsapp.net", userId: "15550001111", id: "3EB0C4F1A2B3D4E5F601",
      text: "hello, who are you?", isGroup: false, mentioned: false, displayName: "Ann",
    });
    expect(message.receivedAt.toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });

  test("a LID-addressed chat still yields the sender's phone number", () => {
    const { message } = ok(loadMessage("dm-lid.json"));
    expect(message.userId).toBe("15550003333");
    expect(message.chatId).toBe("204800000000123@lid");
    expect(message.text).toBe("hi from a privacy-addressed chat");
  });

  test("a group message mentioning the bot", () => {
    const { message } = ok(loadMessage("group-mention.json"));
    expect(message).toMatchObject({ chatId: "120363041234567890@g.us", userId: "15550002222", isGroup: true, mentioned: true });
    expect(message.replyToBot).toBeUndefined();
  });

  test("a group message neither mentioning nor replying is not addressed to the bot", () => {
    const { message } = ok(loadMessage("group-plain.json"));
    expect(message.isGroup).toBe(true);
    expect(message.mentioned).toBe(false);
    expect(message.replyToBot).toBeUndefined();
  });

  test("a reply quoting the bot's message", () => {
    const { message } = ok(loadMessage("group-reply.json"));
    expect(message).toMatchObject({ replyToBot: true, replyTo: "3EB0BOTANSWER0000001", mentioned: false, text: "and the day after?" });
    // quoting someone else is no reply to the bot
    const other = loadMessage("group-reply.json");
    other.message!.extendedTextMessage!.contextInfo!.participant = "15550004444@s.whatsapp.net";
    expect(ok(other).message.replyToBot).toBeUndefined();
  });

  test("a mention of the bot's LID counts too", () => {
    const m = loadMessage("group-mention.json");
    m.message!.extendedTextMessage!.contextInfo!.mentionedJid = ["88000000000001@lid"];
    expect(ok(m).message.mentioned).toBe(true);
  });

  test("an image carries its caption as text and is returned for download", () => {
    const r = ok(loadMessage("dm-image.json", "http://127.0.0.1:1"));
    expect(r.message.text).toBe("what is in this picture?");
    expect(r.image?.mimetype).toBe("image/png");
  });

  test("own messages, statuses, reactions and stubs are skipped quietly", () => {
    for (const m of loadMessages("skipped.json")) {
      const r = parseInbound(m, bot);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.malformed).toBe(false);
    }
  });

  test("malformed payloads are skipped as malformed, never thrown", () => {
    for (const raw of loadRaw("malformed.json")) {
      const r = parseInbound(raw as WAMessage, bot);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.malformed).toBe(true);
    }
  });
});

describe("the bot's own mention is cut from the text", () => {
  const GROUP = "120363041234567890@g.us";
  const BO = "15550002222@s.whatsapp.net";
  const said = (text: string, mentions?: string[]) => ok(textMessage({ chat: GROUP, from: BO, text, ...(mentions ? { mentions } : {}) })).message;

  test("the group-mention fixture reads as the question alone", () => {
    expect(ok(loadMessage("group-mention.json")).message.text).toBe("what's on my calendar?");
  });

  test.each([
    ["phone JID, command", "@15550009999 /approve a1b2c3", ["15550009999@s.whatsapp.net"], "/approve a1b2c3"],
    ["phone JID with a device suffix", "@15550009999 /stop", ["15550009999:7@s.whatsapp.net"], "/stop"],
    ["LID", "@88000000000001 hi by lid", ["88000000000001@lid"], "hi by lid"],
    ["LID listed, phone form typed", "@15550009999 hi", ["88000000000001@lid"], "hi"],
    ["in the middle", "hi @15550009999 what time is it?", ["15550009999@s.whatsapp.net"], "hi what time is it?"],
    ["at the end", "what time is it? @15550009999", ["15550009999@s.whatsapp.net"], "what time is it?"],
    ["with a comma", "@15550009999, /deny a1b2c3", ["15550009999@s.whatsapp.net"], "/deny a1b2c3"],
    ["twice", "@15550009999 hi @15550009999", ["15550009999@s.whatsapp.net"], "hi"],
    ["others' mentions stay", "@15550004444 and @15550009999 lunch?", ["15550004444@s.whatsapp.net", "15550009999@s.whatsapp.net"], "@15550004444 and lunch?"],
    ["a longer number that starts alike stays", "@155500099991 @15550009999 hi", ["155500099991@s.whatsapp.net", "15550009999@s.whatsapp.net"], "@155500099991 hi"],
  ])("%s", (_what, text, mentions, expected) => {
    const m = said(text, mentions);
    expect(m.mentioned).toBe(true);
    expect(m.text).toBe(expected);
  });

  test("the number typed without a real mention is left alone (and is no mention)", () => {
    const m = said("call @15550009999 later");
    expect(m).toMatchObject({ mentioned: false, text: "call @15550009999 later" });
    expect(said("call @15550009999 later", ["15550004444@s.whatsapp.net"]).text).toBe("call @15550009999 later");
  });

  test("an image caption loses the mention too", () => {
    const m = loadMessage("dm-image.json", "http://127.0.0.1:1");
    m.message!.imageMessage!.caption = "@15550009999 what is this?";
    m.message!.imageMessage!.contextInfo = { mentionedJid: ["15550009999@s.whatsapp.net"] };
    expect(ok(m).message).toMatchObject({ text: "what is this?", mentioned: true });
  });
});
