// Inbound images. The sender writes a media message's url, directPath and fileLength, so none of
// them is trusted: baileys' own download GETs whatever URL a message names and buffers the whole
// body. Here the URL must be on WhatsApp's media CDN, the body is counted while it streams and
// cut off at a cap, and only then decrypted and checked (AES-256-CBC + HMAC, as baileys encrypts).
import { createDecipheriv, createHmac, timingSafeEqual } from "node:crypto";
import { DEF_MEDIA_HOST, DEFAULT_ORIGIN, getMediaKeys, type proto } from "baileys";
import { readBodyAtMost } from "../../runtime/contracts/read-body.ts";

/** Images above this are not downloaded (the text still arrives); as on the other channels. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** Ciphertext = plaintext padded to a 16-byte block, then a 10-byte MAC. */
const MAC_BYTES = 10;
const ENC_OVERHEAD = 16 + MAC_BYTES;
const TIMEOUT_MS = 60_000;

/** Which URLs media may be fetched from. */
export type MediaUrlCheck = (url: URL) => boolean;

/** WhatsApp's media CDN: https on the default port of a `*.whatsapp.net` host (mmg.whatsapp.net). */
export const isWhatsAppMediaUrl: MediaUrlCheck = (u) =>
  u.protocol === "https:" && u.hostname.endsWith(".whatsapp.net") && u.port === "" && !u.username && !u.password;

/** A download we chose not to make; its message is safe to log (no URL, no content). */
export class MediaRefused extends Error {
  override name = "MediaRefused";
}

export interface DownloadOptions {
  allowed?: MediaUrlCheck;
  maxBytes?: number;
}

/** The sender-declared size (a number, numeric string or protobuf Long); 0 when absent or odd. */
export function declaredSize(media: proto.Message.IImageMessage): number {
  const n = Number(media.fileLength ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Where baileys would fetch the media from (directPath on the url's host, else the url) when
 * `allowed` accepts it; undefined otherwise. */
export function mediaUrl(media: proto.Message.IImageMessage, allowed: MediaUrlCheck = isWhatsAppMediaUrl): URL | undefined {
  let raw: string | null | undefined = media.url;
  if (media.directPath) {
    if (typeof media.directPath !== "string" || !media.directPath.startsWith("/")) return undefined;
    raw = `https://${hostOf(media.url) ?? DEF_MEDIA_HOST}${media.directPath}`;
  }
  if (typeof raw !== "string") return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  return allowed(url) ? url : undefined;
}

function hostOf(url: string | null | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

/** Fetches and decrypts one image; throws MediaRefused (not fetched, or cut off) or an Error. */
export async function downloadImage(media: proto.Message.IImageMessage, opts: DownloadOptions = {}): Promise<Uint8Array> {
  const max = opts.maxBytes ?? MAX_IMAGE_BYTES;
  const size = declaredSize(media);
  if (size > max) throw new MediaRefused(`image of ${size} bytes not downloaded (limit ${max})`);
  const url = mediaUrl(media, opts.allowed);
  if (!url) throw new MediaRefused("image not downloaded: its URL is not on WhatsApp's media servers");
  if (!media.mediaKey?.length) throw new MediaRefused("image not downloaded: no media key");

  const abort = new AbortController();
  const res = await fetch(url, { headers: { Origin: DEFAULT_ORIGIN }, signal: AbortSignal.any([abort.signal, AbortSignal.timeout(TIMEOUT_MS)]) });
  if (!res.ok || !res.body) {
    abort.abort();
    throw new Error(`media server answered HTTP ${res.status}`);
  }
  const limit = max + ENC_OVERHEAD;
  const tooBig = () => {
    abort.abort();
    return new MediaRefused(`image larger than ${max} bytes; download stopped`);
  };
  const enc = await readBodyAtMost(res, limit);
  if (enc === null) throw tooBig();
  return decrypt(Buffer.from(enc.buffer, enc.byteOffset, enc.byteLength), media.mediaKey);
}

async function decrypt(enc: Buffer, mediaKey: Uint8Array): Promise<Uint8Array> {
  const { cipherKey, iv, macKey } = await getMediaKeys(mediaKey, "image");
  const body = enc.subarray(0, enc.length - MAC_BYTES);
  if (enc.length < 16 + MAC_BYTES || body.length % 16 !== 0) throw new Error("media is not a whole number of AES blocks");
  const mac = createHmac("sha256", macKey!).update(iv).update(body).digest().subarray(0, MAC_BYTES);
  if (!timingSafeEqual(mac, enc.subarray(body.length))) throw new Error("media failed its integrity check");
  const d = createDecipheriv("aes-256-cbc", cipherKey, iv);
  return new Uint8Array(Buffer.concat([d.update(body), d.final()]));
}
