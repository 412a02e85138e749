// How fixtures/dm-image.json and fixtures/photo.enc were made: a small PNG encrypted the way
// WhatsApp media is (baileys' encryptedStream: AES-CBC + HMAC under keys derived from a media
// key). Run `bun tests/fakes/whatsapp/make-image-fixture.ts` to regenerate.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { encryptedStream, proto } from "baileys";

const dir = join(import.meta.dir, "fixtures");
const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
const enc = await encryptedStream(png, "image");
await writeFile(join(dir, "photo.png"), png);
await writeFile(join(dir, "photo.enc"), await readFile(enc.encFilePath));

const msg = proto.WebMessageInfo.fromObject({
  key: { remoteJid: "15550001111@s.whatsapp.net", fromMe: false, id: "3EB0A1B2C3D4E5F6IMG1" },
  messageTimestamp: 1767225600,
  pushName: "Ann",
  message: {
    imageMessage: {
      url: "{{MEDIA}}/v/t62.7118-24/photo.enc",
      mimetype: "image/png",
      caption: "what is in this picture?",
      fileSha256: enc.fileSha256,
      fileEncSha256: enc.fileEncSha256,
      fileLength: enc.fileLength,
      height: 8,
      width: 8,
      mediaKey: enc.mediaKey,
      mediaKeyTimestamp: 1767225590,
    },
  },
});
await writeFile(join(dir, "dm-image.json"), JSON.stringify(msg.toJSON(), null, 2) + "\n");
console.log("wrote dm-image.json, photo.png, photo.enc");
