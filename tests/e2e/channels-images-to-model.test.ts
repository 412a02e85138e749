// A user's photo reaches the model: the Telegram fake Bot API ↔ grammy in the Telegram plugin ↔
// the real router and agent ↔ the real Ollama provider ↔ the fake Ollama server, which records
// the base64 images it received. Also through the router's TestChannel: what is not shown
// (too large, too many, not an image) the model reads about instead.
import { afterEach, describe, expect, test } from "bun:test";
import sharp from "sharp";
import { TelegramChannel } from "../../channels/telegram/index.ts";
import type { Attachment } from "../../runtime/contracts/channel.ts";
import { sizeText } from "../../runtime/agent/turn-images.ts";
import { TestChannel } from "../../runtime/channel-router/test-channel.ts";
import { startChannelStack, type ChannelStack } from "../helpers/channel-stack.ts";
import { photo, startFakeTelegram, textDm, user, type FakeTelegram } from "../fakes/telegram/index.ts";

let stack: ChannelStack | null = null;
let telegram: FakeTelegram | null = null;
afterEach(async () => {
  await stack?.stop();
  await telegram?.stop();
  stack = null;
  telegram = null;
});

const ann = user(42, "Ann");
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const chatBodies = (s: ChannelStack) => s.model.requests.filter((r) => r.path === "/api/chat").map((r) => r.body as { messages: { role: string; content: string; images?: string[] }[] });
const realImage = async (format: "jpeg" | "png" | "webp", color: string) =>
  new Uint8Array(await sharp({ create: { width: 16, height: 12, channels: 3, background: color } })[format]().toBuffer());

describe("telegram photo → model", () => {
  test("the model receives the photo's bytes with the caption; the next message does not re-send it", async () => {
    const jpeg = await realImage("jpeg", "#3366cc");
    telegram = await startFakeTelegram();
    const plugin = new TelegramChannel({ pollTimeoutSeconds: 5 });
    stack = await startChannelStack({
      channels: [{ plugin, config: { token: telegram.token, api_root: telegram.url, dm: "allowlist", allow: ["42"] } }],
      script: [{ text: "A blue rectangle." }, { text: "Blue, as I said." }],
    });

    telegram.inject(photo(ann, telegram.addFile(jpeg, "photos/file_7.jpg"), "what is in this picture?"));
    const answer = await telegram.waitSent((m) => m.chat.id === 42);
    expect(answer.text).toBe("A blue rectangle.");
    const [received] = stack.model.images();
    expect(stack.model.images()).toHaveLength(1);
    expect(received!.base64).toBe(b64(jpeg));
    expect(received!.role).toBe("user");
    expect(received!.text).toBe("what is in this picture?");

    telegram.inject(textDm(ann, "what colour was it?"));
    await telegram.waitSent((m) => m.chat.id === 42 && m !== answer);
    const later = chatBodies(stack)[1]!;
    expect(later.messages.some((m) => m.images?.length)).toBe(false);
    expect(later.messages.map((m) => m.content)).toContain(`what is in this picture?\n[image: file_7.jpg, ${sizeText(jpeg.byteLength)}]`);
    expect(later.messages.at(-1)).toEqual({ role: "user", content: "what colour was it?" });
  });
});

describe("test channel → model", () => {
  test("at most four images go; oversized, extra and non-image attachments become notes the model reads", async () => {
    const chan = new TestChannel();
    stack = await startChannelStack({ channels: [{ plugin: chan, config: { dm: "open" } }], script: [{ text: "Four pictures." }] });
    const [a, b, c, d, e] = await Promise.all([realImage("png", "red"), realImage("jpeg", "green"), realImage("webp", "blue"), realImage("png", "white"), realImage("jpeg", "black")]);
    const huge = new Uint8Array(4 * 1024 * 1024);
    huge.set(a!.subarray(0, 8)); // a PNG signature, but over the limit
    const img = (data: Uint8Array, name: string, mime = "image/jpeg"): Attachment => ({ kind: "image", mime, name, data });
    chan.inject("u1", "compare these", { attachments: [
      img(huge, "huge.png", "image/png"), img(a!, "a.png"), img(b!, "b.jpg"), img(c!, "c.webp"), img(d!, "d.png"), img(e!, "e.jpg"),
      { kind: "file", mime: "application/pdf", name: "notes.pdf", data: new TextEncoder().encode("%PDF-1.4") },
    ] });
    expect((await chan.next()).message.text).toBe("Four pictures.");
    expect(stack.model.images().map((i) => i.base64)).toEqual([a!, b!, c!, d!].map(b64));
    const user = chatBodies(stack)[0]!.messages.at(-1)!;
    expect(user.content.split("\n")).toEqual([
      "compare these",
      `[moltbot] The user attached image "huge.png" (4.00 MiB); it is not shown to you: it is larger than the 3.75 MiB limit.`,
      `[moltbot] The user attached image "e.jpg" (${sizeText(e!.byteLength)}); it is not shown to you: at most 4 images are shown per message.`,
      `[moltbot] The user attached file "notes.pdf" (8 B); it is not shown to you: only images are passed to the model.`,
    ]);
  });
});
