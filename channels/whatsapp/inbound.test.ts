import { describe, expect, test } from "bun:test";
import type { WAMessage } from "baileys";
import { BOT } from "../../tests/fakes/whatsapp/fake-socket.ts";
import { loadMessage, loadMessages, loadRaw } from "../../tests/fakes/whatsapp/fixtures.ts";
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
