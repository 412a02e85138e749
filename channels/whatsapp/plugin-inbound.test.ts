import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { InboundMessage } from "../../runtime/contracts/channel.ts";
import { fixturePath, loadMessage, loadMessages, loadRaw } from "../../tests/fakes/whatsapp/fixtures.ts";
import { startWhatsApp, until, type WhatsAppHarness } from "../../tests/fakes/whatsapp/harness.ts";
import { proto, type WAMessage } from "baileys";
import type { WhatsAppOptions } from "./plugin.ts";
import { MAX_IMAGE_BYTES } from "./media-download.ts";

let h: WhatsAppHarness;
afterEach(() => h?.stop());

/** The harness's media server stands in for WhatsApp's CDN only where a test says so. */
const LOCAL_CDN: WhatsAppOptions = { mediaUrlAllowed: (u) => u.hostname === "127.0.0.1" };

async function listening(opts: WhatsAppOptions = {}): Promise<InboundMessage[]> {
  h = await startWhatsApp(opts);
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
    expect(got.map((m) => m.text)).toEqual(["what's on my calendar?", "and the day after?"]);
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

  test("an image is downloaded and decrypted into an attachment", async () => {
    const got = await listening(LOCAL_CDN);
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
    const got = await listening(LOCAL_CDN);
    h.wa.last.upsert([loadMessage("dm-image.json", h.media.url)]); // nothing served there: 404
    await until(() => got.length === 1, "caption");
    expect(got[0]?.attachments).toBeUndefined();
    expect(got[0]?.text).toBe("what is in this picture?");
    const warn = h.logs.find((l) => l.message.includes("could not download an image"));
    expect(warn?.message).not.toContain(h.media.url);
  });

  test("an image whose URL is not on WhatsApp's media servers is never fetched; the caption arrives", async () => {
    const got = await listening(); // default: only https on *.whatsapp.net
    h.media.put("/v/t62.7118-24/photo.enc", readFileSync(fixturePath("photo.enc")));
    h.wa.last.upsert([loadMessage("dm-image.json", h.media.url)]);
    const viaDirectPath = imageFrom(h.media.url, { id: "3EB0IMGDIRECTPATH001" });
    viaDirectPath.message!.imageMessage!.directPath = "/v/t62.7118-24/photo.enc"; // baileys would use the url's host
    h.wa.last.upsert([viaDirectPath]);
    await until(() => got.length === 2, "both captions");
    expect(got.map((m) => m.attachments)).toEqual([undefined, undefined]);
    expect(got[0]?.text).toBe("what is in this picture?");
    expect(h.media.requests).toEqual([]);
    const warned = h.logs.filter((l) => l.message.includes("not on WhatsApp's media servers"));
    expect(warned.length).toBe(2);
    expect(warned.every((l) => !l.message.includes("127.0.0.1"))).toBe(true);
  });

  test("an image declaring more than the cap is not fetched, also inside ephemeral or view-once wrappers", async () => {
    const got = await listening(LOCAL_CDN);
    h.media.put("/v/t62.7118-24/photo.enc", readFileSync(fixturePath("photo.enc")));
    const huge = String(MAX_IMAGE_BYTES + 1);
    h.wa.last.upsert([
      imageFrom(h.media.url, { id: "3EB0IMGHUGEPLAIN0001", fileLength: huge }),
      imageFrom(h.media.url, { id: "3EB0IMGHUGEEPHEM0001", fileLength: huge, wrap: "ephemeralMessage" }),
      imageFrom(h.media.url, { id: "3EB0IMGHUGEVONCE0001", fileLength: huge, wrap: "viewOnceMessageV2" }),
    ]);
    await until(() => got.length === 3, "three captions");
    expect(got.map((m) => [m.text, m.attachments])).toEqual(Array(3).fill(["what is in this picture?", undefined]));
    expect(h.media.requests).toEqual([]);
    expect(h.logs.filter((l) => l.message.includes(`(limit ${MAX_IMAGE_BYTES})`)).length).toBe(3);
  });

  test("a wrapped image of honest size is still downloaded", async () => {
    const got = await listening(LOCAL_CDN);
    h.media.put("/v/t62.7118-24/photo.enc", readFileSync(fixturePath("photo.enc")));
    h.wa.last.upsert([imageFrom(h.media.url, { id: "3EB0IMGEPHEMERAL0001", wrap: "ephemeralMessage" })]);
    await until(() => got.length === 1, "image message");
    expect(Buffer.from(got[0]!.attachments![0]!.data!)).toEqual(readFileSync(fixturePath("photo.png")));
  });

  test("a body that streams past the cap (whatever size was declared) is cut off; the caption arrives", async () => {
    let sent = 0;
    let cancelled = false;
    const chunk = new Uint8Array(1 << 16);
    const endless = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response(new ReadableStream({
        pull(c) { sent += chunk.length; c.enqueue(chunk); },
        cancel() { cancelled = true; },
      })),
    });
    try {
      const got = await listening(LOCAL_CDN);
      h.wa.last.upsert([loadMessage("dm-image.json", `http://127.0.0.1:${endless.port}`)]); // declares 95 bytes
      await until(() => got.length === 1, "caption");
      expect(got[0]?.attachments).toBeUndefined();
      expect(got[0]?.text).toBe("what is in this picture?");
      await until(() => cancelled, "the download to be aborted");
      // the cap plus what sockets buffer, nowhere near an unbounded body
      expect(sent).toBeLessThan(2 * MAX_IMAGE_BYTES);
      expect(h.logs.some((l) => l.message.includes("download stopped"))).toBe(true);
    } finally {
      await endless.stop(true);
    }
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

/** dm-image.json with another id, optionally another declared size or inside a wrapper message. */
function imageFrom(media: string, o: { id: string; fileLength?: string; wrap?: "ephemeralMessage" | "viewOnceMessageV2" }): WAMessage {
  const m = loadMessage("dm-image.json", media);
  m.key.id = o.id;
  const image = proto.Message.ImageMessage.toObject(m.message!.imageMessage as proto.Message.ImageMessage, { longs: String, bytes: String });
  if (o.fileLength) image.fileLength = o.fileLength;
  m.message = proto.Message.fromObject(o.wrap ? { [o.wrap]: { message: { imageMessage: image } } } : { imageMessage: image });
  return m;
}
