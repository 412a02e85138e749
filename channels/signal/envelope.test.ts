import { describe, expect, test } from "bun:test";
import { envelope, receipt } from "../../tests/fakes/signal/envelopes.ts";
import { parseReceive, type ParsedEnvelope, type SelfIds } from "./envelope.ts";

const BOT = "+15550001111";
const ann = { number: "+15550002222", name: "Ann" };
const wrap = (env: unknown) => JSON.stringify({ account: BOT, envelope: env });
const parsed = (data: string, self: SelfIds = { account: BOT }): ParsedEnvelope => {
  const p = parseReceive(data, self);
  if (typeof p === "string") throw new Error(`expected a message, got ${p}`);
  return p;
};

describe("parseReceive", () => {
  test("a direct message: chat and user are the sender's number, id is source:timestamp", () => {
    const p = parsed(wrap(envelope(ann, "hello", 1700000000001, 1700000000005)));
    expect(p.message).toMatchObject({ channel: "signal", chatId: ann.number, userId: ann.number, id: `${ann.number}:1700000000001`, text: "hello", isGroup: false, mentioned: false, displayName: "Ann" });
    expect(p.serverTs).toBe(1700000000005);
    expect(p.from).toEqual({ recipient: ann.number });
  });

  test("the JSON-RPC notification form is read the same", () => {
    const data = JSON.stringify({ jsonrpc: "2.0", method: "receive", params: { envelope: envelope(ann, "hi", 1700000000001, 1700000000002) } });
    expect(parsed(data).message.text).toBe("hi");
  });

  test("a sender without a number is known by UUID", () => {
    const env = { ...envelope(ann, "hi", 1700000000001, 1700000000002), source: "8c1f2c6e-1111-4a4a-9b9b-123456789abc", sourceNumber: null, sourceUuid: "8c1f2c6e-1111-4a4a-9b9b-123456789abc" };
    expect(parsed(wrap(env)).message).toMatchObject({ userId: "8c1f2c6e-1111-4a4a-9b9b-123456789abc", chatId: "8c1f2c6e-1111-4a4a-9b9b-123456789abc" });
  });

  test("a group message mentioning the bot: group chat, mentioned, mention removed from the text", () => {
    const env = envelope(ann, "\uFFFC what time is it, \uFFFC?", 1700000000001, 1700000000002, {
      groupId: "Z3JvdXAx",
      mentions: [{ number: BOT, start: 0, length: 1 }, { number: "+15550003333", name: "Bob", start: 19, length: 1 }],
    });
    const p = parsed(wrap(env));
    expect(p.message).toMatchObject({ chatId: "group:Z3JvdXAx", userId: ann.number, isGroup: true, mentioned: true, text: "what time is it, @Bob?" });
    expect(p.from).toEqual({ groupId: "Z3JvdXAx" });
  });

  test("once our UUID has passed by in a sync copy, mentions and quotes by UUID count as the bot", () => {
    const self: SelfIds = { account: BOT };
    const BOT_UUID = "b0b0b0b0-0000-4000-8000-000000000001";
    const sync = { source: BOT, sourceNumber: BOT, sourceUuid: BOT_UUID, sourceDevice: 2, timestamp: 1700000000000, syncMessage: { sentMessage: { destination: ann.number, timestamp: 1700000000000, message: "hi" } } };
    expect(parseReceive(wrap(sync), self)).toBe("ignore");
    expect(self.uuid).toBe(BOT_UUID);
    const env = envelope(ann, "\uFFFC hi", 1700000000001, 1700000000002, { groupId: "g", mentions: [{ uuid: BOT_UUID, start: 0, length: 1 }], quote: { id: 1700000000000, author: BOT_UUID } });
    expect(parsed(wrap(env), self).message).toMatchObject({ mentioned: true, replyToBot: true, text: "hi" });
    expect(parsed(wrap(env)).message).toMatchObject({ mentioned: false });
  });

  test("many mentions in a long message are each replaced", () => {
    const n = 8000;
    const text = "\uFFFC hi ".repeat(n);
    const mentions = Array.from({ length: n }, (_, i) => ({ number: i % 2 ? BOT : "+15550003333", name: "Bob", start: i * 5, length: 1 }));
    const env = envelope(ann, text, 1700000000001, 1700000000002, { groupId: "g", mentions });
    expect(parsed(wrap(env)).message).toMatchObject({ mentioned: true, text: "@Bob hi hi ".repeat(n / 2) });
  });

  test("a group message mentioning someone else is not a mention of the bot", () => {
    const env = envelope(ann, "ask \uFFFC", 1700000000001, 1700000000002, { groupId: "g", mentions: [{ uuid: "0000-other", start: 4, length: 1 }] });
    expect(parsed(wrap(env)).message).toMatchObject({ mentioned: false, text: "ask @0000-other" });
  });

  test("a quote of the bot's message is a reply to the bot; a quote of someone else is not", () => {
    const toBot = parsed(wrap(envelope(ann, "yes", 1700000000009, 1700000000010, { groupId: "g", quote: { id: 1700000000003, author: BOT } })));
    expect(toBot.message).toMatchObject({ replyToBot: true, replyTo: `${BOT}:1700000000003` });
    const toBob = parsed(wrap(envelope(ann, "yes", 1700000000009, 1700000000010, { groupId: "g", quote: { id: 1700000000003, author: "+15550003333" } })));
    expect(toBob.message.replyToBot).toBeUndefined();
  });

  test("attachments are listed for fetching; long-text attachments are not", () => {
    const p = parsed(wrap(envelope(ann, "", 1700000000001, 1700000000002, { attachments: [
      { id: "a1.png", contentType: "image/png", filename: "cat.png", size: 10 },
      { id: "lt.txt", contentType: "text/x-signal-plain", size: 3000 },
    ] })));
    expect(p.attachments).toEqual([{ id: "a1.png", contentType: "image/png", filename: "cat.png", size: 10 }]);
  });

  test("receipts, our own echoes, reactions, empty group updates and other accounts are ignored", () => {
    expect(parseReceive(wrap(receipt(ann, 1700000000001)), { account: BOT })).toBe("ignore");
    expect(parseReceive(wrap(envelope({ number: BOT }, "echo", 1, 2)), { account: BOT })).toBe("ignore");
    const reaction = envelope(ann, null, 1700000000001, 1700000000002);
    (reaction.dataMessage as Record<string, unknown>).reaction = { emoji: "👍", targetAuthor: BOT, targetSentTimestamp: 1, isRemove: false };
    expect(parseReceive(wrap(reaction), { account: BOT })).toBe("ignore");
    expect(parseReceive(wrap(envelope(ann, null, 1700000000001, 1700000000002, { groupId: "g" })), { account: BOT })).toBe("ignore");
    expect(parseReceive(JSON.stringify({ account: "+15559999999", envelope: envelope(ann, "hi", 1, 2) }), { account: BOT })).toBe("ignore");
    expect(parseReceive(JSON.stringify({ account: BOT, exception: { message: "decryption failed", type: "ProtocolInvalidMessageException" } }), { account: BOT })).toBe("ignore");
  });

  test("malformed payloads are reported as such, never thrown", () => {
    for (const data of ["not json", "[]", "null", "42", JSON.stringify({ envelope: "x" }), JSON.stringify({ envelope: { dataMessage: { message: "no sender" } } }), JSON.stringify({ envelope: { source: "+15550002222", timestamp: "soon", dataMessage: { message: "x" } } }), JSON.stringify({ envelope: { source: "+1555", timestamp: 1, dataMessage: "text" } })]) {
      expect(parseReceive(data, { account: BOT })).toBe("malformed");
    }
    // Mentions pointing past the end of the text are dropped, not applied.
    const env = envelope(ann, "hi", 1700000000001, 1700000000002, { mentions: [{ number: BOT, start: 5, length: 3 }] });
    expect(parsed(wrap(env)).message.text).toBe("hi");
  });
});
