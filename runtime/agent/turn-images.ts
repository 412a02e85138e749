// The user's attachments → what the model sees with this turn's message. Images go as bytes
// (ChatMessage.images); everything not shown becomes a note in the text, so the model never
// pretends to see what it was not given. The transcript gets "[image: name, size]" markers,
// never bytes, so later turns know an image was there without re-sending it.
import type { Attachment } from "../contracts/channel.ts";
import type { ChatImage } from "../contracts/provider.ts";

export interface ImageLimits {
  /** Images shown per message (default 4); the rest get a note. */
  maxImages: number;
  /** Bytes per image (default 3.75 MiB: Anthropic caps the *base64* at 5 MiB, ×4/3). */
  maxBytes: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxImages: 4, maxBytes: 3_932_160 };

export interface TurnImages {
  /** The user message's text for the model: the caption, then one note per attachment not shown. */
  text: string;
  images: ChatImage[];
  /** The caption, then one `[image: name, size]` line per attachment. */
  transcript: string;
}

/** Magic numbers: the bytes decide the media type (APIs reject a mismatch; channels guess from extensions). */
export function sniffImage(b: Uint8Array): string | null {
  const at = (i: number, ...xs: number[]) => xs.every((x, k) => b[i + k] === x);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "image/webp";
  return null;
}

export function turnImages(caption: string, attachments: Attachment[] | undefined, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): TurnImages {
  const images: ChatImage[] = [];
  const notes: string[] = [];
  const markers: string[] = [];
  for (const a of attachments ?? []) {
    const label = labelOf(a);
    const size = a.data ? sizeText(a.data.byteLength) : "size unknown";
    markers.push(`[${a.kind}: ${label}, ${size}]`);
    const notShown = (why: string) => notes.push(`[moltbot] The user attached ${a.kind} "${label}" (${size}); it is not shown to you: ${why}.`);
    if (a.kind !== "image") { notShown("only images are passed to the model"); continue; }
    // A path-only attachment is not read: the agent opens no files on a sender's say-so.
    if (!a.data) { notShown("its bytes did not arrive"); continue; }
    const mime = sniffImage(a.data);
    if (!mime) { notShown("it is not a PNG, JPEG, GIF or WebP image"); continue; }
    if (a.data.byteLength > limits.maxBytes) { notShown(`it is larger than the ${sizeText(limits.maxBytes)} limit`); continue; }
    if (images.length >= limits.maxImages) { notShown(`at most ${limits.maxImages} images are shown per message`); continue; }
    images.push({ mime, data: a.data });
  }
  return { text: joinLines(caption, notes), images, transcript: joinLines(caption, markers) };
}

/** Names come from senders: one short line, no brackets or quotes to break the marker. */
function labelOf(a: Attachment): string {
  const name = (a.name ?? "").replace(/[\s"[\]]+/g, " ").trim();
  const short = name.length > 60 ? `${name.slice(0, 59)}…` : name;
  return short || a.mime.replace(/[\s"[\]]+/g, "").slice(0, 40) || a.kind;
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

const joinLines = (head: string, lines: string[]): string => [head, ...lines].filter((l) => l !== "").join("\n");
