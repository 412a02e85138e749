import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { InboundMessage } from "../../runtime/contracts/channel.ts";
import { fixturePath, loadMessage, loadMessages, loadRaw } from "../../tests/fakes/whatsapp/fixtures.ts";
import { startWhatsApp, until, type WhatsAppHarness } from "../../tests/fakes/whatsapp/harness.ts";
import type { WAMessage } from "baileys";

let h: WhatsAppHarness;
afterEach(() => h?.stop());

async function listening(): Promise<InboundMessage[]> {
  h = await startWhatsApp();
  const got: InboundMessage[] = [];
  h.plugin.onMessage((m) => void got.push(m));
  await h.connect();
  return got;
}

describe("WhatsApp inbound through the socket's events", () => {
  test("messages.upsert (notify) reaches the handler; a redelivery does not, nor does history", async () => {
    const got = await listening();
    h.wa.last.upsert([loadMessage("dm-text.json")]);
    await until(() => got.length === 1, "first message");
    h.wa.last.upsert(loadMessages("group-plain.json"), "append"); // history sync from the phone
    // WhatsApp redelivers unacknowledged messages after a reconnect
    h.wa.last.close(428);
    await h.wa.socketCount(2);
    h.wa.last.open();
    h.wa.last.upsert([loadMessage("dm-text.json"), loadMessage("group-mention.json")]);
    await until(() => got.length === 2, "second message");
    expect(got.map((m) => m.id)).toEqual(["3EB0C4F1A2B3D4E5F601", "3EB0AA11BB22CC33DD03"]);
    expect(got[1]).toMatchObject({ isGroup: true, mentioned: true, userId: "15550002222" });
  });

  test("buffered events (as baileys batches offline messages) arrive in order", async () => {
    const got = await listening();
    const sock = h.wa.last;
    sock.ev.buffer();
    sock.upsert([loadMessage("group-mention.json")]);
    sock.upsert([loadMessage("group-reply.json")]);
    expect(got.length).toBe(0);
    sock.ev.flush();
    await until(() => got.length === 2, "flushed messages");
    expect(got.map((m) => m.text)).toEqual(["@15550009999 what's on my calendar?", "and the day after?"]);
    expect(got[1]).toMatchObject({ replyToBot: true, replyTo: "3EB0BOTANSWER0000001" });
  });

  test("malformed payloads are logged and skipped; the next message still arrives", async () => {
    const got = await listening();
    h.wa.last.upsert(loadRaw("malformed.json") as WAMessage[]);
    h.wa.last.upsert([...loadMessages("skipped.json"), loadMessage("dm-lid.json")]);
    await until(() => got.length === 1, "the good message");
    expect(got[0]?.userId).toBe("15550003333");
    const warned = h.logs.filter((l) => l.message.includes("skipped a malformed message"));
    expect(warned.length).toBe(8);
    // the log names why, never what was said
    expect(warned.every((l) => !l.message.includes("no key at all"))).toBe(true);
  });

  test("an image is downloaded and decrypted by baileys into an attachment", async () => {
    const got = await listening();
    h.media.put("/v/t62.7118-24/photo.enc", readFileSync(fixturePath("photo.enc")));
    h.wa.last.upsert([loadMessage("dm-image.json", h.media.url)]);
    await until(() => got.length === 1, "image message");
    const [a] = got[0]!.attachments ?? [];
    expect(a?.kind).toBe("image");
    expect(a?.mime).toBe("image/png");
    expect(Buffer.from(a!.data!)).toEqual(readFileSync(fixturePath("photo.png")));
    expect(got[0]?.text).toBe("what is in this picture?");
  });

  test("an image that cannot be fetched still delivers its caption, with a warning", async () => {
    const got = await listening();
    h.wa.last.upsert([loadMessage("dm-image.json", h.media.url)]); // nothing served there: 404
    await until(() => got.length === 1, "caption");
    expect(got[0]?.attachments).toBeUndefined();
    expect(got[0]?.text).toBe("what is in this picture?");
    const warn = h.logs.find((l) => l.message.includes("could not download an image"));
    expect(warn?.message).not.toContain(h.media.url);
  });

  test("a handler that throws is logged; later messages still arrive", async () => {
    const got = await listening();
    h.plugin.onMessage(() => { throw new Error("router broke"); });
    h.wa.last.upsert([loadMessage("dm-text.json")]);
    h.wa.last.upsert([loadMessage("group-plain.json")]);
    await until(() => got.length === 2, "both messages");
    expect(h.logs.filter((l) => l.message.includes("handler failed")).length).toBe(2);
  });
});
