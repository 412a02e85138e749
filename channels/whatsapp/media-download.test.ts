import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { proto } from "baileys";
import { fixturePath, loadMessage } from "../../tests/fakes/whatsapp/fixtures.ts";
import { startMediaServer, type MediaServer } from "../../tests/fakes/whatsapp/media-server.ts";
import { downloadImage, MediaRefused, mediaUrl } from "./media-download.ts";

const img = (o: { url?: string; directPath?: string }) => proto.Message.ImageMessage.fromObject(o);

describe("which media URLs are fetched (url and directPath are the sender's to write)", () => {
  const cases: [string, { url?: string; directPath?: string }, string | undefined][] = [
    ["WhatsApp's CDN url", { url: "https://mmg.whatsapp.net/v/t62.7118-24/1.enc?ccb=11" }, "https://mmg.whatsapp.net/v/t62.7118-24/1.enc?ccb=11"],
    ["a regional CDN host", { url: "https://media-fra5-1.cdn.whatsapp.net/v/t62/1.enc" }, "https://media-fra5-1.cdn.whatsapp.net/v/t62/1.enc"],
    ["directPath alone, on baileys' default host", { directPath: "/v/t62.7118-24/1.enc" }, "https://mmg.whatsapp.net/v/t62.7118-24/1.enc"],
    ["directPath on the url's WhatsApp host", { url: "https://mmg-fna.whatsapp.net/x", directPath: "/v/1.enc" }, "https://mmg-fna.whatsapp.net/v/1.enc"],
    ["plain http", { url: "http://mmg.whatsapp.net/v/1.enc" }, undefined],
    ["another host", { url: "https://evil.example/1.enc" }, undefined],
    ["a look-alike host", { url: "https://mmg.whatsapp.net.evil.example/1.enc" }, undefined],
    ["the bare domain's sibling", { url: "https://notwhatsapp.net/1.enc" }, undefined],
    ["another port", { url: "https://mmg.whatsapp.net:8443/1.enc" }, undefined],
    ["credentials in the url", { url: "https://user:pw@mmg.whatsapp.net/1.enc" }, undefined],
    ["a loopback address", { url: "http://127.0.0.1:8080/1.enc" }, undefined],
    ["directPath on another host's url", { url: "https://evil.example/x", directPath: "/v/1.enc" }, undefined],
    ["directPath that moves the host (userinfo)", { directPath: "@evil.example/v/1.enc" }, undefined],
    ["directPath that moves the host (port)", { directPath: ":8080/v/1.enc" }, undefined],
    ["not a URL", { url: "not a url" }, undefined],
    ["neither url nor directPath", {}, undefined],
  ];
  for (const [name, media, want] of cases) {
    test(name, () => {
      expect(mediaUrl(img(media))?.href).toBe(want);
    });
  }
});

describe("downloadImage", () => {
  let media: MediaServer;
  afterEach(() => media?.stop());
  const local = { allowed: (u: URL) => u.hostname === "127.0.0.1" };

  test("decrypts WhatsApp's AES-CBC + HMAC format; a tampered body fails its check", async () => {
    media = startMediaServer();
    const enc = readFileSync(fixturePath("photo.enc"));
    media.put("/v/t62.7118-24/photo.enc", enc);
    const image = loadMessage("dm-image.json", media.url).message!.imageMessage!;
    expect(Buffer.from(await downloadImage(image, local))).toEqual(readFileSync(fixturePath("photo.png")));
    const bad = new Uint8Array(enc);
    bad[3] = bad[3]! ^ 1;
    media.put("/v/t62.7118-24/photo.enc", bad);
    await expect(downloadImage(image, local)).rejects.toThrow("integrity check");
  });

  test("a body longer than the cap is refused from its content-length", async () => {
    media = startMediaServer();
    media.put("/v/t62.7118-24/photo.enc", readFileSync(fixturePath("photo.enc")));
    const image = loadMessage("dm-image.json", media.url).message!.imageMessage!;
    image.fileLength = 10; // the sender may understate it
    const err = await downloadImage(image, { ...local, maxBytes: 40 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaRefused);
    expect((err as Error).message).toContain("larger than 40 bytes");
  });
});
